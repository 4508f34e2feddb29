package io.github.socketiojwt.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The library's one timer thread: every authentication deadline, expiry, grace period and retry of every socket is
 * an entry in one delay queue (O(log n) to add or cancel, cancelled entries removed at once), never a thread per
 * socket. The thread sleeps until the next deadline, so an idle server spends nothing on it (a hashed wheel would
 * tick a hundred times a second). Tasks must be short and must not block.
 */
final class Timers {

    private static final ThreadFactory DAEMON = runnable -> {
        Thread thread = new Thread(runnable, "socketio-jwt-timer");
        thread.setDaemon(true);
        return thread;
    };

    private static final Logger log = LoggerFactory.getLogger(Timers.class);

    private static final ScheduledThreadPoolExecutor TIMER = newTimer();

    private static ScheduledThreadPoolExecutor newTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, DAEMON);
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return timer;
    }

    private Timers() {
    }

    /**
     * Runs a task once after a delay.
     *
     * @param delay the delay
     * @param task the task; exceptions are caught and logged
     * @return a handle to cancel it ({@code cancel(false)})
     */
    static ScheduledFuture<?> schedule(Duration delay, Runnable task) {
        return TIMER.schedule(() -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                log.warn("A timer task failed", e);
            }
        }, nanos(delay), TimeUnit.NANOSECONDS);
    }

    /** A delay in nanoseconds, from 0 (negative delays) to {@code Long.MAX_VALUE} (those of some 292 years on). */
    private static long nanos(Duration delay) {
        if (delay.isNegative()) {
            return 0;
        }
        return delay.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE : delay.toNanos();
    }

    /** @return how many tasks are scheduled and neither run nor cancelled yet, over every server of the JVM */
    static long pending() {
        return TIMER.getQueue().size();
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
