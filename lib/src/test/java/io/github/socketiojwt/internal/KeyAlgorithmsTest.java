package io.github.socketiojwt.internal;

import io.github.socketiojwt.testing.TestKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Proves that the algorithms a key may verify follow from the key alone, and which keys are refused. */
class KeyAlgorithmsTest {

    private static KeyPair rsa2048;
    private static KeyPair rsa1024;

    @BeforeAll
    static void rsaKeys() {
        rsa2048 = TestKeys.RSA_2048;
        rsa1024 = TestKeys.RSA_1024;
    }

    private static SecretKey hmac(int bytes) {
        return new SecretKeySpec(new byte[bytes], "HmacSHA256");
    }

    private static PublicKey ec(String curve) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair().getPublic();
    }

    @ParameterizedTest
    @CsvSource({
            "32, HS256",
            "47, HS256",
            "48, HS256 HS384",
            "63, HS256 HS384",
            "64, HS256 HS384 HS512",
            "128, HS256 HS384 HS512"
    })
    void hmacSecretVerifiesTheHsAlgorithmsItsSizeAllows(int bytes, String expected) {
        assertEquals(List.of(expected.split(" ")), List.copyOf(KeyAlgorithms.algorithmsFor(hmac(bytes), false)));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 20, 31})
    void weakHmacSecretVerifiesNothingUnlessWeakSecretsAreAllowed(int bytes) {
        assertEquals(Set.of(), KeyAlgorithms.algorithmsFor(hmac(bytes), false));
        assertEquals(List.of("HS256", "HS384", "HS512"), List.copyOf(KeyAlgorithms.algorithmsFor(hmac(bytes), true)));
    }

    @Test
    void rsa2048VerifiesRsAndPsOnly() {
        assertEquals(List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512"),
                List.copyOf(KeyAlgorithms.algorithmsFor(rsa2048.getPublic(), false)));
    }

    @Test
    void rsa1024VerifiesNothing() {
        assertEquals(Set.of(), KeyAlgorithms.algorithmsFor(rsa1024.getPublic(), true));
    }

    @ParameterizedTest
    @CsvSource({"secp256r1, ES256", "secp384r1, ES384", "secp521r1, ES512"})
    void ecKeyVerifiesOnlyTheEsAlgorithmOfItsCurve(String curve, String alg) throws GeneralSecurityException {
        assertEquals(Set.of(alg), KeyAlgorithms.algorithmsFor(ec(curve), false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Ed25519", "Ed448"})
    void edwardsKeyVerifiesEdDsa(String curve) throws GeneralSecurityException {
        PublicKey key = KeyPairGenerator.getInstance(curve).generateKeyPair().getPublic();
        assertEquals(Set.of("EdDSA"), KeyAlgorithms.algorithmsFor(key, false));
    }

    @Test
    void privateAndUnsupportedKeysVerifyNothing() throws GeneralSecurityException {
        assertEquals(Set.of(), KeyAlgorithms.algorithmsFor(rsa2048.getPrivate(), true));
        assertEquals(Set.of(), KeyAlgorithms.algorithmsFor(
                KeyPairGenerator.getInstance("DSA").generateKeyPair().getPublic(), true));
        assertEquals(Set.of(), KeyAlgorithms.algorithmsFor(
                KeyPairGenerator.getInstance("X25519").generateKeyPair().getPublic(), true));
    }

    @Test
    void returnsAReadOnlySet() {
        Set<String> algorithms = KeyAlgorithms.algorithmsFor(hmac(32), false);
        assertThrows(UnsupportedOperationException.class, () -> algorithms.add("HS512"));
    }

    @Test
    void knowsExactlyTheJwaSigningAlgorithmsCaseSensitively() {
        assertEquals(List.of("HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
                "ES256", "ES384", "ES512", "EdDSA"), KeyAlgorithms.KNOWN);
        for (String alg : KeyAlgorithms.KNOWN) {
            assertTrue(KeyAlgorithms.isKnown(alg), alg);
        }
        for (String alg : new String[] {"none", "None", "hs256", "EDDSA", "Ed25519", "ES256K", "RSA-OAEP", ""}) {
            assertFalse(KeyAlgorithms.isKnown(alg), alg);
        }
    }

    @Test
    void requireUsableAcceptsStrongKeysAndWeakHmacWhenAllowed() throws GeneralSecurityException {
        KeyAlgorithms.requireUsable(hmac(32), false);
        KeyAlgorithms.requireUsable(hmac(20), true);
        KeyAlgorithms.requireUsable(rsa2048.getPublic(), false);
        KeyAlgorithms.requireUsable(ec("secp256r1"), false);
        KeyAlgorithms.requireUsable(KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic(), false);
    }

    @Test
    void requireUsableRefusesWeakHmacCitingRfc7518() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KeyAlgorithms.requireUsable(hmac(31), false));
        assertTrue(e.getMessage().startsWith("secret: 248 bits (expected: at least 256 bits, i.e. 32 bytes, for HS256;"
                + " 384 for HS384 and 512 for HS512, as RFC 7518 §3.2 requires."), e.getMessage());
    }

    @Test
    void requireUsableRefusesPrivateKeys() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KeyAlgorithms.requireUsable(rsa2048.getPrivate(), false));
        assertEquals("secret: a private key (expected: the public key, or an HMAC secret)", e.getMessage());
    }

    @Test
    void requireUsableRefusesShortRsaKeysEvenWhenWeakHmacIsAllowed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KeyAlgorithms.requireUsable(rsa1024.getPublic(), true));
        assertEquals("secret: an RSA key of 1024 bits (expected: at least 2048 bits, RFC 7518 §3.3)", e.getMessage());
    }

    @Test
    void requireUsableRefusesUnsupportedKeyTypes() throws GeneralSecurityException {
        PublicKey dsa = KeyPairGenerator.getInstance("DSA").generateKeyPair().getPublic();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KeyAlgorithms.requireUsable(dsa, false));

        assertEquals("secret: an unsupported DSA key (expected: an HMAC SecretKey, or an RSA, EC P-256/P-384/P-521 or"
                + " EdDSA public key)", e.getMessage());
    }

    @Test
    void hmacBitsCountsTheEncodedBytes() {
        assertEquals(256, KeyAlgorithms.hmacBits(hmac(32)));
        assertEquals(160, KeyAlgorithms.hmacBits(hmac(20)));
    }

    @Test
    void hmacBitsDoesNotWipeTheKeyItself() {
        SecretKey key = new SecretKeySpec("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8),
                "HmacSHA256");

        KeyAlgorithms.hmacBits(key);

        assertEquals("0123456789abcdef0123456789abcdef", new String(key.getEncoded(), StandardCharsets.UTF_8));
    }
}
