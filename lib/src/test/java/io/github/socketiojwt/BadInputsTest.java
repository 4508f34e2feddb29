package io.github.socketiojwt;

import io.github.socketiojwt.testing.JavaClient;
import io.github.socketiojwt.testing.TestKeys;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;
import io.jsonwebtoken.Jwts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hostile tokens of bad-inputs.md (sections B, C, E), sent by a real client to a real server whose "/" verifies
 * HS256 and whose "/rsa" namespace verifies with an RSA public key: each gets its documented code and message as a
 * {@code connect_error}, nothing escapes into Netty, and a valid client connects right after all of them.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class BadInputsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final long NOW = Instant.now().getEpochSecond();
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(s -> {
            SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET).issuer("iss").audience("aud")
                    .maxAge(Duration.ofHours(1)).build()).install(s, "/");
            SocketIoJwt.authorize(JwtAuthOptions.handshake().publicKey(TestKeys.RSA_2048.getPublic()).build())
                    .install(s, "/admin");
        });
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** An HS256 token over any header and payload, MAC'd with any key bytes. */
    private static String hs256(String header, String payload, byte[] key) {
        try {
            String input = b64(header) + "." + b64(payload);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hs256(String payload) {
        return hs256("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload, TestTokens.SECRET.getBytes(StandardCharsets.UTF_8));
    }

    private static String claims(String extra) {
        return "{\"sub\":\"x\",\"iss\":\"iss\",\"aud\":\"aud\",\"iat\":" + NOW + ",\"exp\":" + (NOW + 600)
                + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    static Stream<Arguments> hostileTokens() {
        String good = hs256(claims(""));
        String[] parts = good.split("\\.");
        String noneHeader = b64("{\"alg\":\"none\"}");
        return Stream.of(
                // B. structure and encoding
                Arguments.of("B11 not a JWT", "/", "boooooo", "jwt malformed"),
                Arguments.of("B11 two parts", "/", "a.b", "jwt malformed"),
                Arguments.of("B11 four parts", "/", "a.b.c.d", "jwt malformed"),
                Arguments.of("B11 five-part JWE", "/", "a.b.c.d.e", "jwt malformed"),
                Arguments.of("B12 invalid base64", "/", "a*b.c.d", "invalid token"),
                Arguments.of("B12 header not JSON", "/", b64("not json") + "." + parts[1] + "." + parts[2],
                        "invalid token"),
                Arguments.of("B12 payload a JSON array", "/", hs256("[1,2,3]"), "invalid token"),
                Arguments.of("B13 missing alg", "/", hs256("{\"typ\":\"JWT\"}", claims(""),
                        TestTokens.SECRET.getBytes(StandardCharsets.UTF_8)), "invalid algorithm"),
                Arguments.of("B13 unknown alg", "/", hs256("{\"alg\":\"whatever\"}", claims(""),
                        TestTokens.SECRET.getBytes(StandardCharsets.UTF_8)), "invalid algorithm"),
                Arguments.of("B14 crit header", "/", hs256("{\"alg\":\"HS256\",\"crit\":[\"exp\"]}", claims(""),
                        TestTokens.SECRET.getBytes(StandardCharsets.UTF_8)), "invalid token"),
                Arguments.of("B15 deeply nested claims", "/", hs256("{\"a\":" + "[".repeat(500) + "]".repeat(500)
                        + "}"), "invalid token"),
                Arguments.of("B16 zip header", "/", hs256("{\"alg\":\"HS256\",\"zip\":\"DEF\"}", claims(""),
                        TestTokens.SECRET.getBytes(StandardCharsets.UTF_8)), "invalid token"),
                Arguments.of("A10 oversized token", "/", good + "A".repeat(9000), "jwt malformed"),
                // C. algorithm attacks
                Arguments.of("C18 alg none, no signature", "/", noneHeader + "." + parts[1] + ".",
                        "jwt signature is required"),
                Arguments.of("C19 alg none with a copied signature", "/", noneHeader + "." + parts[1] + "."
                        + parts[2], "invalid algorithm"),
                Arguments.of("C20 alg NONE", "/", b64("{\"alg\":\"NONE\"}") + "." + parts[1] + "." + parts[2],
                        "invalid algorithm"),
                Arguments.of("C21 HS256 MAC'd with the RSA public key", "/admin", hs256("{\"alg\":\"HS256\"}",
                        claims(""), TestKeys.RSA_2048.getPublic().getEncoded()), "invalid algorithm"),
                Arguments.of("C22 HS512 with a 256-bit key", "/", Jwts.builder().subject("x").signWith(
                        io.jsonwebtoken.security.Keys.hmacShaKeyFor(new byte[64]), Jwts.SIG.HS512).compact(),
                        "invalid algorithm"),
                Arguments.of("C24 tampered signature", "/", parts[0] + "." + parts[1] + "."
                        + (parts[2].charAt(0) == 'A' ? 'B' : 'A') + parts[2].substring(1), "invalid signature"),
                Arguments.of("C24 payload changed", "/", parts[0] + "." + b64(claims("\"admin\":true")) + "."
                        + parts[2], "invalid signature"),
                Arguments.of("C other RSA key", "/admin", Jwts.builder().subject("x")
                        .signWith(Jwts.SIG.RS256.keyPair().build().getPrivate(), Jwts.SIG.RS256).compact(),
                        "invalid signature"),
                // E. claims and time
                Arguments.of("E34 exp in the past", "/", hs256("{\"sub\":\"x\",\"iss\":\"iss\",\"aud\":\"aud\","
                        + "\"iat\":" + NOW + ",\"exp\":" + (NOW - 5) + "}"), "jwt expired"),
                Arguments.of("E36 nbf in the future", "/", hs256(claims("\"nbf\":" + (NOW + 600))), "jwt not active"),
                Arguments.of("E37 exp not a number", "/", hs256("{\"iss\":\"iss\",\"aud\":\"aud\",\"iat\":" + NOW
                        + ",\"exp\":\"tomorrow\"}"), "invalid exp value"),
                Arguments.of("E37 nbf not a number", "/", hs256(claims("\"nbf\":true")), "invalid nbf value"),
                Arguments.of("E38 maxAge exceeded", "/", hs256("{\"iss\":\"iss\",\"aud\":\"aud\",\"iat\":"
                        + (NOW - 7200) + ",\"exp\":" + (NOW + 600) + "}"), "maxAge exceeded"),
                Arguments.of("E38 no iat with maxAge", "/", hs256("{\"iss\":\"iss\",\"aud\":\"aud\",\"exp\":"
                        + (NOW + 600) + "}"), "iat required when maxAge is specified"),
                Arguments.of("E39 audience mismatch", "/", hs256("{\"iss\":\"iss\",\"aud\":[\"x\",\"y\"],\"iat\":"
                        + NOW + "}"), "jwt audience invalid. expected: aud"),
                Arguments.of("E39 issuer mismatch", "/", hs256("{\"iss\":\"evil\",\"aud\":\"aud\",\"iat\":" + NOW
                        + "}"), "jwt issuer invalid. expected: iss"));
    }

    @org.junit.jupiter.api.Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileTokens")
    void getsItsDocumentedCodeAndMessage(String name, String namespace, String token, String message) {
        try (JavaClient client = JavaClient.connect(server.url(), namespace, Map.of("token", token), null, null)) {
            Map<?, ?> payload = (Map<?, ?>) client.awaitOrFail("connect_error", WAIT).arg(0);
            Map<?, ?> data = (Map<?, ?>) payload.get("data");
            org.junit.jupiter.api.Assertions.assertEquals(message, data.get("message"), name);
            org.junit.jupiter.api.Assertions.assertEquals("invalid_token", data.get("code"), name);
        }
    }

    @org.junit.jupiter.api.Order(2)
    @Test
    void aValidClientConnectsAfterAllOfThem() {
        String token = Jwts.builder().subject("ok").issuer("iss").audience().add("aud").and()
                .issuedAt(new Date()).expiration(Date.from(Instant.now().plusSeconds(60)))
                .signWith(TestTokens.key(TestTokens.SECRET), Jwts.SIG.HS256).compact();
        try (JavaClient client = JavaClient.connect(server.url(), "/", Map.of("token", token), null, null)) {
            client.awaitOrFail("hi", WAIT);
        }
    }
}
