package io.github.socketiojwt;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.corundumstudio.socketio.HandshakeData;
import com.sun.net.httpserver.HttpServer;
import io.github.socketiojwt.internal.TokenAuthenticator;
import io.github.socketiojwt.testing.JavaClient;
import io.github.socketiojwt.testing.MutableClock;
import io.github.socketiojwt.testing.TestKeys;
import io.github.socketiojwt.testing.TestServer;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.spec.SecretKeySpec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves the JWKS resolver against a real local HTTP server that counts its requests: caching by {@code kid},
 * one shared and rate-limited refetch for unknown {@code kid}s, keys that are ignored, outages, time-outs,
 * rotation, and that only the configured URL and only asymmetric algorithms are ever trusted (bad-inputs §I).
 */
class JwksKeyResolverTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final PublicKey RSA = TestKeys.RSA_2048.getPublic();
    private static final PublicKey P256 = TestKeys.P_256.getPublic();
    private static final PublicKey ED = TestKeys.ED_25519.getPublic();

    private final List<JwksKeyResolver> resolvers = new ArrayList<>();
    private JwksServer jwks;
    private MutableClock clock;

    @BeforeEach
    void startServer() {
        jwks = new JwksServer();
        clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @AfterEach
    void stopServer() {
        resolvers.forEach(JwksKeyResolver::close);
        jwks.close();
    }

    // ---- caching --------------------------------------------------------------------------------------------

    @Test
    void warmCacheAnswersAtOnceWithAnAlreadyCompletedStageAndNoRequest() {
        jwks.serve(set(jwk(RSA, "k1"), jwk(P256, "k2")));
        JwksKeyResolver resolver = resolver(b -> b);

        assertKey(RSA, await(resolver.resolve(request("RS256", "k1"))));
        for (int i = 0; i < 100; i++) {
            CompletableFuture<PublicKey> k1 = resolver.resolve(request("RS256", "k1")).toCompletableFuture();
            CompletableFuture<PublicKey> k2 = resolver.resolve(request("ES256", "k2")).toCompletableFuture();
            assertTrue(k1.isDone() && k2.isDone(), "answered from memory");
            assertKey(RSA, k1.join());
            assertKey(P256, k2.join());
        }

        assertEquals(1, jwks.requests());
    }

    @Test
    void buildTouchesNoNetworkAndTheFirstTokenFetchesTheSet() {
        jwks.serve(set(jwk(RSA, "k1")));

        JwksKeyResolver resolver = resolver(b -> b);

        assertEquals(0, jwks.requests());
        assertKey(RSA, await(resolver.resolve(request("RS256", "k1"))));
        assertEquals(1, jwks.requests());
    }

    @Test
    void refreshFetchesTheSetAheadOfTheFirstToken() {
        jwks.serve(set(jwk(RSA, "k1")));
        JwksKeyResolver resolver = resolver(b -> b);

        await(resolver.refresh());

        assertTrue(resolver.resolve(request("RS256", "k1")).toCompletableFuture().isDone());
        assertEquals(1, jwks.requests());
    }

    @Test
    void cacheIsRefreshedInTheBackgroundBeforeItExpiresAndTokensNeverWaitForIt() {
        jwks.serve(set(jwk(RSA, "k1")));
        // Real time here: the refresh is scheduled at 80% of a short time to live.
        JwksKeyResolver resolver = resolver(b -> b.clock(Clock.systemUTC()).cacheTtl(Duration.ofMillis(500)));
        await(resolver.refresh());
        jwks.serve(set(jwk(RSA, "k1"), jwk(P256, "k2")));
        CountDownLatch gate = jwks.hold();

        jwks.awaitRequests(2); // the background refresh, held by the server
        CompletableFuture<PublicKey> duringRefresh = resolver.resolve(request("RS256", "k1")).toCompletableFuture();
        assertTrue(duringRefresh.isDone(), "a token does not wait for a background refresh");
        assertKey(RSA, duringRefresh.join());
        CompletionStage<Void> refreshed = resolver.refresh(); // joins the refresh under way
        gate.countDown();
        await(refreshed);

        CompletableFuture<PublicKey> k2 = resolver.resolve(request("ES256", "k2")).toCompletableFuture();
        assertTrue(k2.isDone(), "the new key was fetched before any token asked for it");
        assertKey(P256, k2.join());
    }

    // ---- unknown kid, rate limit, sharing ---------------------------------------------------------------------

    @Test
    void unknownKidTriggersOneRefetchThenIsRefusedWithNull() {
        jwks.serve(set(jwk(RSA, "k1")));
        JwksKeyResolver resolver = resolver(b -> b);
        await(resolver.refresh());

        assertNull(await(resolver.resolve(request("RS256", "nope"))));

        assertEquals(2, jwks.requests());
    }

    @Test
    void repeatedUnknownKidsAreRateLimitedWhileCachedKidsAreNot() {
        jwks.serve(set(jwk(RSA, "k1")));
        JwksKeyResolver resolver = resolver(b -> b); // maxRefreshesPerMinute: 10 by default

        for (int i = 0; i < 50; i++) {
            assertNull(await(resolver.resolve(request("RS256", UUID.randomUUID().toString()))));
        }
        assertEquals(10, jwks.requests(), "at most 10 refreshes a minute");

        CompletableFuture<PublicKey> unknown = resolver.resolve(request("RS256", "another")).toCompletableFuture();
        assertTrue(unknown.isDone(), "refused at once, without a request");
        assertNull(unknown.join());
        CompletableFuture<PublicKey> known = resolver.resolve(request("RS256", "k1")).toCompletableFuture();
        assertTrue(known.isDone());
        assertKey(RSA, known.join());
        assertEquals(10, jwks.requests());

        clock.advance(Duration.ofSeconds(61));
        assertNull(await(resolver.resolve(request("RS256", "yet-another"))));
        assertEquals(11, jwks.requests(), "the window slid: refreshes are allowed again");
    }

    @Test
    void maxRefreshesPerMinuteSetsTheLimit() {
        jwks.serve(set(jwk(RSA, "k1")));
        JwksKeyResolver resolver = resolver(b -> b.maxRefreshesPerMinute(2));

        for (int i = 0; i < 5; i++) {
            await(resolver.resolve(request("RS256", "unknown-" + i)));
        }

        assertEquals(2, jwks.requests());
    }

    @Test
    void concurrentUnknownKidRequestsShareOneFetch() throws Exception {
        jwks.serve(set(jwk(RSA, "k1")));
        JwksKeyResolver resolver = resolver(b -> b);
        await(resolver.refresh());
        jwks.serve(set(jwk(RSA, "k1"), jwk(P256, "k2")));
        CountDownLatch gate = jwks.hold();

        int callers = 16;
        CyclicBarrier start = new CyclicBarrier(callers);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        List<CompletableFuture<CompletableFuture<PublicKey>>> calls = new ArrayList<>();
        try {
            for (int i = 0; i < callers; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await(5, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return resolver.resolve(request("ES256", "k2")).toCompletableFuture();
                }, pool));
            }
            List<CompletableFuture<PublicKey>> answers = new ArrayList<>();
            for (CompletableFuture<CompletableFuture<PublicKey>> call : calls) {
                answers.add(call.get(5, TimeUnit.SECONDS));
            }
            jwks.awaitRequests(2);
            assertTrue(answers.stream().noneMatch(CompletableFuture::isDone), "all wait for the fetch");

            gate.countDown();

            for (CompletableFuture<PublicKey> answer : answers) {
                assertKey(P256, await(answer));
            }
            assertEquals(2, jwks.requests(), "one initial fetch, one shared refetch");
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- selection by kid, alg and usable keys ------------------------------------------------------------------

    @Test
    void tokenWithoutKidIsRefusedWhenTheSetHoldsSeveralKeys() {
        jwks.serve(set(jwk(RSA, "k1"), jwk(P256, "k2")));
        JwksKeyResolver resolver = resolver(b -> b);

        assertNull(await(resolver.resolve(request("RS256", null))));
        assertNull(await(resolver.resolve(request("ES256", null))));
        assertEquals(1, jwks.requests(), "a token without kid does not trigger refreshes");
    }

    @Test
    void tokenWithoutKidIsMatchedToTheOnlyKeyOfTheSet() {
        jwks.serve(set(jwk(RSA, null)));
        JwksKeyResolver resolver = resolver(b -> b);

        assertKey(RSA, await(resolver.resolve(request("RS256", null))));
        assertNull(await(resolver.resolve(request("RS256", "k1"))), "a key without kid matches no kid");
    }

    @Test
    void tokenWithANonStringKidIsRefused() {
        jwks.serve(set(jwk(RSA, null)));
        JwksKeyResolver resolver = resolver(b -> b);
        Map<String, Object> header = new HashMap<>();
        header.put("alg", "RS256");
        header.put("kid", 1);

        assertNull(await(resolver.resolve(new KeyRequest(null, "/", header, Map.of()))));
    }

    @Test
    void encryptionPrivateSecretWeakAndMalformedKeysAreIgnoredWithoutSpoilingTheSet() throws Exception {
        String privateRsa = Jwks.UNSAFE_JSON(Jwks.builder().rsaKeyPair(TestKeys.RSA_2048).id("private").build());
        String oct = Jwks.UNSAFE_JSON(Jwks.builder().key(new SecretKeySpec(new byte[32], "HmacSHA256")).id("oct")
                .build());
        jwks.serve(set(
                jwk(RSA, "enc", "\"use\":\"enc\""),
                privateRsa,
                oct,
                jwk(TestKeys.RSA_1024.getPublic(), "rsa-1024"),
                jwk(P256, "encrypt-only", "\"key_ops\":[\"encrypt\"]"),
                "{\"kty\":\"RSA\",\"kid\":\"malformed\",\"n\":\"!!\",\"e\":\"AQAB\"}",
                "{\"kty\":\"XYZ\",\"kid\":\"unknown-kty\"}",
                "{\"kty\":\"EC\",\"kid\":\"unknown-crv\",\"crv\":\"P-192\",\"x\":\"AA\",\"y\":\"AA\"}",
                "\"not a key\"",
                jwk(ED, "good")));
        JwksKeyResolver resolver = resolver(b -> b.maxRefreshesPerMinute(100));

        assertKey(ED, await(resolver.resolve(request("EdDSA", "good"))));
        for (String kid : List.of("enc", "private", "oct", "rsa-1024", "encrypt-only", "malformed", "unknown-kty",
                "unknown-crv")) {
            String alg = kid.equals("encrypt-only") || kid.equals("unknown-crv") ? "ES256" : "RS256";
            assertNull(await(resolver.resolve(request(alg, kid))), kid);
        }
        assertKey(ED, await(resolver.resolve(request("EdDSA", null))), "the only usable key");
    }

    @Test
    void emptySetRefusesEveryToken() {
        jwks.serve("{\"keys\":[]}");
        JwksKeyResolver resolver = resolver(b -> b);

        assertNull(await(resolver.resolve(request("RS256", "k1"))));
        assertNull(await(resolver.resolve(request("RS256", null))));
    }

    @Test
    void keyDeclaringAnAlgVerifiesOnlyThatAlg() {
        jwks.serve(set(jwk(RSA, "k1", "\"alg\":\"PS256\"")));
        JwksKeyResolver resolver = resolver(b -> b);

        assertKey(RSA, await(resolver.resolve(request("PS256", "k1"))));
        assertInvalidAlgorithm(resolver.resolve(request("RS256", "k1")));
        assertEquals(1, jwks.requests(), "a known kid with another alg is not a reason to refetch");
    }

    @Test
    void keyOfAnotherTypeThanTheTokensAlgIsRefusedWithInvalidAlgorithm() {
        jwks.serve(set(jwk(P256, "k1")));
        JwksKeyResolver resolver = resolver(b -> b);

        assertInvalidAlgorithm(resolver.resolve(request("RS256", "k1")));
        assertInvalidAlgorithm(resolver.resolve(request("ES384", "k1")));
        assertKey(P256, await(resolver.resolve(request("ES256", "k1"))));
    }

    // ---- algorithms ------------------------------------------------------------------------------------------

    @Test
    void acceptsOnlyAsymmetricAlgorithms() {
        JwksKeyResolver resolver = resolver(b -> b);

        assertEquals(Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
                "EdDSA"), resolver.acceptedAlgorithms());
        assertThrows(UnsupportedOperationException.class, () -> resolver.acceptedAlgorithms().add("HS256"));
    }

    @Test
    void hmacTokenIsRefusedWithInvalidAlgorithmWithoutAnyRequestEvenWhenTheResolverIsWrapped() {
        jwks.serve(set(jwk(RSA, "k1")));
        JwksKeyResolver resolver = resolver(b -> b);

        for (String alg : List.of("HS256", "HS384", "HS512", "none")) {
            CompletionStage<PublicKey> stage = resolver.resolve(request(alg, "k1"));
            assertTrue(stage.toCompletableFuture().isDone(), "refused at once");
            assertInvalidAlgorithm(stage);
        }

        assertEquals(0, jwks.requests());
    }

    @Test
    void hmacTokenNeverReachesTheResolverThroughTheAuthenticator() {
        jwks.serve(set(jwk(RSA, "k1")));
        JwksKeyResolver jwksResolver = resolver(b -> b);
        AtomicInteger calls = new AtomicInteger();
        KeyResolver counting = new KeyResolver() {
            @Override
            public CompletionStage<? extends Key> resolve(KeyRequest request) {
                calls.incrementAndGet();
                return jwksResolver.resolve(request);
            }

            @Override
            public Set<String> acceptedAlgorithms() {
                return jwksResolver.acceptedAlgorithms();
            }
        };
        TokenAuthenticator authenticator = new TokenAuthenticator(JwtAuthOptions.handshake().keyResolver(counting)
                .build());
        String forged = Jwts.builder().header().keyId("k1").and().subject("mallory")
                .signWith(new SecretKeySpec(RSA.getEncoded(), "HmacSHA256"), Jwts.SIG.HS256).compact();

        assertRefused(authenticator, forged, ErrorCode.INVALID_ALGORITHM, "invalid algorithm");

        assertEquals(0, calls.get());
        assertEquals(0, jwks.requests());
    }

    @Test
    void rs256TokenFromTheSetConnectsAndHs256TokenForgedWithThePublicKeyGetsInvalidAlgorithm() {
        jwks.serve(set(jwk(RSA, "k1")));
        JwksKeyResolver resolver = resolver(b -> b);
        String genuine = Jwts.builder().header().keyId("k1").and().subject("alice")
                .expiration(Date.from(Instant.now().plusSeconds(600)))
                .signWith(TestKeys.RSA_2048.getPrivate(), Jwts.SIG.RS256).compact();
        String forged = Jwts.builder().header().keyId("k1").and().subject("mallory")
                .expiration(Date.from(Instant.now().plusSeconds(600)))
                .signWith(new SecretKeySpec(RSA.getEncoded(), "HmacSHA256"), Jwts.SIG.HS256).compact();

        try (TestServer server = TestServer.start(s -> SocketIoJwt.authorize(JwtAuthOptions.handshake()
                .keyResolver(resolver).build()).install(s))) {
            try (JavaClient client = JavaClient.connect(server.url(), "/", Map.of("token", genuine), null, null)) {
                client.awaitOrFail("connect", WAIT);
            }
            assertEquals(1, jwks.requests());
            try (JavaClient client = JavaClient.connect(server.url(), "/", Map.of("token", forged), null, null)) {
                assertConnectError(client.awaitOrFail("connect_error", WAIT), "invalid algorithm", "invalid_token");
                assertFalse(client.has("connect"));
            }
            assertEquals(1, jwks.requests(), "the forged token caused no fetch");
        }
    }

    @Test
    void jkuX5uX5cAndEmbeddedJwkHeadersAreNeverFetchedNorTrusted() throws Exception {
        KeyPair attacker = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        try (JwksServer foreign = new JwksServer()) {
            foreign.serve(set(jwk(attacker.getPublic(), "ed")));
            String elsewhere = foreign.uri().toString();
            jwks.serve(set(jwk(RSA, "k1"), jwk(ED, "ed")));
            JwksKeyResolver resolver = resolver(b -> b.maxRefreshesPerMinute(100));
            TokenAuthenticator authenticator = new TokenAuthenticator(JwtAuthOptions.handshake()
                    .keyResolver(resolver).build());
            String foreignHeaders = "\"jku\":\"" + elsewhere + "\",\"x5u\":\"" + elsewhere + "\",\"x5c\":[\""
                    + Base64.getEncoder().encodeToString(attacker.getPublic().getEncoded()) + "\"],\"jwk\":"
                    + Jwks.json(Jwks.builder().key(attacker.getPublic()).build());

            String genuine = ed25519Token(TestKeys.ED_25519.getPrivate(), "{\"alg\":\"EdDSA\",\"kid\":\"ed\","
                    + foreignHeaders + "}");
            assertEquals("alice", authenticate(authenticator, genuine).subject());

            String knownKid = ed25519Token(attacker.getPrivate(), "{\"alg\":\"EdDSA\",\"kid\":\"ed\","
                    + foreignHeaders + "}");
            assertRefused(authenticator, knownKid, ErrorCode.INVALID_SIGNATURE, "invalid signature");

            String unknownKid = ed25519Token(attacker.getPrivate(), "{\"alg\":\"EdDSA\",\"kid\":\"attacker\","
                    + foreignHeaders + "}");
            assertRefused(authenticator, unknownKid, ErrorCode.KEY_UNAVAILABLE,
                    "secret or public key must be provided");

            String noKid = ed25519Token(attacker.getPrivate(), "{\"alg\":\"EdDSA\"," + foreignHeaders + "}");
            assertRefused(authenticator, noKid, ErrorCode.KEY_UNAVAILABLE, "secret or public key must be provided");

            assertEquals(0, foreign.requests(), "the foreign URL was never requested");
            assertEquals(2, jwks.requests(), "the configured one: the first fetch, and one for the unknown kid");
        }
    }

    @Test
    void redirectsAreNotFollowed() {
        try (JwksServer foreign = new JwksServer()) {
            foreign.serve(set(jwk(RSA, "k1")));
            jwks.redirectTo(foreign.uri());
            JwksKeyResolver resolver = resolver(b -> b);

            assertNull(await(resolver.resolve(request("RS256", "k1"))));

            assertInstanceOf(IOException.class, failure(resolver.refresh()));
            assertEquals(0, foreign.requests());
        }
    }

    // ---- outages, time-outs, bad bodies ----------------------------------------------------------------------

    @Test
    void endpointDownAtStartDoesNotStopBuildAndTheFirstTokenAfterRecoveryIsServed() {
        jwks.fail(500);
        JwksKeyResolver resolver = resolver(b -> b);

        assertNull(await(resolver.resolve(request("RS256", "k1"))));
        assertInstanceOf(IOException.class, failure(resolver.refresh()));

        jwks.serve(set(jwk(RSA, "k1")));
        assertKey(RSA, await(resolver.resolve(request("RS256", "k1"))));
    }

    @Test
    void closedPortAtStartDoesNotStopBuildAndRefusesTokensQuickly() {
        int port = closedPort();
        JwksKeyResolver resolver = resolver(URI.create("http://127.0.0.1:" + port + "/jwks.json"), b -> b);

        long start = System.nanoTime();
        assertNull(await(resolver.resolve(request("RS256", "k1"))));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(WAIT) < 0);
        assertInstanceOf(IOException.class, failure(resolver.refresh()));
    }

    @Test
    void staleKeysAreServedWhileTheEndpointIsDownUntilTheFallbackRunsOut() {
        jwks.serve(set(jwk(RSA, "k1")));
        JwksKeyResolver resolver = resolver(b -> b.cacheTtl(Duration.ofMinutes(10))
                .staleFallback(Duration.ofMinutes(30)));
        await(resolver.refresh());
        jwks.fail(503);

        clock.advance(Duration.ofMinutes(11));
        CompletableFuture<PublicKey> stale = resolver.resolve(request("RS256", "k1")).toCompletableFuture();
        assertTrue(stale.isDone(), "an expired cache answers at once and refreshes behind");
        assertKey(RSA, stale.join());
        jwks.awaitRequests(2);
        assertInstanceOf(IOException.class, failure(resolver.refresh()));
        assertKey(RSA, await(resolver.resolve(request("RS256", "k1"))));

        clock.advance(Duration.ofMinutes(30));
        assertNull(await(resolver.resolve(request("RS256", "k1"))), "the fallback ran out");
    }

    @Test
    void zeroStaleFallbackDropsKeysAsSoonAsTheyExpireAndRefreshesFail() {
        jwks.serve(set(jwk(RSA, "k1")));
        JwksKeyResolver resolver = resolver(b -> b.staleFallback(Duration.ZERO));
        await(resolver.refresh());
        jwks.fail(500);

        clock.advance(Duration.ofMinutes(10));

        assertNull(await(resolver.resolve(request("RS256", "k1"))));
    }

    @Test
    void slowEndpointEndsWithinTheRequestTimeout() {
        CountDownLatch never = jwks.hold();
        jwks.serve(set(jwk(RSA, "k1")));
        JwksKeyResolver resolver = resolver(b -> b.requestTimeout(Duration.ofMillis(300)));

        long start = System.nanoTime();
        CompletableFuture<PublicKey> answer = resolver.resolve(request("RS256", "k1")).toCompletableFuture();
        assertNull(await(answer));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertTrue(took.compareTo(Duration.ofMillis(2000)) < 0, "took " + took);
        never.countDown();
    }

    @Test
    void bodyThatIsNotAJwkSetIsAFailedRefreshThatKeepsTheKeys() {
        jwks.serve(set(jwk(RSA, "k1")));
        JwksKeyResolver resolver = resolver(b -> b);
        await(resolver.refresh());

        String deep = "{\"keys\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        String huge = "{\"keys\":[],\"padding\":\"" + "x".repeat(JwksKeyResolver.MAX_BODY_BYTES) + "\"}";
        for (String body : List.of("<html>down for maintenance</html>", "{\"foo\":[]}", "{\"keys\":{}}", "[]", "",
                deep, huge)) {
            jwks.serve(body);
            assertInstanceOf(IOException.class, failure(resolver.refresh()), body.length() > 40
                    ? body.substring(0, 40) : body);
            assertKey(RSA, await(resolver.resolve(request("RS256", "k1"))));
        }
        jwks.serve(huge);
        jwks.chunked(true); // no Content-Length: the limit is found while reading
        assertInstanceOf(IOException.class, failure(resolver.refresh()));
        assertKey(RSA, await(resolver.resolve(request("RS256", "k1"))));
    }

    // ---- rotation --------------------------------------------------------------------------------------------

    @Test
    void newKidIsPickedUpAtOnce() {
        jwks.serve(set(jwk(RSA, "k1")));
        JwksKeyResolver resolver = resolver(b -> b);
        await(resolver.refresh());

        jwks.serve(set(jwk(RSA, "k1"), jwk(P256, "k2")));

        assertKey(P256, await(resolver.resolve(request("ES256", "k2"))));
        assertEquals(2, jwks.requests());
    }

    @Test
    void removedKidIsRefusedOnceTheCacheExpiresAndIsRefreshed() {
        jwks.serve(set(jwk(RSA, "k1"), jwk(P256, "k2")));
        JwksKeyResolver resolver = resolver(b -> b);
        await(resolver.refresh());
        jwks.serve(set(jwk(P256, "k2")));

        clock.advance(Duration.ofMinutes(9));
        assertKey(RSA, await(resolver.resolve(request("RS256", "k1"))), "still cached");
        assertEquals(1, jwks.requests());

        clock.advance(Duration.ofMinutes(2));
        await(resolver.refresh());

        assertNull(await(resolver.resolve(request("RS256", "k1"))));
        assertKey(P256, await(resolver.resolve(request("ES256", "k2"))));
    }

    // ---- lifecycle, logs, options ----------------------------------------------------------------------------

    @Test
    void closeStopsFetchingAndKeepsAnsweringFromTheKeysHeld() {
        jwks.serve(set(jwk(RSA, "k1")));
        JwksKeyResolver resolver = resolver(b -> b);
        await(resolver.refresh());

        resolver.close();
        resolver.close();

        assertKey(RSA, await(resolver.resolve(request("RS256", "k1"))));
        assertNull(await(resolver.resolve(request("RS256", "k2"))));
        assertInstanceOf(IllegalStateException.class, failure(resolver.refresh()));
        assertEquals(1, jwks.requests());
    }

    @Test
    void fetchFailuresAreLoggedAtWarnWithoutTheBodyAndNothingLogsKeyMaterial() {
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.github.socketiojwt");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        Level level = logger.getLevel();
        logger.addAppender(appender);
        logger.setLevel(Level.DEBUG);
        try {
            String weakModulus = Jwks.builder().key((java.security.interfaces.RSAPublicKey)
                    TestKeys.RSA_1024.getPublic()).build().get("n").toString();
            jwks.serve(set(jwk(TestKeys.RSA_1024.getPublic(), "weak"), jwk(RSA, "k1")));
            JwksKeyResolver resolver = resolver(b -> b);
            await(resolver.refresh());
            jwks.fail(500, "SECRET-BODY-MARKER");
            Throwable http500 = failure(resolver.refresh());
            jwks.serve("SECRET-BODY-MARKER is not JSON");
            Throwable notJson = failure(resolver.refresh());

            List<String> messages = new ArrayList<>();
            appender.list.forEach(e -> messages.add(e.getLevel() + " " + e.getFormattedMessage()));
            assertTrue(messages.stream().anyMatch(m -> m.startsWith("WARN") && m.endsWith("failed: HTTP 500")),
                    messages.toString());
            assertTrue(messages.stream().anyMatch(m -> m.startsWith("WARN") && m.endsWith("not a JWK set")),
                    messages.toString());
            assertTrue(messages.stream().anyMatch(m -> m.startsWith("DEBUG") && m.contains("weak")),
                    messages.toString());
            for (String text : concat(messages, List.of(http500.getMessage(), notJson.getMessage()))) {
                assertFalse(text.contains("SECRET-BODY-MARKER"), text);
                assertFalse(text.contains(weakModulus), text);
            }
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(level);
        }
    }

    @Test
    void acceptsOnlyAbsoluteHttpAndHttpsUris() {
        assertEquals("jwksUri: scheme ftp (expected: an http or https URI)", assertThrows(
                IllegalArgumentException.class, () -> JwksKeyResolver.builder(URI.create("ftp://example.com/jwks")))
                .getMessage());
        assertEquals("jwksUri: scheme file (expected: an http or https URI)", assertThrows(
                IllegalArgumentException.class, () -> JwksKeyResolver.builder(URI.create("file:///etc/jwks.json")))
                .getMessage());
        assertEquals("jwksUri: scheme null (expected: an http or https URI)", assertThrows(
                IllegalArgumentException.class, () -> JwksKeyResolver.builder(URI.create("/jwks.json")))
                .getMessage());
        assertEquals("jwksUri: no host (expected: an absolute http or https URI with a host)", assertThrows(
                IllegalArgumentException.class, () -> JwksKeyResolver.builder(URI.create("https:jwks.json")))
                .getMessage());
        assertThrows(NullPointerException.class, () -> JwksKeyResolver.builder(null));
        JwksKeyResolver.builder(URI.create("HTTPS://login.example.com/jwks")).build().close();
    }

    @Test
    void optionsAreValidatedWithMessagesThatSayWhatWasExpected() {
        JwksKeyResolver.Builder builder = JwksKeyResolver.builder(URI.create("https://login.example.com/jwks"));

        assertEquals("cacheTtl: PT0S (expected: > PT0S)", assertThrows(IllegalArgumentException.class,
                () -> builder.cacheTtl(Duration.ZERO)).getMessage());
        assertEquals("requestTimeout: PT-1S (expected: > PT0S)", assertThrows(IllegalArgumentException.class,
                () -> builder.requestTimeout(Duration.ofSeconds(-1))).getMessage());
        assertEquals("maxRefreshesPerMinute: 0 (expected: >= 1)", assertThrows(IllegalArgumentException.class,
                () -> builder.maxRefreshesPerMinute(0)).getMessage());
        assertEquals("staleFallback: PT-1S (expected: >= PT0S)", assertThrows(IllegalArgumentException.class,
                () -> builder.staleFallback(Duration.ofSeconds(-1))).getMessage());
        assertThrows(NullPointerException.class, () -> builder.clock(null));
        assertThrows(NullPointerException.class, () -> builder.httpClient(null));
        assertThrows(NullPointerException.class, () -> builder.cacheTtl(null));
    }

    @Test
    void veryLongDurationsDoNotOverflow() {
        jwks.serve(set(jwk(RSA, "k1")));
        Duration forever = java.time.temporal.ChronoUnit.FOREVER.getDuration();
        JwksKeyResolver resolver = resolver(b -> b.cacheTtl(forever).staleFallback(forever)
                .requestTimeout(forever));

        assertKey(RSA, await(resolver.resolve(request("RS256", "k1"))));
        clock.advance(Duration.ofDays(365 * 100));
        assertKey(RSA, await(resolver.resolve(request("RS256", "k1"))));
        assertEquals(1, jwks.requests());
    }

    @Test
    void toStringNamesTheUrlWithoutUserInfoOrQuery() {
        JwksKeyResolver resolver = resolver(URI.create("https://user:pw@login.example.com:8443/jwks?api_key=s3"),
                b -> b);

        assertEquals("JwksKeyResolver[https://login.example.com:8443/jwks]", resolver.toString());
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private JwksKeyResolver resolver(java.util.function.UnaryOperator<JwksKeyResolver.Builder> configure) {
        return resolver(jwks.uri(), configure);
    }

    private JwksKeyResolver resolver(URI uri, java.util.function.UnaryOperator<JwksKeyResolver.Builder> configure) {
        JwksKeyResolver resolver = configure.apply(JwksKeyResolver.builder(uri).clock(clock)).build();
        resolvers.add(resolver);
        return resolver;
    }

    private static KeyRequest request(String alg, String kid) {
        Map<String, Object> header = new HashMap<>();
        header.put("alg", alg);
        if (kid != null) {
            header.put("kid", kid);
        }
        return new KeyRequest(null, "/", header, Map.of("sub", "alice"));
    }

    private static String jwk(PublicKey key, String kid, String... members) {
        String json = kid == null ? Jwks.json(Jwks.builder().key(key).build())
                : Jwks.json(Jwks.builder().key(key).id(kid).build());
        for (String member : members) {
            json = json.substring(0, json.length() - 1) + "," + member + "}";
        }
        return json;
    }

    private static String set(String... keys) {
        return "{\"keys\":[" + String.join(",", keys) + "]}";
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("no answer within " + WAIT, e);
        }
    }

    private static Throwable failure(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("no answer within " + WAIT, e);
        }
        throw new AssertionError("completed normally");
    }

    /** Compares keys by their encoding; a failure names the key type, never the key. */
    private static void assertKey(PublicKey expected, Key actual, String... message) {
        assertNotNull(actual, "no key " + String.join(" ", message));
        assertTrue(Arrays.equals(expected.getEncoded(), actual.getEncoded()), "expected the " + expected.getAlgorithm()
                + " test key, got another " + actual.getAlgorithm() + " key " + String.join(" ", message));
    }

    private static void assertInvalidAlgorithm(CompletionStage<? extends Key> stage) {
        UnauthorizedException e = assertInstanceOf(UnauthorizedException.class, failure(stage));
        assertEquals(ErrorCode.INVALID_ALGORITHM, e.errorCode());
        assertEquals("invalid algorithm", e.getMessage());
    }

    @SuppressWarnings("unchecked")
    private static void assertConnectError(JavaClient.Event event, String message, String code) {
        Map<String, Object> payload = (Map<String, Object>) event.arg(0);
        assertEquals(message, payload.get("message"), payload.toString());
        assertEquals(Map.of("message", message, "code", code, "type", "UnauthorizedError"), payload.get("data"));
    }

    private static final HandshakeData HANDSHAKE = new HandshakeData(new DefaultHttpHeaders(), Map.of(),
            new InetSocketAddress("127.0.0.1", 40123), "/socket.io/?EIO=4", false);

    private static JwtPrincipal authenticate(TokenAuthenticator authenticator, String token) {
        return await(authenticator.authenticate(token, HANDSHAKE, "/"));
    }

    private static void assertRefused(TokenAuthenticator authenticator, String token, ErrorCode code,
            String message) {
        Throwable failure = failure(authenticator.authenticate(token, HANDSHAKE, "/"));
        if (failure instanceof CompletionException) {
            failure = failure.getCause();
        }
        UnauthorizedException e = assertInstanceOf(UnauthorizedException.class, failure);
        assertEquals(code, e.errorCode());
        assertEquals(message, e.getMessage());
    }

    private static String ed25519Token(PrivateKey key, String header) throws GeneralSecurityException {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String payload = "{\"sub\":\"alice\",\"exp\":" + (Instant.now().getEpochSecond() + 600) + "}";
        String input = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(key);
        signer.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + b64.encodeToString(signer.sign());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A real HTTP server on 127.0.0.1 serving one JWK set at {@code /jwks.json}, counting requests. */
    private static final class JwksServer implements AutoCloseable {

        private final HttpServer server;
        private final ExecutorService executor;
        private final AtomicInteger requests = new AtomicInteger();
        private volatile int status = 200;
        private volatile String body = "{\"keys\":[]}";
        private volatile URI location;
        private volatile boolean chunked;
        private volatile CountDownLatch gate = new CountDownLatch(0);

        JwksServer() {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            executor = Executors.newCachedThreadPool(runnable -> {
                Thread thread = new Thread(runnable, "jwks-test-server");
                thread.setDaemon(true);
                return thread;
            });
            server.setExecutor(executor);
            server.createContext("/", exchange -> {
                synchronized (requests) {
                    requests.incrementAndGet();
                    requests.notifyAll();
                }
                try {
                    gate.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                if (location != null) {
                    exchange.getResponseHeaders().add("Location", location.toString());
                    exchange.sendResponseHeaders(302, -1);
                    exchange.close();
                    return;
                }
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, chunked ? 0 : bytes.length == 0 ? -1 : bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                } catch (IOException clientGone) {
                    // the client gave up (body too large, time-out): nothing to do
                }
                exchange.close();
            });
            server.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
        }

        void serve(String json) {
            status = 200;
            body = json;
        }

        void fail(int code) {
            fail(code, "{\"error\":\"down\"}");
        }

        void fail(int code, String text) {
            status = code;
            body = text;
        }

        void chunked(boolean on) {
            chunked = on;
        }

        void redirectTo(URI target) {
            location = target;
        }

        /** Holds every request until the returned latch is released. */
        CountDownLatch hold() {
            CountDownLatch latch = new CountDownLatch(1);
            gate = latch;
            return latch;
        }

        int requests() {
            return requests.get();
        }

        void awaitRequests(int count) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            synchronized (requests) {
                while (requests.get() < count) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("expected " + count + " requests, got " + requests.get());
                    }
                    try {
                        requests.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new AssertionError(e);
                    }
                }
            }
        }

        @Override
        public void close() {
            gate.countDown();
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
