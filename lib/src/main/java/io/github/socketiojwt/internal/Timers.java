package io.github.socketiojwt.internal;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The library's one timer thread: every authentication deadline, grace period and retry of every socket is a
 * cheap entry in one hashed wheel, never a thread per socket. Tasks must be short and must not block.
 */
final class Timers {

    private static final ThreadFactory DAEMON = runnable -> {
        Thread thread = new Thread(runnable, "socketio-jwt-timer");
        thread.setDaemon(true);
        return thread;
    };

    private static final HashedWheelTimer TIMER = new HashedWheelTimer(DAEMON, 10, TimeUnit.MILLISECONDS, 512);

    private Timers() {
    }

    /**
     * Runs a task once after a delay.
     *
     * @param delay the delay
     * @param task the task; exceptions are caught and logged by Netty's timer
     * @return a handle to cancel it
     */
    static Timeout schedule(Duration delay, Runnable task) {
        TimerTask timerTask = timeout -> task.run();
        return TIMER.newTimeout(timerTask, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    }

    /** @return how many tasks are scheduled and neither run nor cancelled yet, over every server of the JVM */
    static long pending() {
        return TIMER.pendingTimeouts();
    }

    private static boolean holds(BooleanSupplier condition) {
        try {
            return condition.getAsBoolean();
        } catch (RuntimeException e) {
            return true; // a condition that cannot be evaluated must not keep the action from ever running
        }
    }

    /**
     * Runs {@code action} as soon as {@code condition} holds, checking every {@code step}, and at the latest after
     * {@code limit}.
     *
     * @param condition what to wait for
     * @param step how often to check
     * @param limit the longest wait
     * @param action what to run
     */
    static void whenOrAfter(BooleanSupplier condition, Duration step, Duration limit, Runnable action) {
        long deadline = System.nanoTime() + limit.toNanos();
        schedule(Duration.ZERO, new Runnable() {
            @Override
            public void run() {
                if (holds(condition) || System.nanoTime() - deadline >= 0) {
                    action.run();
                } else {
                    schedule(step, this);
                }
            }
        });
    }
}
