package io.github.socketiojwt.internal;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.EllipticCurve;
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
    private static final List<ECParameterSpec> JWS_CURVES = List.of(
            curve("secp256r1"), curve("secp384r1"), curve("secp521r1"));
    private static final List<String> JWS_CURVE_ALGORITHMS = List.of("ES256", "ES384", "ES512");

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
            ECPublicKey ec = (ECPublicKey) key;
            String alg = jwsAlgorithm(ec.getParams());
            if (alg != null && onCurve(ec.getW(), ec.getParams().getCurve())) {
                algs.add(alg);
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
     * The ECDSA algorithm of a curve: {@code ES256} for P-256, {@code ES384} for P-384, {@code ES512} for P-521
     * (RFC 7518 §3.4), compared by the curve's parameters, not its size (secp256k1 and the brainpool curves share
     * the sizes of P-256 and P-384).
     *
     * @param params the key's curve
     * @return the algorithm, or {@code null} for any other curve
     */
    public static String jwsAlgorithm(ECParameterSpec params) {
        for (int i = 0; i < JWS_CURVES.size(); i++) {
            ECParameterSpec curve = JWS_CURVES.get(i);
            if (curve.getCurve().equals(params.getCurve()) && curve.getGenerator().equals(params.getGenerator())
                    && curve.getOrder().equals(params.getOrder()) && curve.getCofactor() == params.getCofactor()) {
                return JWS_CURVE_ALGORITHMS.get(i);
            }
        }
        return null;
    }

    /**
     * Whether y² = x³ + ax + b (mod p) holds: the JDK decodes EC public keys without checking it.
     *
     * @param point the public point
     * @param curve its curve
     * @return true when the point is a finite point of the curve
     */
    public static boolean onCurve(ECPoint point, EllipticCurve curve) {
        if (point == null || ECPoint.POINT_INFINITY.equals(point) || !(curve.getField() instanceof ECFieldFp)) {
            return false;
        }
        BigInteger p = ((ECFieldFp) curve.getField()).getP();
        BigInteger x = point.getAffineX();
        BigInteger y = point.getAffineY();
        if (x.signum() < 0 || x.compareTo(p) >= 0 || y.signum() < 0 || y.compareTo(p) >= 0) {
            return false;
        }
        BigInteger right = x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p);
        return y.pow(2).mod(p).equals(right);
    }

    private static ECParameterSpec curve(String name) {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec(name));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks curve " + name, e);
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
