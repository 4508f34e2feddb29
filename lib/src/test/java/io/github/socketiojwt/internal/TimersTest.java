package io.github.socketiojwt.internal;

import io.github.socketiojwt.JwtAuthOptions;
import io.github.socketiojwt.JwtAuthorizer;
import io.github.socketiojwt.SocketIoJwt;
import io.github.socketiojwt.testing.RawClient;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves the one timer thread: tasks run once after their delay, cancelled ones never, and conditional waits; every
 * deadline of every socket is an entry in it, cancelled when the socket goes, so nothing is left behind.
 */
class TimersTest {

    private static final long WAIT_SECONDS = 5;
    private static final int SOCKETS = 10_000;
    private static final int BATCH = 500;
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void runsAScheduledTaskOnTheTimerThread() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        AtomicReference<Thread> thread = new AtomicReference<>();

        Timers.schedule(Duration.ofMillis(20), () -> {
            thread.set(Thread.currentThread());
            ran.countDown();
        });

        assertTrue(ran.await(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals("socketio-jwt-timer", thread.get().getName());
        assertTrue(thread.get().isDaemon());
    }

    @Test
    void runsATaskNoEarlierThanItsDelay() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        AtomicLong ranAt = new AtomicLong();
        long start = System.nanoTime();

        Timers.schedule(Duration.ofMillis(50), () -> {
            ranAt.set(System.nanoTime());
            ran.countDown();
        });

        assertTrue(ran.await(WAIT_SECONDS, TimeUnit.SECONDS));
        assertTrue(ranAt.get() - start >= TimeUnit.MILLISECONDS.toNanos(50), "ran early");
    }

    @Test
    void runsZeroAndNegativeDelaysAtOnce() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(2);

        Timers.schedule(Duration.ZERO, ran::countDown);
        Timers.schedule(Duration.ofSeconds(-5), ran::countDown);

