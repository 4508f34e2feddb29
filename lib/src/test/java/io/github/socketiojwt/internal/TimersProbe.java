package io.github.socketiojwt.internal;

/** Lets benchmarks outside this package read the library's timer wheel. */
public final class TimersProbe {

    private TimersProbe() {
    }

    /** @return the library's pending timer tasks */
    public static long pending() {
        return Timers.pending();
    }
}
