package io.github.socketiojwt.internal;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.SignatureException;
import io.jsonwebtoken.security.WeakKeyException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Proves that the legacy HMAC verifies tokens signed by Node with a short secret, and nothing forged. */
class LegacyHmacTest {

    /** socketio-jwt's test secret: 20 bytes. */
    private static final String NODE_SECRET = "aaafoo super sercret";
    private static final SecretKey NODE_KEY =
            new SecretKeySpec(NODE_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    /**
     * {@code {"alg":"HS256","typ":"JWT"}.{"sub":"john","iat":1700000000}} signed by Node's
     * {@code crypto.createHmac("sha256", "aaafoo super sercret")}, as jsonwebtoken 8 does.
     */
    private static final String NODE_TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
            + ".eyJzdWIiOiJqb2huIiwiaWF0IjoxNzAwMDAwMDAwfQ.up2KrAwIdsP71ZhGr7Drhys622ifhDTHQrqwvU4XU3w";

    private static JwtParser legacyParser(SecretKey key) {
        return Jwts.parser().sig().add(LegacyHmac.HS256).add(LegacyHmac.HS384).add(LegacyHmac.HS512).and()
                .verifyWith(key).build();
    }

    private static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String sign(String jcaName, String secret, String header, String payload)
            throws GeneralSecurityException {
        String input = b64(header) + "." + b64(payload);
        Mac mac = Mac.getInstance(jcaName);
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), jcaName));
        return input + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void verifiesTheNodeTokenThroughTheLegacyAlgorithm() {
        Claims claims = legacyParser(NODE_KEY).parseSignedClaims(NODE_TOKEN).getPayload();

        assertEquals("john", claims.getSubject());
        assertEquals(1_700_000_000L, claims.getIssuedAt().getTime() / 1000);
    }

    @Test
    void jjwtsStandardAlgorithmRefusesTheSameTokenForItsWeakKey() {
        JwtParser standard = Jwts.parser().verifyWith(NODE_KEY).build();

        assertThrows(WeakKeyException.class, () -> standard.parseSignedClaims(NODE_TOKEN));
    }

    @Test
    void refusesTheNodeTokenWithItsPayloadTampered() {
        String[] parts = NODE_TOKEN.split("\\.");
        String tampered = parts[0] + "." + b64("{\"sub\":\"admin\",\"iat\":1700000000}") + "." + parts[2];

        assertThrows(SignatureException.class, () -> legacyParser(NODE_KEY).parseSignedClaims(tampered));
    }

    @Test
    void refusesTheNodeTokenWithItsSignatureTampered() {
        String[] parts = NODE_TOKEN.split("\\.");
        char last = parts[2].charAt(parts[2].length() - 1);
        String tampered = parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 1)
                + (last == 'A' ? 'B' : 'A');

        assertThrows(SignatureException.class, () -> legacyParser(NODE_KEY).parseSignedClaims(tampered));
    }

    @Test
    void refusesTheNodeTokenUnderAnotherShortSecret() {
        SecretKey other = new SecretKeySpec("aaafoo super secret!".getBytes(StandardCharsets.UTF_8), "HmacSHA256");

        assertThrows(SignatureException.class, () -> legacyParser(other).parseSignedClaims(NODE_TOKEN));
    }

    @Test
    void refusesATruncatedSignature() {
        String truncated = NODE_TOKEN.substring(0, NODE_TOKEN.length() - 4);

        assertThrows(SignatureException.class, () -> legacyParser(NODE_KEY).parseSignedClaims(truncated));
    }

    @ParameterizedTest
    @CsvSource({"HS256, HmacSHA256", "HS384, HmacSHA384", "HS512, HmacSHA512"})
    void verifiesEachHsAlgorithmWithAShortSecret(String alg, String jcaName) throws GeneralSecurityException {
        String token = sign(jcaName, NODE_SECRET, "{\"alg\":\"" + alg + "\"}", "{\"sub\":\"john\"}");

        assertEquals("john", legacyParser(NODE_KEY).parseSignedClaims(token).getPayload().getSubject());
    }

    @Test
    void refusesAnHs256MacPresentedAsHs512() throws GeneralSecurityException {
        String hs256 = sign("HmacSHA256", NODE_SECRET, "{\"alg\":\"HS512\"}", "{\"sub\":\"john\"}");

        assertThrows(SignatureException.class, () -> legacyParser(NODE_KEY).parseSignedClaims(hs256));
    }

    @Test
    void hasTheStandardIdsAndKeyLengths() {
        assertEquals("HS256", LegacyHmac.HS256.getId());
        assertEquals("HS384", LegacyHmac.HS384.getId());
        assertEquals("HS512", LegacyHmac.HS512.getId());
        assertEquals(256, LegacyHmac.HS256.getKeyBitLength());
        assertEquals(384, LegacyHmac.HS384.getKeyBitLength());
        assertEquals(512, LegacyHmac.HS512.getKeyBitLength());
    }

    @Test
    void generatesFullStrengthKeysLikeTheStandardAlgorithm() {
        assertEquals(64, LegacyHmac.HS512.key().build().getEncoded().length);
    }
}
