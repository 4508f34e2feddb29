package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.HandshakeData;
import io.github.socketiojwt.AuthenticationValidator;
import io.github.socketiojwt.ErrorCode;
import io.github.socketiojwt.JwtAuthOptions;
import io.github.socketiojwt.JwtPrincipal;
import io.github.socketiojwt.KeyRequest;
import io.github.socketiojwt.KeyResolver;
import io.github.socketiojwt.RevocationCheck;
import io.github.socketiojwt.UnauthorizedException;
import io.github.socketiojwt.testing.MutableClock;
import io.github.socketiojwt.testing.TestTokens;
import io.jsonwebtoken.Jwts;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.AdditionalAnswers.delegatesTo;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;

/**
 * Proves one token's way through key resolution, verification and validation: every failure, exception or
 * time-out ends in an {@link UnauthorizedException} with the right code, never in a hang.
 */
class TokenAuthenticatorTest {

    private static final long WAIT_SECONDS = 5;
    private static final SecretKey KEY = TestTokens.key(TestTokens.SECRET);
    private static final HandshakeData HANDSHAKE = new HandshakeData(
            new DefaultHttpHeaders().add("X-Tenant", "acme"), Map.of("tenant", List.of("acme")),
            new InetSocketAddress("127.0.0.1", 40123), "/socket.io/?EIO=4&tenant=acme", false);

    private static KeyPair rsa;

    @BeforeAll
    static void rsaKey() {
        rsa = io.github.socketiojwt.testing.TestKeys.RSA_2048;
    }

    private static JwtAuthOptions.Builder withResolver(KeyResolver resolver) {
        return JwtAuthOptions.handshake().keyResolver(resolver);
    }

    private static JwtAuthOptions.Builder withValidator(AuthenticationValidator validator) {
        return JwtAuthOptions.handshake().secret(KEY).validator(validator);
    }

    private static CompletableFuture<JwtPrincipal> authenticate(JwtAuthOptions.Builder options, String token) {
        return new TokenAuthenticator(options.build()).authenticate(token, HANDSHAKE, "/chat");
    }

    private static JwtPrincipal success(CompletableFuture<JwtPrincipal> future) {
        try {
            return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("expected success", e);
        }
    }

