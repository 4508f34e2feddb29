package io.github.socketiojwt;

import io.github.socketiojwt.testing.JavaClient;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Handshake mode end to end, with the Java Socket.IO client (protocol v4). */
class HandshakeModeTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(s -> SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET)
                .build()).install(s, "/"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "polling"})
    void connectsWithTokenInAuthPayloadAndReachesListeners(String transport) {
        try (JavaClient client = JavaClient.connect(server.url(), "/", Map.of("token", TestTokens.token("alice")),
                null, null, transport)) {
            client.awaitOrFail("connect", WAIT);
            client.awaitOrFail("hi", WAIT);
            client.emitWithAck("whoami", Map.of());
            JavaClient.Event claims = client.awaitOrFail("ack:whoami", WAIT);
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) claims.arg(0);
            assertEquals("alice", map.get("sub"));
            assertTrue(map.get("exp") instanceof Number, "exp in seconds: " + map);
            assertEquals(1, server.appCalls("connect / ").size());
        }
    }

    @Test
    void acceptsBearerPrefixQueryAndHeader() {
        String token = TestTokens.token("bob");
        try (JavaClient viaBearer = JavaClient.connect(server.url(), "/", Map.of("token", "Bearer " + token), null,
                null);
             JavaClient viaQuery = JavaClient.connect(server.url(), "/", null, "token=" + token, null);
             JavaClient viaHeader = JavaClient.connect(server.url(), "/", null, null,
                     Map.of("Authorization", "Bearer " + token), "polling")) {
            viaBearer.awaitOrFail("connect", WAIT);
            viaQuery.awaitOrFail("connect", WAIT);
            viaHeader.awaitOrFail("connect", WAIT);
        }
    }

    @Test
    void refusesMissingTokenWithConnectErrorAndNeverRunsConnectListener() {
        try (JavaClient client = JavaClient.connect(server.url(), "/", null, null, null)) {
            JavaClient.Event error = client.awaitOrFail("connect_error", WAIT);
            assertConnectError(error, "no token provided", "credentials_required");
            assertFalse(client.has("connect"));
            assertTrue(server.appCalls().isEmpty(), server.appCalls().toString());
        }
    }

    @Test
    void refusesMalformedExpiredUnsignedAndForgedTokens() {
        assertRefused(Map.of("token", "boooooo"), "jwt malformed", "invalid_token");
        assertRefused(Map.of("token", TestTokens.UNSIGNED), "jwt signature is required", "invalid_token");
        assertRefused(Map.of("token", TestTokens.token(TestTokens.SECRET, "x", Instant.now().minusSeconds(5))),
                "jwt expired", "invalid_token");
        assertRefused(Map.of("token", TestTokens.token(TestTokens.OTHER_SECRET, "x", Instant.now().plusSeconds(60))),
                "invalid signature", "invalid_token");
        assertRefused(Map.of("token", TestTokens.tampered("x")), "invalid signature", "invalid_token");
        assertRefused(Map.of("token", "Bearer a b"), "Format is Authorization: Bearer [token]",
                "credentials_bad_format");
        assertTrue(server.appCalls().isEmpty(), server.appCalls().toString());
    }

    @Test
    void firstSourceDecidesABadAuthTokenIsNotRescuedByAGoodQueryToken() {
        try (JavaClient client = JavaClient.connect(server.url(), "/", Map.of("token", "boooooo"),
                "token=" + TestTokens.token("eve"), null)) {
            assertConnectError(client.awaitOrFail("connect_error", WAIT), "jwt malformed", "invalid_token");
        }
    }

    @Test
    void storesClaimsAndTokenUnderTheConfiguredNamesAndForgetsTheAuthPayload() {
        String token = TestTokens.token("carol");
        java.util.List<Object> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (TestServer custom = TestServer.start(s -> {
            SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET).decodedPropertyName("claims")
                    .encodedPropertyName("jwt").build()).install(s, "/");
            s.addConnectListener(client -> {
                seen.add(((Map<?, ?>) client.get("claims")).get("sub"));
                seen.add(token.equals(client.get("jwt")));
                seen.add(String.valueOf(client.getHandshakeData().getAuthToken()));
            });
        });
             JavaClient client = JavaClient.connect(custom.url(), "/", Map.of("token", token), null, null)) {
            client.awaitOrFail("connect", WAIT);
            client.awaitOrFail("hi", WAIT);
            assertEquals(java.util.List.of("carol", true, "null"), seen);
        }
    }

    @Test
    void sendsDetailedCodesOnlyWhenAskedTo() {
        try (TestServer detailed = TestServer.start(s -> SocketIoJwt.authorize(JwtAuthOptions.handshake()
                .secret(TestTokens.SECRET).detailedErrorCodes(true).build()).install(s, "/"));
             JavaClient client = JavaClient.connect(detailed.url(), "/", Map.of("token",
                     TestTokens.token(TestTokens.SECRET, "x", Instant.now().minusSeconds(5))), null, null)) {
            assertConnectError(client.awaitOrFail("connect_error", WAIT), "jwt expired", "token_expired");
        }
    }

    @Test
    void verifiesTokensSignedWithAShortLegacySecretOnlyWhenInsecurelyAllowed() throws Exception {
        String legacySecret = "aaafoo super sercret"; // 20 bytes, as in socketio-jwt's own tests
        String token = hs256(legacySecret, "{\"sub\":\"legacy\",\"exp\":" + (Instant.now().getEpochSecond() + 60) + "}");
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> JwtAuthOptions.handshake().secret(legacySecret).build());
        assertTrue(refused.getMessage().contains("RFC 7518 §3.2"), refused.getMessage());
        assertFalse(refused.getMessage().contains(legacySecret));
        try (TestServer legacy = TestServer.start(s -> SocketIoJwt.authorize(JwtAuthOptions.handshake()
                .secret(legacySecret).insecurelyAllowWeakHmacSecret().build()).install(s, "/"));
             JavaClient client = JavaClient.connect(legacy.url(), "/", Map.of("token", token), null, null)) {
            client.awaitOrFail("connect", WAIT);
        }
    }

    /** Signs like jsonwebtoken does, whatever the key length (jjwt refuses to sign with a weak key). */
    private static String hs256(String secret, String payload) throws Exception {
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(
                java.nio.charset.StandardCharsets.UTF_8)) + "." + b64.encodeToString(payload.getBytes(
                java.nio.charset.StandardCharsets.UTF_8));
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "HmacSHA256"));
        return input + "." + b64.encodeToString(mac.doFinal(input.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    @Test
    void aConnectRetriedWithAGoodTokenOnTheSameConnectionKeepsIt() throws InterruptedException {
        try (io.github.socketiojwt.testing.RawClient raw = io.github.socketiojwt.testing.RawClient.websocket(
                server.url(), 4)) {
            raw.send("40{\"token\":\"boooooo\"}");
            raw.await(p -> p.startsWith("44"), WAIT).orElseThrow(() -> new AssertionError(raw.toString()));
            raw.send("40{\"token\":\"" + TestTokens.token("retry") + "\"}");
            raw.await(p -> p.startsWith("40{"), WAIT).orElseThrow(() -> new AssertionError(raw.toString()));
            Thread.sleep(1200); // past the half second after which a refused connection is closed
            raw.send("42[\"echo\",\"kept\"]");
            raw.await(p -> p.contains("kept"), WAIT).orElseThrow(() -> new AssertionError(raw.toString()));
        }
    }

    private void assertRefused(Map<String, ?> auth, String message, String code) {
        try (JavaClient client = JavaClient.connect(server.url(), "/", auth, null, null)) {
            assertConnectError(client.awaitOrFail("connect_error", WAIT), message, code);
            assertFalse(client.has("connect"));
        }
    }

    @SuppressWarnings("unchecked")
    static void assertConnectError(JavaClient.Event event, String message, String code) {
        Map<String, Object> payload = (Map<String, Object>) event.arg(0);
        assertEquals(message, payload.get("message"), payload.toString());
        Map<String, Object> data = (Map<String, Object>) payload.get("data");
        assertEquals(Map.of("message", message, "code", code, "type", "UnauthorizedError"), data);
    }
}
