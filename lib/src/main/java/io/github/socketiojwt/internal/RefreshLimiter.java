package io.github.socketiojwt.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A sliding-window limit: at most {@code max} permits in any window of the given length, measured on a
 * {@link Clock}. It bounds how often tokens can make the library call a remote endpoint (a JWKS refresh for each
 * unknown {@code kid}): past the limit, callers answer from what they have instead of asking again.
 *
 * <p>Thread-safe. Permits are never returned; they expire with the window. A clock that goes backwards forgets
 * the permits it can no longer place, rather than blocking for the length of the jump.
 */
public final class RefreshLimiter {

    private final int max;
    private final Duration window;
    private final Clock clock;
    private final ArrayDeque<Instant> granted = new ArrayDeque<>();

    /**
     * Creates a limiter.
     *
     * @param max the most permits in one window, at least 1
     * @param window the window, positive
     * @param clock the clock that places permits in time
     * @throws IllegalArgumentException if {@code max} or {@code window} is out of range
     */
    public RefreshLimiter(int max, Duration window, Clock clock) {
        if (max < 1) {
            throw new IllegalArgumentException("max: " + max + " (expected: >= 1)");
        }
        Objects.requireNonNull(window, "window");
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("window: " + window + " (expected: > PT0S)");
        }
        this.max = max;
        this.window = window;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Takes a permit if fewer than {@code max} were granted within the last window.
     *
     * @return true when the caller may go ahead
     */
    public synchronized boolean tryAcquire() {
        Instant now = clock.instant();
        Instant windowStart = now.minus(window);
        // Drop what left the window, and what lies in the future of a clock that was set back.
        granted.removeIf(at -> !at.isAfter(windowStart) || at.isAfter(now));
        if (granted.size() >= max) {
            return false;
        }
        granted.addLast(now);
        return true;
    }
}
