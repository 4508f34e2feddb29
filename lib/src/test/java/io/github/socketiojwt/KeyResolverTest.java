package io.github.socketiojwt;

import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.Test;

import java.security.Key;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.SecretKey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Proves that {@link KeyResolver#of} adapts a synchronous function into an already complete stage. */
class KeyResolverTest {

    private static final KeyRequest REQUEST = new KeyRequest(null, "/", Map.of("alg", "HS256", "kid", "k1"),
            Map.of("sub", "alice"));

    @Test
    void completesWithTheKeyTheFunctionReturns() {
        SecretKey key = TestTokens.key(TestTokens.SECRET);

        CompletableFuture<? extends Key> stage = KeyResolver.of(request -> key).resolve(REQUEST).toCompletableFuture();

        assertTrue(stage.isDone());
        assertSame(key, stage.join());
    }

    @Test
    void completesWithNullWhenTheFunctionFindsNoKey() {
        CompletableFuture<? extends Key> stage = KeyResolver.of(request -> null).resolve(REQUEST)
                .toCompletableFuture();

        assertTrue(stage.isDone());
        assertNull(stage.join());
    }

    @Test
    void passesTheRequestToTheFunctionOnEveryResolveAndNotBefore() {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<KeyRequest> seen = new AtomicReference<>();
        KeyResolver resolver = KeyResolver.of(request -> {
            calls.incrementAndGet();
            seen.set(request);
            return TestTokens.key(TestTokens.SECRET);
        });
        assertEquals(0, calls.get());

        resolver.resolve(REQUEST);
        resolver.resolve(REQUEST);

        assertEquals(2, calls.get());
        assertSame(REQUEST, seen.get());
    }

    @Test
    void letsTheFunctionsExceptionEscapeFromResolve() {
        KeyResolver resolver = KeyResolver.of(request -> {
            throw new IllegalStateException("vault down");
        });

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> resolver.resolve(REQUEST));
        assertEquals("vault down", e.getMessage());
    }

    @Test
    void refusesNullFunction() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> KeyResolver.of(null));
        assertEquals("function", e.getMessage());
    }

    @Test
    void canBeALambdaReturningAnIncompleteStage() {
        CompletableFuture<SecretKey> later = new CompletableFuture<>();
        KeyResolver resolver = request -> later;

        CompletionStage<? extends Key> stage = resolver.resolve(REQUEST);
        later.complete(TestTokens.key(TestTokens.SECRET));

        assertEquals(TestTokens.key(TestTokens.SECRET), stage.toCompletableFuture().join());
    }
}
