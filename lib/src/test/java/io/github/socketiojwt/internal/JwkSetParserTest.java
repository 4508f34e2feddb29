package io.github.socketiojwt.internal;

import io.github.socketiojwt.internal.JwkSetParser.VerificationKey;
import io.github.socketiojwt.testing.TestKeys;
import io.jsonwebtoken.security.Jwks;
import org.junit.jupiter.api.Test;

import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves which keys of a JWK set are kept (public signature keys the library can verify with) and that every other
 * key is ignored on its own, without spoiling the set; and that a document that is not a JWK set is refused.
 */
class JwkSetParserTest {

    private static final PublicKey RSA = TestKeys.RSA_2048.getPublic();

    @Test
    void keepsPublicKeysOfEveryVerifiableTypeInDocumentOrderWithTheAlgorithmsTheyAllow() {
        List<VerificationKey> keys = JwkSetParser.parse(set(
                jwk(RSA, "rsa"),
                jwk(TestKeys.P_256.getPublic(), "p256"),
                jwk(TestKeys.P_384.getPublic(), "p384"),
                jwk(TestKeys.P_521.getPublic(), "p521"),
                jwk(TestKeys.ED_25519.getPublic(), "ed")));

        assertEquals(List.of("rsa", "p256", "p384", "p521", "ed"), keys.stream().map(VerificationKey::keyId).toList());
        assertEquals(Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512"), keys.get(0).algorithms());
        assertEquals(Set.of("ES256"), keys.get(1).algorithms());
        assertEquals(Set.of("ES384"), keys.get(2).algorithms());
        assertEquals(Set.of("ES512"), keys.get(3).algorithms());
        assertEquals(Set.of("EdDSA"), keys.get(4).algorithms());
        assertTrue(Arrays.equals(RSA.getEncoded(), keys.get(0).key().getEncoded()));
    }

    @Test
    void keyThatDeclaresAnAlgIsLimitedToIt() {
        List<VerificationKey> keys = JwkSetParser.parse(set(jwk(RSA, "k1", "\"alg\":\"PS384\"")));

        assertEquals(Set.of("PS384"), keys.get(0).algorithms());
    }

    @Test
    void edwardsKeyMayNameItsCurveAsAlgAsRfc9864Does() {
        List<VerificationKey> keys = JwkSetParser.parse(set(
                jwk(TestKeys.ED_25519.getPublic(), "named", "\"alg\":\"Ed25519\""),
                jwk(TestKeys.ED_25519.getPublic(), "generic", "\"alg\":\"EdDSA\""),
                jwk(TestKeys.ED_25519.getPublic(), "wrong-curve", "\"alg\":\"Ed448\"")));

        assertEquals(List.of("named", "generic"), keys.stream().map(VerificationKey::keyId).toList());
        assertEquals(Set.of("EdDSA"), keys.get(0).algorithms());
        assertEquals(Set.of("EdDSA"), keys.get(1).algorithms());
    }

    @Test
    void keyWithSignatureUseAndVerifyOperationIsKept() {
        List<VerificationKey> keys = JwkSetParser.parse(set(
                jwk(RSA, "k1", "\"use\":\"sig\"", "\"key_ops\":[\"verify\"]")));

        assertEquals(1, keys.size());
    }

    @Test
    void keyWithoutKidIsKeptWithANullKid() {
        List<VerificationKey> keys = JwkSetParser.parse(set(jwk(RSA, null)));

        assertEquals(1, keys.size());
        assertNull(keys.get(0).keyId());
    }

    @Test
    void encryptionKeysAreIgnored() {
        assertIgnored(jwk(RSA, "k", "\"use\":\"enc\""));
        assertIgnored(jwk(RSA, "k", "\"use\":\"other\""));
        assertIgnored(jwk(RSA, "k", "\"use\":1"));
        assertIgnored(jwk(RSA, "k", "\"key_ops\":[\"encrypt\"]"));
        assertIgnored(jwk(RSA, "k", "\"key_ops\":[\"sign\"]"));
        assertIgnored(jwk(RSA, "k", "\"key_ops\":\"verify\""));
        assertIgnored(jwk(RSA, "k", "\"key_ops\":[\"verify\",1]"));
        assertIgnored(jwk(RSA, "k", "\"alg\":\"RSA-OAEP\""));
    }

    @Test
    void privateAndSecretKeysAreIgnored() throws Exception {
        assertIgnored(Jwks.UNSAFE_JSON(Jwks.builder().rsaKeyPair(TestKeys.RSA_2048).id("k").build()));
        assertIgnored(Jwks.UNSAFE_JSON(Jwks.builder().ecKeyPair(TestKeys.P_256).id("k").build()));
        assertIgnored(Jwks.UNSAFE_JSON(Jwks.builder().octetKeyPair(TestKeys.ED_25519).id("k").build()));
        assertIgnored(Jwks.UNSAFE_JSON(Jwks.builder().key(new SecretKeySpec(new byte[64], "HmacSHA512")).id("k")
                .build()));
        for (String member : List.of("d", "p", "q", "dp", "dq", "qi", "oth", "k")) {
            assertIgnored(jwk(RSA, "k", "\"" + member + "\":\"AQAB\""));
        }
    }

    @Test
    void unsupportedWeakAndMalformedKeysAreIgnored() throws Exception {
        assertIgnored(jwk(TestKeys.RSA_1024.getPublic(), "k"));
        assertIgnored(jwk(KeyPairGenerator.getInstance("X25519").generateKeyPair().getPublic(), "k"));
        assertIgnored("{\"kty\":\"XYZ\",\"kid\":\"k\"}");
        assertIgnored("{\"kid\":\"k\",\"n\":\"AQAB\",\"e\":\"AQAB\"}");
        assertIgnored("{\"kty\":1,\"kid\":\"k\"}");
        assertIgnored("{\"kty\":\"EC\",\"kid\":\"k\",\"crv\":\"P-192\",\"x\":\"AA\",\"y\":\"AA\"}");
        assertIgnored("{\"kty\":\"RSA\",\"kid\":\"k\",\"n\":\"!!\",\"e\":\"AQAB\"}");
        assertIgnored("{\"kty\":\"RSA\",\"kid\":\"k\",\"n\":12,\"e\":\"AQAB\"}");
        assertIgnored("{\"kty\":\"RSA\",\"kid\":\"k\"}");
        assertIgnored(jwk(RSA, null, "\"kid\":7"));
        assertIgnored(jwk(RSA, "k", "\"alg\":\"HS256\""));
        assertIgnored(jwk(RSA, "k", "\"alg\":\"ES256\""));
        assertIgnored(jwk(RSA, "k", "\"alg\":\"none\""));
        assertIgnored(jwk(RSA, "k", "\"alg\":[\"RS256\"]"));
        assertIgnored(jwk(RSA, "k", "\"alg\":null"));
        assertIgnored("\"a string\"");
        assertIgnored("42");
        assertIgnored("null");
        assertIgnored("[]");
    }

    @Test
    void pointNotOnItsCurveIsIgnored() {
        String genuine = jwk(TestKeys.P_256.getPublic(), "k");
        String y = genuine.replaceAll(".*\"y\":\"([^\"]+)\".*", "$1");
        String other = y.charAt(5) == 'A' ? "B" : "A";
        String offCurve = genuine.replace("\"y\":\"" + y + "\"",
                "\"y\":\"" + y.substring(0, 5) + other + y.substring(6) + "\"");

        assertIgnored(offCurve);
    }

    @Test
    void oneBadKeyDoesNotSpoilTheOthers() {
        List<VerificationKey> keys = JwkSetParser.parse(set(
                jwk(RSA, "before"),
                "{\"kty\":\"RSA\",\"kid\":\"bad\",\"n\":\"!!\",\"e\":\"AQAB\"}",
                jwk(RSA, "enc", "\"use\":\"enc\""),
                jwk(TestKeys.P_256.getPublic(), "after")));

        assertEquals(List.of("before", "after"), keys.stream().map(VerificationKey::keyId).toList());
    }

    @Test
    void emptySetHasNoKeys() {
        assertEquals(List.of(), JwkSetParser.parse("{\"keys\":[]}"));
    }

    @Test
    void documentThatIsNotAJwkSetIsRefusedWithoutQuotingIt() {
        String deep = "{\"keys\":" + "[".repeat(50_000) + "]".repeat(50_000) + "}";
        for (String document : List.of("", "SECRET", "[]", "{}", "{\"keys\":{}}", "{\"keys\":\"SECRET\"}",
                "{\"keys\":[]} SECRET", "{\"keys\":[", deep)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> JwkSetParser.parse(document));
            assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
        }
    }

    @Test
    void verificationKeyPrintsNoKeyMaterial() {
        VerificationKey key = JwkSetParser.parse(set(jwk(RSA, "k1"))).get(0);
        String modulus = Jwks.builder().key((java.security.interfaces.RSAPublicKey) RSA).build().get("n").toString();

        assertEquals("VerificationKey[kid=k1, type=RSA, algorithms=[RS256, RS384, RS512, PS256, PS384, PS512]]",
                key.toString());
        assertFalse(key.toString().contains(modulus));
    }

    @Test
    void verificationKeyNeedsAnAlgorithm() {
        assertEquals("algorithms: [] (expected: at least one)", assertThrows(IllegalArgumentException.class,
                () -> new VerificationKey("k", RSA, Set.of())).getMessage());
    }

    private static void assertIgnored(String jwk) {
        assertEquals(List.of(), JwkSetParser.parse(set(jwk)), jwk.length() > 80 ? jwk.substring(0, 80) : jwk);
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
}
