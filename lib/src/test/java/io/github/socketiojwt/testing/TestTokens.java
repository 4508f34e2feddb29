package io.github.socketiojwt.testing;

import io.jsonwebtoken.Jwts;

import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** Keys and tokens for tests. */
public final class TestTokens {

    /** A 32-byte HS256 secret. */
    public static final String SECRET = "0123456789abcdef0123456789abcdef";
    /** Another 32-byte secret: tokens signed with it must fail. */
    public static final String OTHER_SECRET = "fedcba9876543210fedcba9876543210";
    /** socketio-jwt's own test token: {@code alg: none}, no signature. */
    public static final String UNSIGNED =
            "eyJhbGciOiJub25lIiwiY3R5IjoiSldUIn0.eyJuYW1lIjoiSm9obiBGb28ifQ.";

    private TestTokens() {
    }

    public static SecretKey key(String secret) {
        return new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** A valid HS256 token for {@code sub}, valid for an hour. */
    public static String token(String subject) {
        return token(SECRET, subject, Instant.now().plusSeconds(3600));
    }

    public static String token(String secret, String subject, Instant expiry) {
        return Jwts.builder().subject(subject).claim("username", subject)
                .issuedAt(Date.from(Instant.now().minusSeconds(1)))
                .expiration(Date.from(expiry)).signWith(key(secret), Jwts.SIG.HS256).compact();
    }

    public static String token(Key key, Map<String, ?> claims) {
        return Jwts.builder().claims(claims).signWith(key).compact();
    }

    /** A token whose payload was swapped after signing. */
    public static String tampered(String subject) {
        String[] parts = token(subject).split("\\.");
        String payload = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("{\"sub\":\"admin\",\"exp\":" + (Instant.now().getEpochSecond() + 3600) + "}")
                        .getBytes(StandardCharsets.UTF_8));
        return parts[0] + "." + payload + "." + parts[2];
    }
}
