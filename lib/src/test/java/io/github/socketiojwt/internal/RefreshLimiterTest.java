package io.github.socketiojwt.internal;

import io.github.socketiojwt.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Proves the sliding window: at most {@code max} permits in any window, measured on the injected clock. */
class RefreshLimiterTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void grantsUpToMaxPermitsInOneWindowThenRefuses() {
        RefreshLimiter limiter = new RefreshLimiter(3, MINUTE, clock);

        assertTrue(limiter.tryAcquire());
        assertTrue(limiter.tryAcquire());
        assertTrue(limiter.tryAcquire());
        assertFalse(limiter.tryAcquire());
        assertFalse(limiter.tryAcquire());
    }

    @Test
    void windowSlidesPermitByPermitRatherThanResettingAtOnce() {
        RefreshLimiter limiter = new RefreshLimiter(2, MINUTE, clock);
        assertTrue(limiter.tryAcquire()); // t = 0
        clock.advance(Duration.ofSeconds(30));
        assertTrue(limiter.tryAcquire()); // t = 30 s
        assertFalse(limiter.tryAcquire());

        clock.advance(Duration.ofSeconds(29)); // t = 59 s: both still in the window
        assertFalse(limiter.tryAcquire());
        clock.advance(Duration.ofSeconds(1)); // t = 60 s: the first one left it
        assertTrue(limiter.tryAcquire());
        assertFalse(limiter.tryAcquire());
        clock.advance(Duration.ofSeconds(30)); // t = 90 s: the second one left it
        assertTrue(limiter.tryAcquire());
        assertFalse(limiter.tryAcquire());
    }

    @Test
    void refusalsDoNotUseUpPermits() {
        RefreshLimiter limiter = new RefreshLimiter(1, MINUTE, clock);
        assertTrue(limiter.tryAcquire());
        for (int i = 0; i < 100; i++) {
            assertFalse(limiter.tryAcquire());
        }

        clock.advance(MINUTE);

        assertTrue(limiter.tryAcquire());
    }

    @Test
    void clockSetBackForgetsPermitsItCanNoLongerPlace() {
        RefreshLimiter limiter = new RefreshLimiter(1, MINUTE, clock);
        assertTrue(limiter.tryAcquire());

        clock.advance(Duration.ofHours(-1));

        assertTrue(limiter.tryAcquire(), "not blocked for the hour the clock went back");
        assertFalse(limiter.tryAcquire());
    }

    @Test
    void concurrentCallersNeverGetMoreThanMax() throws Exception {
        RefreshLimiter limiter = new RefreshLimiter(10, MINUTE, clock);
        AtomicInteger granted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < 8; i++) {
                pool.execute(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    for (int j = 0; j < 100; j++) {
                        if (limiter.tryAcquire()) {
                            granted.incrementAndGet();
                        }
                    }
                });
            }
            start.countDown();
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
        }

        assertEquals(10, granted.get());
    }

    @Test
    void refusesArgumentsOutOfRangeSayingWhatWasExpected() {
        assertEquals("max: 0 (expected: >= 1)", assertThrows(IllegalArgumentException.class,
                () -> new RefreshLimiter(0, MINUTE, clock)).getMessage());
        assertEquals("window: PT0S (expected: > PT0S)", assertThrows(IllegalArgumentException.class,
                () -> new RefreshLimiter(1, Duration.ZERO, clock)).getMessage());
        assertThrows(NullPointerException.class, () -> new RefreshLimiter(1, null, clock));
        assertThrows(NullPointerException.class, () -> new RefreshLimiter(1, MINUTE, null));
    }
}