        assertTrue(ran.await(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void schedulesADelayTooLongToCountInNanosecondsInsteadOfThrowing() {
        java.util.concurrent.ScheduledFuture<?> centuries = Timers.schedule(Duration.ofDays(365L * 8000), () -> { });
        try {
            assertFalse(centuries.isDone());
        } finally {
            centuries.cancel(false);
        }
    }

    @Test
    void cancelPreventsTheTask() throws InterruptedException {
        AtomicBoolean cancelledRan = new AtomicBoolean();
        CountDownLatch later = new CountDownLatch(1);

        java.util.concurrent.ScheduledFuture<?> timeout = Timers.schedule(Duration.ofMillis(30),
                () -> cancelledRan.set(true));
        assertTrue(timeout.cancel(false));
        Timers.schedule(Duration.ofMillis(150), later::countDown);

        assertTrue(later.await(WAIT_SECONDS, TimeUnit.SECONDS));
        assertTrue(timeout.isCancelled());
        assertFalse(cancelledRan.get());
    }

    @Test
    void keepsRunningTasksAfterOneThrows() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);

        Timers.schedule(Duration.ZERO, () -> {
            throw new IllegalStateException("task failure (expected by this test)");
        });
        Timers.schedule(Duration.ofMillis(30), ran::countDown);

        assertTrue(ran.await(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void whenOrAfterRunsAtOnceWhenTheConditionAlreadyHolds() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        AtomicInteger checks = new AtomicInteger();

        Timers.whenOrAfter(() -> checks.incrementAndGet() > 0, Duration.ofMillis(10), Duration.ofMinutes(1),
                ran::countDown);

        assertTrue(ran.await(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(1, checks.get());
    }

    @Test
    void whenOrAfterRunsAsSoonAsTheConditionBecomesTrue() throws InterruptedException {
        AtomicBoolean condition = new AtomicBoolean();
        AtomicInteger checks = new AtomicInteger();
        CountDownLatch checkedTwice = new CountDownLatch(2);
        CountDownLatch ran = new CountDownLatch(1);

        Timers.whenOrAfter(() -> {
            checks.incrementAndGet();
            checkedTwice.countDown();
            return condition.get();
        }, Duration.ofMillis(10), Duration.ofMinutes(1), ran::countDown);
        assertTrue(checkedTwice.await(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(1, ran.getCount(), "ran before the condition held");
        condition.set(true);

        assertTrue(ran.await(WAIT_SECONDS, TimeUnit.SECONDS), "did not run within 5 s of a 1 min limit");
    }

    @Test
    void whenOrAfterStillRunsAfterTheLimitWhenTheConditionThrows() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);

        Timers.whenOrAfter(() -> {
            throw new IllegalStateException("condition failure (expected by this test)");
        }, Duration.ofMillis(10), Duration.ofMillis(100), ran::countDown);

        assertTrue(ran.await(2, TimeUnit.SECONDS), "the action never ran within 2 s of a 100 ms limit");
    }

    @Test
    void whenOrAfterRunsOnceAfterTheLimitWhenTheConditionNeverHolds() throws InterruptedException {
        AtomicInteger checks = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch ran = new CountDownLatch(1);
        long start = System.nanoTime();

        Timers.whenOrAfter(() -> {
            checks.incrementAndGet();
            return false;
        }, Duration.ofMillis(10), Duration.ofMillis(100), () -> {
            runs.incrementAndGet();
            ran.countDown();
        });

        assertTrue(ran.await(WAIT_SECONDS, TimeUnit.SECONDS));
        long elapsed = System.nanoTime() - start;
        assertTrue(elapsed >= TimeUnit.MILLISECONDS.toNanos(100), "ran before the limit");
        assertTrue(checks.get() > 1, "checked " + checks.get() + " times");
        CountDownLatch marker = new CountDownLatch(1);
        Timers.schedule(Duration.ofMillis(50), marker::countDown);
        assertTrue(marker.await(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(1, runs.get());
    }

    @Test
    void noTimerIsLeftBehindAfterTenThousandSocketsConnectAndDisconnect() throws Exception {
        TestServer server = TestServer.start(s -> {
            SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET).build()).install(s, "/");
            SocketIoJwt.authorize(JwtAuthOptions.authenticate().secret(TestTokens.SECRET)
                    .timeout(Duration.ofMinutes(5)).build()).install(s, "/admin");
        });
        String token = TestTokens.token("alice"); // expires in an hour: every "/" socket holds an expiry timer
        ExecutorService pool = Executors.newFixedThreadPool(16);
        int threadsBefore = Thread.activeCount();
        long before = Timers.pending();
        AtomicLong peak = new AtomicLong();
        AtomicInteger served = new AtomicInteger();
        try {
            for (int done = 0; done < SOCKETS; done += BATCH) {
                List<Future<RawClient>> opening = new ArrayList<>();
                for (int i = 0; i < BATCH; i++) {
                    opening.add(pool.submit(() -> {
                        RawClient raw = RawClient.websocket(server.url(), 4);
                        // authenticated on "/" (expiry timer), quarantined on "/admin" (authenticate timeout)
                        raw.send("40{\"token\":\"" + token + "\"}", "40/admin,");
                        if (raw.await(p -> p.startsWith("40/admin,"), WAIT).isPresent()
                                && raw.await(p -> p.startsWith("40{"), WAIT).isPresent()) {
                            served.incrementAndGet();
                        }
                        return raw;
                    }));
                }
                List<RawClient> open = new ArrayList<>();
                for (Future<RawClient> f : opening) {
                    open.add(f.get(30, TimeUnit.SECONDS));
                }
                peak.accumulateAndGet(Timers.pending(), Math::max);
                open.forEach(RawClient::close);
            }
            assertEquals(SOCKETS, served.get(), "every socket was connected on both namespaces");
            assertTrue(peak.get() - before >= BATCH, "the count sees the sockets' timers: peak " + peak
                    + ", before " + before);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((Timers.pending() > before || JwtAuthorizer.trackedSessions(server.server()) > 0)
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(Timers.pending() <= before, "timers pending: " + Timers.pending() + ", before: " + before);
            assertEquals(0, JwtAuthorizer.trackedSessions(server.server()), "sessions left behind");
            assertTrue(Thread.activeCount() < threadsBefore + 50, "threads: " + Thread.activeCount());
        } finally {
            pool.shutdownNow();
            server.close();
        }
    }
}