    private static UnauthorizedException failure(CompletableFuture<JwtPrincipal> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(WAIT_SECONDS,
                TimeUnit.SECONDS));
        return assertInstanceOf(UnauthorizedException.class, e.getCause());
    }

    private static void assertFailure(ErrorCode errorCode, String code, String message,
            CompletableFuture<JwtPrincipal> future) {
        UnauthorizedException e = failure(future);
        assertSame(errorCode, e.errorCode());
        assertEquals(code, e.code());
        assertEquals(message, e.getMessage());
    }

    /**
     * A stage that, as {@link CompletionStage#toCompletableFuture()} allows, refuses to interoperate, and otherwise
     * behaves as {@code future}.
     */
    @SuppressWarnings("unchecked")
    private static <T> CompletionStage<T> nonInteroperable(CompletableFuture<T> future) {
        CompletionStage<T> stage = mock(CompletionStage.class, delegatesTo(future));
        doThrow(new UnsupportedOperationException("toCompletableFuture")).when(stage).toCompletableFuture();
        return stage;
    }

    private static KeyResolver counting(AtomicInteger calls, Key key) {
        return request -> {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture(key);
        };
    }

    // ---------------------------------------------------------------- static key

    @Test
    void authenticatesWithStaticKeyOnTheCallingThread() {
        String token = TestTokens.token("alice");

        CompletableFuture<JwtPrincipal> future = authenticate(JwtAuthOptions.handshake().secret(KEY), token);

        assertTrue(future.isDone());
        JwtPrincipal principal = success(future);
        assertEquals("/chat", principal.namespace());
        assertEquals(token, principal.token());
        assertEquals("alice", principal.subject());
        assertEquals("alice", principal.claims().get("username"));
        assertNull(principal.user());
    }

    @Test
    void refusesBadTokenWithStaticKeyWithItsJsonwebtokenMessage() {
        JwtAuthOptions.Builder options = JwtAuthOptions.handshake().secret(KEY);

        assertFailure(ErrorCode.TOKEN_MALFORMED, "invalid_token", "jwt malformed", authenticate(options, "boooooo"));
        assertFailure(ErrorCode.SIGNATURE_REQUIRED, "invalid_token", "jwt signature is required",
                authenticate(options, TestTokens.UNSIGNED));
        assertFailure(ErrorCode.INVALID_SIGNATURE, "invalid_token", "invalid signature",
                authenticate(options, TestTokens.tampered("alice")));
        assertFailure(ErrorCode.TOKEN_EXPIRED, "invalid_token", "jwt expired", authenticate(options,
                TestTokens.token(TestTokens.SECRET, "alice", Instant.now().minusSeconds(60))));
    }

    @Test
    void exposesItsOptions() {
        JwtAuthOptions options = JwtAuthOptions.handshake().secret(KEY).build();
        assertSame(options, new TokenAuthenticator(options).options());
    }

    // ---------------------------------------------------------------- key resolver

    @Test
    void authenticatesWithASynchronousResolver() {
        CompletableFuture<JwtPrincipal> future = authenticate(withResolver(KeyResolver.of(request -> KEY)),
                TestTokens.token("alice"));

        assertTrue(future.isDone());
        assertEquals("alice", success(future).subject());
    }

    @Test
    void givesTheResolverHandshakeNamespaceHeaderAndUnverifiedClaims() {
        AtomicReference<KeyRequest> seen = new AtomicReference<>();
        String token = Jwts.builder().header().keyId("k1").and().subject("alice")
                .claim("tid", "acme").signWith(KEY).compact();

        success(authenticate(withResolver(KeyResolver.of(request -> {
            seen.set(request);
            return KEY;
        })), token));

        KeyRequest request = seen.get();
        assertSame(HANDSHAKE, request.handshake());
        assertEquals("/chat", request.namespace());
        assertEquals("k1", request.keyId());
        assertEquals("HS256", request.header().get("alg"));
        assertEquals(Map.of("sub", "alice", "tid", "acme"), request.unverifiedClaims());
    }

    @Test
    void refusesWithInvalidSecretWhenTheResolverFindsNoKey() {
        assertFailure(ErrorCode.KEY_UNAVAILABLE, "invalid_secret", "secret or public key must be provided",
                authenticate(withResolver(KeyResolver.of(request -> null)), TestTokens.token("alice")));
    }

    @Test
    void refusesWithInvalidSecretWhenTheResolverReturnsNoStage() {
        assertFailure(ErrorCode.KEY_UNAVAILABLE, "invalid_secret", "secret could not be resolved",
                authenticate(withResolver(request -> null), TestTokens.token("alice")));
    }

    @Test
    void refusesWithInvalidSecretWhenTheResolverThrows() {
        KeyResolver throwing = request -> {
            throw new IllegalStateException("vault down: secret=" + TestTokens.SECRET);
        };

        UnauthorizedException e = failure(authenticate(withResolver(throwing), TestTokens.token("alice")));

        assertSame(ErrorCode.KEY_UNAVAILABLE, e.errorCode());
        assertEquals("invalid_secret", e.code());
        assertEquals("secret could not be resolved", e.getMessage());
        assertNull(e.getCause());
    }

    @Test
    void refusesWithInvalidSecretWhenTheResolverStageFails() {
        KeyResolver failing = request -> CompletableFuture.failedFuture(new IOException("connection refused"));

        assertFailure(ErrorCode.KEY_UNAVAILABLE, "invalid_secret", "secret could not be resolved",
                authenticate(withResolver(failing), TestTokens.token("alice")));
    }

    @Test
    void refusesWithTheResolversOwnCodeWhenItThrowsUnauthorizedException() {
        KeyResolver tenants = request -> {
            throw new UnauthorizedException("tenant_unknown", "unknown tenant");
        };

        assertFailure(ErrorCode.CUSTOM, "tenant_unknown", "unknown tenant",
                authenticate(withResolver(tenants), TestTokens.token("alice")));
    }

    @Test
    void refusesWithTheResolversOwnCodeWhenItsStageFailsWithUnauthorizedException() {
        CompletableFuture<Key> later = new CompletableFuture<>();
        CompletableFuture<JwtPrincipal> future = authenticate(withResolver(request -> later),
                TestTokens.token("alice"));

        later.completeExceptionally(new UnauthorizedException("tenant_suspended", "tenant suspended"));

        assertFailure(ErrorCode.CUSTOM, "tenant_suspended", "tenant suspended", future);
    }

    @Test
    void refusesWithInvalidSecretWhenTheResolverNeverAnswers() {
        CompletableFuture<Key> never = new CompletableFuture<>();
        long start = System.nanoTime();

        CompletableFuture<JwtPrincipal> future = authenticate(withResolver(request -> never)
                .resolutionTimeout(Duration.ofMillis(100)), TestTokens.token("alice"));

        assertFalse(future.isDone());
        assertFailure(ErrorCode.KEY_UNAVAILABLE, "invalid_secret", "secret could not be resolved", future);
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(100), "refused before the timeout");
    }

    @Test
    void ignoresAKeyThatArrivesAfterTheTimeout() {
        CompletableFuture<Key> late = new CompletableFuture<>();
        CompletableFuture<JwtPrincipal> future = authenticate(withResolver(request -> late)
                .resolutionTimeout(Duration.ofMillis(100)), TestTokens.token("alice"));
        failure(future);

        late.complete(KEY);

        assertSame(ErrorCode.KEY_UNAVAILABLE, failure(future).errorCode());
    }

    @Test
    void authenticatesWhenTheResolverStageCannotBeConverted() {
        // toCompletableFuture() is optional in CompletionStage's contract: the library never needs it.
        CompletionStage<Key> stage = nonInteroperable(CompletableFuture.completedFuture(KEY));

        CompletableFuture<JwtPrincipal> future = assertDoesNotThrow(
                () -> authenticate(withResolver(request -> stage), TestTokens.token("alice")));

        assertEquals("alice", success(future).subject());
    }

    @Test
    void authenticatesWhenTheResolverAnswersLaterFromAnotherThread() throws InterruptedException {
        CompletableFuture<Key> later = new CompletableFuture<>();
        CompletableFuture<JwtPrincipal> future = authenticate(withResolver(request -> later),
                TestTokens.token("alice"));
        assertFalse(future.isDone());

        Thread other = new Thread(() -> later.complete(KEY), "key-lookup");
        other.start();

        assertEquals("alice", success(future).subject());
        other.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    }

    @Test
    void refusesATokenThatFailsVerificationWithAResolvedKey() {
        KeyResolver other = KeyResolver.of(request -> TestTokens.key(TestTokens.OTHER_SECRET));

        assertFailure(ErrorCode.INVALID_SIGNATURE, "invalid_token", "invalid signature",
                authenticate(withResolver(other), TestTokens.token("alice")));
    }

    @Test
    void refusesHs256MacdWithTheRsaPublicKeyTheResolverReturns() throws GeneralSecurityException {
        String header = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        String payload = b64("{\"sub\":\"admin\"}");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(rsa.getPublic().getEncoded(), "HmacSHA256"));
        String forged = header + "." + payload + "."
                + b64(mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII)));

        assertFailure(ErrorCode.INVALID_ALGORITHM, "invalid_token", "invalid algorithm",
                authenticate(withResolver(KeyResolver.of(request -> rsa.getPublic())), forged));
    }

    @Test
    void neverCallsTheResolverForAMalformedUnsignedOrOversizedToken() {
        AtomicInteger calls = new AtomicInteger();
        JwtAuthOptions.Builder options = withResolver(counting(calls, KEY));

        assertFailure(ErrorCode.TOKEN_MALFORMED, "invalid_token", "jwt malformed",
                authenticate(options, "boooooo"));
        assertFailure(ErrorCode.TOKEN_MALFORMED, "invalid_token", "invalid token",
                authenticate(options, TestTokens.token("alice") + " "));
        assertFailure(ErrorCode.SIGNATURE_REQUIRED, "invalid_token", "jwt signature is required",
                authenticate(options, TestTokens.UNSIGNED));
        String noneWithSignature = TestTokens.UNSIGNED + "c2lnbmF0dXJl";
        assertFailure(ErrorCode.INVALID_ALGORITHM, "invalid_token", "invalid algorithm",
                authenticate(options, noneWithSignature));
        assertFailure(ErrorCode.TOKEN_TOO_LARGE, "invalid_token", "jwt malformed",
                authenticate(options, "a".repeat(8193)));

        assertEquals(0, calls.get());
    }

    @Test
    void callsTheResolverOncePerToken() {
        AtomicInteger calls = new AtomicInteger();
        TokenAuthenticator authenticator = new TokenAuthenticator(withResolver(counting(calls, KEY)).build());

        success(authenticator.authenticate(TestTokens.token("alice"), HANDSHAKE, "/"));
        success(authenticator.authenticate(TestTokens.token("bob"), HANDSHAKE, "/"));

        assertEquals(2, calls.get());
    }

    // ---------------------------------------------------------------- validator

    @Test
    void attachesTheObjectTheValidatorReturns() {
        ArrayList<String> user = new ArrayList<>(List.of("alice", "admin"));

        JwtPrincipal principal = success(authenticate(withValidator((p, h) -> CompletableFuture.completedFuture(user)),
                TestTokens.token("alice")));

        assertEquals(user, principal.<ArrayList<String>>user());
        assertEquals("alice", principal.subject());
    }

    @Test
    void attachesNothingWhenTheValidatorReturnsNullOrNoStage() {
        assertNull(success(authenticate(withValidator((p, h) -> CompletableFuture.completedFuture(null)),
                TestTokens.token("alice"))).user());
        assertNull(success(authenticate(withValidator((p, h) -> null), TestTokens.token("alice"))).user());
    }

    @Test
    void givesTheValidatorTheVerifiedPrincipalAndTheHandshake() {
        AtomicReference<JwtPrincipal> seenPrincipal = new AtomicReference<>();
        AtomicReference<HandshakeData> seenHandshake = new AtomicReference<>();
        String token = TestTokens.token("alice");

        success(authenticate(withValidator((principal, handshake) -> {
            seenPrincipal.set(principal);
            seenHandshake.set(handshake);
            return CompletableFuture.completedFuture(null);
        }), token));

        assertEquals("alice", seenPrincipal.get().subject());
        assertEquals(token, seenPrincipal.get().token());
        assertEquals("/chat", seenPrincipal.get().namespace());
        assertSame(HANDSHAKE, seenHandshake.get());
    }

    @Test
    void refusesWithTheValidatorsCustomCode() {
        AuthenticationValidator banned = (principal, handshake) -> {
            throw new UnauthorizedException("user_banned", "user is banned");
        };

        assertFailure(ErrorCode.CUSTOM, "user_banned", "user is banned",
                authenticate(withValidator(banned), TestTokens.token("alice")));
    }

    @Test
    void refusesWithTheValidatorsCustomCodeFromAStageCompletedLater() throws InterruptedException {
        CompletableFuture<Serializable> later = new CompletableFuture<>();
        CompletableFuture<JwtPrincipal> future = authenticate(withValidator((p, h) -> later),
                TestTokens.token("alice"));
        assertFalse(future.isDone());

        Thread other = new Thread(() -> later.completeExceptionally(
                new UnauthorizedException("user_banned", "user is banned")), "user-lookup");
        other.start();

        assertFailure(ErrorCode.CUSTOM, "user_banned", "user is banned", future);
        other.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    }

    @Test
    void refusesWithUnknownWhenTheValidatorThrows() {
        AuthenticationValidator broken = (principal, handshake) -> {
            throw new NullPointerException("user");
        };

        assertFailure(ErrorCode.UNKNOWN, "unknown", "authentication failed",
                authenticate(withValidator(broken), TestTokens.token("alice")));
    }

    @Test
    void refusesWithUnknownWhenTheValidatorStageFails() {
        AuthenticationValidator failing = (principal, handshake) ->
                CompletableFuture.failedFuture(new IOException("db down"));

        assertFailure(ErrorCode.UNKNOWN, "unknown", "authentication failed",
                authenticate(withValidator(failing), TestTokens.token("alice")));
    }

    @Test
    void attachesTheUserWhenTheValidatorStageCannotBeConverted() {
        CompletionStage<Serializable> stage = nonInteroperable(CompletableFuture.completedFuture("user-42"));

        assertEquals("user-42", success(authenticate(withValidator((p, h) -> stage), TestTokens.token("alice")))
                .user());
    }

    @Test
    void refusesWithUnknownWhenTheValidatorNeverAnswers() {
        CompletableFuture<JwtPrincipal> future = authenticate(withValidator((p, h) -> new CompletableFuture<>())
                .resolutionTimeout(Duration.ofMillis(100)), TestTokens.token("alice"));

        assertFalse(future.isDone());
        assertFailure(ErrorCode.UNKNOWN, "unknown", "authentication failed", future);
    }

    @Test
    void neverCallsTheValidatorForATokenThatFailsVerification() {
        AtomicInteger calls = new AtomicInteger();
        AuthenticationValidator validator = (principal, handshake) -> {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        };

        assertFailure(ErrorCode.INVALID_SIGNATURE, "invalid_token", "invalid signature",
                authenticate(withValidator(validator), TestTokens.tampered("alice")));
        assertFailure(ErrorCode.TOKEN_EXPIRED, "invalid_token", "jwt expired",
                authenticate(withValidator(validator),
                        TestTokens.token(TestTokens.SECRET, "alice", Instant.now().minusSeconds(1))));

        assertEquals(0, calls.get());
    }

    @Test
    void runsResolverThenValidatorBothAsynchronously() throws InterruptedException {
        CompletableFuture<Key> key = new CompletableFuture<>();
        CompletableFuture<Serializable> user = new CompletableFuture<>();
        CountDownLatch validatorCalled = new CountDownLatch(1);
        CompletableFuture<JwtPrincipal> future = new TokenAuthenticator(withResolver(request -> key)
                .validator((principal, handshake) -> {
                    validatorCalled.countDown();
                    return user;
                }).build()).authenticate(TestTokens.token("alice"), HANDSHAKE, "/");

        key.complete(KEY);
        assertTrue(validatorCalled.await(WAIT_SECONDS, TimeUnit.SECONDS));
        assertFalse(future.isDone());
        user.complete("user-42");

        assertEquals("user-42", success(future).<String>user());
    }

    // ---------------------------------------------------------------- revocation

    private static JwtAuthOptions.Builder withRevocation(RevocationCheck check) {
        return JwtAuthOptions.handshake().secret(KEY).revocationCheck(check);
    }

    @Test
    void refusesARevokedTokenWithRevokedToken() {
        assertFailure(ErrorCode.REVOKED_TOKEN, "revoked_token", "The token has been revoked.",
                authenticate(withRevocation(RevocationCheck.of(p -> "mallory".equals(p.subject()))),
                        TestTokens.token("mallory")));
        assertEquals("alice", success(authenticate(withRevocation(RevocationCheck.of(p -> "mallory".equals(
                p.subject()))), TestTokens.token("alice"))).subject());
    }

    @Test
    void theRevocationCheckSeesTheClaimsAndTheEncodedToken() {
        String token = TestTokens.token("alice");
        AtomicInteger matched = new AtomicInteger();
        success(authenticate(withRevocation(RevocationCheck.of(p -> {
            if (token.equals(p.token()) && "alice".equals(p.claims().get("sub"))) {
                matched.incrementAndGet();
            }
            return false;
        })), token));
        assertEquals(1, matched.get());
    }

    @Test
    void aRevocationCheckThatThrowsAnswersNothingOrNeverAnswersDenies() {
        assertFailure(ErrorCode.REVOKED_TOKEN, "revoked_token", "The token has been revoked.",
                authenticate(withRevocation(p -> {
                    throw new IllegalStateException("revocation store down");
                }), TestTokens.token("alice")));
        assertFailure(ErrorCode.REVOKED_TOKEN, "revoked_token", "The token has been revoked.",
                authenticate(withRevocation(p -> CompletableFuture.completedFuture(null)), TestTokens.token("a")));
        assertFailure(ErrorCode.REVOKED_TOKEN, "revoked_token", "The token has been revoked.",
                authenticate(withRevocation(p -> CompletableFuture.failedFuture(new IllegalStateException("x"))),
                        TestTokens.token("a")));
        CompletableFuture<JwtPrincipal> never = authenticate(withRevocation(p -> new CompletableFuture<>())
                .resolutionTimeout(Duration.ofMillis(100)), TestTokens.token("alice"));
        assertFalse(never.isDone());
        assertFailure(ErrorCode.REVOKED_TOKEN, "revoked_token", "The token has been revoked.", never);
    }

    @Test
    void neverAsksTheRevocationCheckAboutATokenThatFailedVerification() {
        AtomicInteger calls = new AtomicInteger();
        assertFailure(ErrorCode.INVALID_SIGNATURE, "invalid_token", "invalid signature",
                authenticate(withRevocation(RevocationCheck.of(p -> calls.incrementAndGet() > 0)),
                        TestTokens.tampered("alice")));
        assertEquals(0, calls.get());
    }

    private static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    // ---------------------------------------------------------------- verified-token cache

    @Test
    void aTokenVerifiedBeforeIsTakenFromTheCacheWithoutDecodingAgain() {
        TokenAuthenticator authenticator = new TokenAuthenticator(JwtAuthOptions.handshake().secret(KEY).build());
        String token = TestTokens.token("alice");

        JwtPrincipal first = success(authenticator.authenticate(token, HANDSHAKE, "/"));
        JwtPrincipal again = success(authenticator.authenticate(new String(token.toCharArray()), HANDSHAKE, "/"));

        assertSame(first, again, "the same exact token string gives the cached principal");
        assertEquals("alice", success(authenticator.authenticate(token, HANDSHAKE, "/other")).subject());
        assertNotSame(first, success(authenticator.authenticate(token, HANDSHAKE, "/other")),
                "a principal names its namespace: never shared across namespaces");
    }

    @Test
    void aCachedTokenStillExpiresAndStillMeetsTheClaimRules() {
        MutableClock clock = new MutableClock(Instant.now());
        TokenAuthenticator authenticator = new TokenAuthenticator(JwtAuthOptions.handshake().secret(KEY)
                .clock(clock).build());
        String token = TestTokens.token(TestTokens.SECRET, "alice", clock.instant().plusSeconds(60));
        success(authenticator.authenticate(token, HANDSHAKE, "/"));

        clock.advance(Duration.ofSeconds(61));

        assertFailure(ErrorCode.TOKEN_EXPIRED, "invalid_token", "jwt expired",
                authenticator.authenticate(token, HANDSHAKE, "/"));
    }

    @Test
    void theRevocationCheckAndTheValidatorRunOnEveryUseOfACachedToken() {
        AtomicInteger revocations = new AtomicInteger();
        AtomicInteger validations = new AtomicInteger();
        java.util.Set<String> revoked = java.util.concurrent.ConcurrentHashMap.newKeySet();
        TokenAuthenticator authenticator = new TokenAuthenticator(JwtAuthOptions.handshake().secret(KEY)
                .revocationCheck(RevocationCheck.of(p -> {
                    revocations.incrementAndGet();
                    return revoked.contains(p.subject());
                }))
                .validator((principal, handshake) -> {
                    validations.incrementAndGet();
                    return CompletableFuture.completedFuture("user-" + validations.get());
                }).build());
        String token = TestTokens.token("alice");

        assertEquals("user-1", success(authenticator.authenticate(token, HANDSHAKE, "/")).user());
        assertEquals("user-2", success(authenticator.authenticate(token, HANDSHAKE, "/")).user());
        revoked.add("alice");
        assertFailure(ErrorCode.REVOKED_TOKEN, "revoked_token", "The token has been revoked.",
                authenticator.authenticate(token, HANDSHAKE, "/"));

        assertEquals(3, revocations.get());
        assertEquals(2, validations.get());
    }

    @Test
    void tokensVerifiedWithAResolvedKeyOrWithTheCacheOffAreVerifiedEveryTime() {
        AtomicInteger calls = new AtomicInteger();
        TokenAuthenticator resolved = new TokenAuthenticator(withResolver(counting(calls, KEY)).build());
        String token = TestTokens.token("alice");
        JwtPrincipal first = success(resolved.authenticate(token, HANDSHAKE, "/"));
        assertNotSame(first, success(resolved.authenticate(token, HANDSHAKE, "/")));
        assertEquals(2, calls.get(), "a key removed from a JWKS must stop verifying at once");

        TokenAuthenticator off = new TokenAuthenticator(JwtAuthOptions.handshake().secret(KEY)
                .verifiedTokenCacheSize(0).build());
        assertNotSame(success(off.authenticate(token, HANDSHAKE, "/")), success(off.authenticate(token, HANDSHAKE,
                "/")));
    }

    @Test
    void aTamperedCopyOfACachedTokenIsStillRefused() {
        TokenAuthenticator authenticator = new TokenAuthenticator(JwtAuthOptions.handshake().secret(KEY).build());
        String token = TestTokens.token("alice");
        success(authenticator.authenticate(token, HANDSHAKE, "/"));
        String[] parts = token.split("\\.");
        String otherSignature = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();

        assertFailure(ErrorCode.INVALID_SIGNATURE, "invalid_token", "invalid signature",
                authenticator.authenticate(otherSignature, HANDSHAKE, "/"));
    }
}
