package io.github.socketiojwt.internal;

import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.crypto.SecretKey;

/**
 * Which JWS algorithms a key may verify, and whether a key is strong enough to be used at all.
 *
 * <p>The accepted algorithms always follow from the key, never from the token: an HMAC secret verifies only
 * {@code HS*} tokens, an RSA key only {@code RS*}/{@code PS*}, an EC key only the {@code ES*} of its curve. This is
 * what defeats the RS/HS confusion attacks (CVE-2015-9235, CVE-2022-23541).
 */
public final class KeyAlgorithms {

    /** Every algorithm the library can verify. */
    public static final List<String> KNOWN = List.of("HS256", "HS384", "HS512", "RS256", "RS384", "RS512",
            "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA");

    private static final int MIN_RSA_BITS = 2048;

    private KeyAlgorithms() {
    }

    /**
     * Whether an algorithm name is one the library verifies.
     *
     * @param alg a JWA name, case-sensitive as RFC 7518 defines it
     * @return true when known
     */
    public static boolean isKnown(String alg) {
        return KNOWN.contains(alg);
    }

    /**
     * The algorithms a key may verify.
     *
     * @param key a secret or public key
     * @param weakHmacAllowed whether HMAC keys below RFC 7518 §3.2's minimum may verify
     * @return the algorithms, empty when the key is unusable
     */
    public static Set<String> algorithmsFor(Key key, boolean weakHmacAllowed) {
        Set<String> algs = new LinkedHashSet<>();
        if (key instanceof SecretKey) {
            int bits = hmacBits((SecretKey) key);
            if (weakHmacAllowed || bits >= 256) {
                algs.add("HS256");
            }
            if (weakHmacAllowed || bits >= 384) {
                algs.add("HS384");
            }
            if (weakHmacAllowed || bits >= 512) {
                algs.add("HS512");
            }
        } else if (key instanceof RSAPublicKey) {
            if (((RSAPublicKey) key).getModulus().bitLength() >= MIN_RSA_BITS) {
                algs.addAll(List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512"));
            }
        } else if (key instanceof ECPublicKey) {
            int field = ((ECPublicKey) key).getParams().getCurve().getField().getFieldSize();
            if (field == 256) {
                algs.add("ES256");
            } else if (field == 384) {
                algs.add("ES384");
            } else if (field == 521) {
                algs.add("ES512");
            }
        } else if (key instanceof PublicKey && isEdwards(key)) {
            algs.add("EdDSA");
        }
        return Collections.unmodifiableSet(algs);
    }

    /**
     * Checks that a key can verify at least one algorithm, explaining why not. Never prints key material.
     *
     * @param key the key
     * @param weakHmacAllowed whether short HMAC secrets are allowed
     * @throws IllegalArgumentException when the key is unusable
     */
    public static void requireUsable(Key key, boolean weakHmacAllowed) {
        if (key instanceof PrivateKey) {
            throw new IllegalArgumentException("secret: a private key (expected: the public key, or an HMAC secret)");
        }
        if (key instanceof SecretKey) {
            int bits = hmacBits((SecretKey) key);
            if (bits == 0) {
                throw new IllegalArgumentException("secret: empty (expected: at least 256 bits for HS256)");
            }
            if (bits < 256 && !weakHmacAllowed) {
                throw new IllegalArgumentException("secret: " + bits + " bits (expected: at least 256 bits, i.e. 32"
                        + " bytes, for HS256; 384 for HS384 and 512 for HS512, as RFC 7518 §3.2 requires. Use a longer"
                        + " random secret; to verify tokens signed with a short legacy secret while you migrate, call"
                        + " insecurelyAllowWeakHmacSecret())");
            }
            return;
        }
        if (key instanceof RSAPublicKey) {
            int bits = ((RSAPublicKey) key).getModulus().bitLength();
            if (bits < MIN_RSA_BITS) {
                throw new IllegalArgumentException("secret: an RSA key of " + bits + " bits (expected: at least "
                        + MIN_RSA_BITS + " bits, RFC 7518 §3.3)");
            }
            return;
        }
        if (algorithmsFor(key, weakHmacAllowed).isEmpty()) {
            throw new IllegalArgumentException("secret: an unsupported " + key.getAlgorithm() + " key (expected: an"
                    + " HMAC SecretKey, or an RSA, EC P-256/P-384/P-521 or EdDSA public key)");
        }
    }

    /**
     * The size of an HMAC secret.
     *
     * @param key the key
     * @return its length in bits, 0 when its encoding is not available
     */
    static int hmacBits(SecretKey key) {
        byte[] encoded = key.getEncoded();
        if (encoded == null) {
            return 0;
        }
        int bits = encoded.length * 8;
        java.util.Arrays.fill(encoded, (byte) 0);
        return bits;
    }

    private static boolean isEdwards(Key key) {
        String alg = key.getAlgorithm();
        return "EdDSA".equals(alg) || "Ed25519".equals(alg) || "Ed448".equals(alg);
    }
}
