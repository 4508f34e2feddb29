package io.github.socketiojwt.testing;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/** Asymmetric key pairs for tests, made once per test run (RSA generation is slow). */
public final class TestKeys {

    public static final KeyPair RSA_2048 = rsa(2048);
    public static final KeyPair RSA_1024 = rsa(1024);
    public static final KeyPair P_256 = ec("secp256r1");
    public static final KeyPair P_384 = ec("secp384r1");
    public static final KeyPair P_521 = ec("secp521r1");
    public static final KeyPair ED_25519 = generate("Ed25519", null, 0);

    private TestKeys() {
    }

    private static KeyPair rsa(int bits) {
        return generate("RSA", null, bits);
    }

    private static KeyPair ec(String curve) {
        return generate("EC", curve, 0);
    }

    private static KeyPair generate(String algorithm, String curve, int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (curve != null) {
                generator.initialize(new ECGenParameterSpec(curve));
            } else if (bits > 0) {
                generator.initialize(bits);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
