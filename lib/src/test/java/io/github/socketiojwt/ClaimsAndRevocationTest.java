package io.github.socketiojwt;

import io.github.socketiojwt.testing.JavaClient;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;
import io.jsonwebtoken.Jwts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Claim checks and revocation end to end: what the client receives, in both modes. */
class ClaimsAndRevocationTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final Set<String> revokedIds = ConcurrentHashMap.newKeySet();
    private TestServer server;

    @BeforeEach
    void start() {
        RevocationCheck revoked = RevocationCheck.of(p -> revokedIds.contains(String.valueOf(p.claims().get("jti"))));
        server = TestServer.start(s -> {
            SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET).issuer("https://issuer")
                    .audience("api", "web").requireClaims("exp").revocationCheck(revoked).build()).install(s, "/");
            SocketIoJwt.authorize(JwtAuthOptions.authenticate().secret(TestTokens.SECRET).issuer("https://issuer")
                    .audience("api").revocationCheck(revoked).build()).install(s, "/admin");
        });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String token(String iss, String aud, String jti, boolean expires) {
        var builder = Jwts.builder().subject("alice").issuer(iss).audience().add(aud).and().id(jti);
        if (expires) {
            builder.expiration(Date.from(Instant.now().plusSeconds(60)));
        }
        return builder.signWith(TestTokens.key(TestTokens.SECRET), Jwts.SIG.HS256).compact();
    }

    private void assertHandshakeRefused(String token, String message, String code) {
        try (JavaClient client = JavaClient.connect(server.url(), "/", Map.of("token", token), null, null)) {
            HandshakeModeTest.assertConnectError(client.awaitOrFail("connect_error", WAIT), message, code);
        }
    }

    @Test
    void handshakeModeChecksIssuerAudienceRequiredClaimsAndRevocation() {
        try (JavaClient ok = JavaClient.connect(server.url(), "/", Map.of("token",
                token("https://issuer", "web", "1", true)), null, null)) {
            ok.awaitOrFail("connect", WAIT);
        }
        assertHandshakeRefused(token("https://issuer", "admin", "2", true),
                "jwt audience invalid. expected: api or web", "invalid_token");
        assertHandshakeRefused(token("https://evil", "api", "3", true),
                "jwt issuer invalid. expected: https://issuer", "invalid_token");
        assertHandshakeRefused(token("https://issuer", "api", "4", false), "jwt missing required claim: exp",
                "invalid_token");
        revokedIds.add("5");
        assertHandshakeRefused(token("https://issuer", "api", "5", true), "The token has been revoked.",
                "revoked_token");
    }

    @Test
    void authenticateModeAnswersUnauthorizedForARevokedToken() {
        revokedIds.add("6");
        try (JavaClient client = JavaClient.connect(server.url(), "/admin", null, null, null)) {
            client.awaitOrFail("connect", WAIT);
            client.emit("authenticate", Map.of("token", token("https://issuer", "api", "6", true)));
            assertEquals(Map.of("message", "The token has been revoked.", "data", Map.of("message",
                    "The token has been revoked.", "code", "revoked_token", "type", "UnauthorizedError")),
                    client.awaitOrFail("unauthorized", WAIT).arg(0));
        }
    }
}
