package io.github.socketiojwt.internal;

import io.github.socketiojwt.JwtPrincipal;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bounded cache of verified tokens: exact keys, expiry, namespaces and its bound. */
class VerifiedTokensTest {

    private static JwtPrincipal principal(String namespace) {
        return new JwtPrincipal(namespace, "t", Map.of("sub", "alice"), null);
    }

    @Test
    void givesBackAPrincipalUntilItsTokenExpires() {
        VerifiedTokens cache = new VerifiedTokens(100);
        JwtPrincipal alice = principal("/");
        cache.put("token-a", alice, 2_000);

        assertSame(alice, cache.get("token-a", "/", 1_999));
        assertNull(cache.get("token-a", "/", 2_000), "dropped at exp");
        assertNull(cache.get("token-a", "/", 1_500), "and gone for good");
        assertNull(cache.get("token-b", "/", 1_000));
    }

    @Test
    void givesAPrincipalOnlyToTheNamespaceItWasVerifiedOn() {
        VerifiedTokens cache = new VerifiedTokens(100);
        cache.put("token", principal("/chat"), Long.MAX_VALUE);

        assertNull(cache.get("token", "/", 0));
        assertSame("/chat", cache.get("token", "/chat", 0).namespace());
    }

    @Test
    void holdsAtMostItsCapacityAndKeepsTheTokensUsedRecently() {
        VerifiedTokens cache = new VerifiedTokens(1_000);
        JwtPrincipal kept = principal("/");
        cache.put("kept", kept, Long.MAX_VALUE);
        for (int i = 0; i < 100_000; i++) {
            cache.put("token-" + i, principal("/"), Long.MAX_VALUE);
            if (i % 100 == 0) {
                assertSame(kept, cache.get("kept", "/", 0), "a token in use stays at " + i);
            }
            assertTrue(cache.size() <= 1_000, "size " + cache.size() + " at " + i);
        }
    }

    @Test
    void forgetsExpiredEntriesWhenAskedAndKeepsTheOthers() {
        VerifiedTokens cache = new VerifiedTokens(100_000);
        for (int i = 0; i < 2_048; i++) {
            cache.put("token-" + i, principal("/"), 10);
        }
        cache.put("late", principal("/"), Long.MAX_VALUE);
        cache.forgetExpired(20);
        assertTrue(cache.size() == 1, "left: " + cache.size());
        assertSame("/", cache.get("late", "/", 20).namespace());
    }
}
