package io.github.socketiojwt.example;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The example's user accounts: each password is kept only as a salted PBKDF2-HMAC-SHA256 hash and compared in
 * constant time. Immutable. {@link #verify} costs tens of milliseconds by design: never call it on a Netty event
 * loop.
 */
final class Accounts {

    /** Deliberately below OWASP's 600,000: the example's tests log in many times. */
    static final int ITERATIONS = 60_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";

    private final Map<String, Hash> hashes;
    /** Compared against for unknown names, so that they take as long as known ones. */
    private final Hash unknownUser;

    private Accounts(Map<String, Hash> hashes, Hash unknownUser) {
        this.hashes = hashes;
        this.unknownUser = unknownUser;
    }

    /**
     * Hashes the passwords of some accounts.
     *
     * @param passwords name to password
     * @param random the salt source
     * @return the accounts
     */
    static Accounts hash(Map<String, String> passwords, SecureRandom random) {
        Map<String, Hash> hashes = new HashMap<>();
        passwords.forEach((name, password) -> hashes.put(name, Hash.of(password, random)));
        byte[] junk = new byte[18];
        random.nextBytes(junk);
        return new Accounts(Map.copyOf(hashes), Hash.of(Base64.getEncoder().encodeToString(junk), random));
    }

    /**
     * Checks a name and password.
     *
     * @param name the account name
     * @param password the password
     * @return whether the account exists and the password matches
     */
    boolean verify(String name, String password) {
        if (name == null || password == null) {
            return false;
        }
        Hash expected = hashes.get(name);
        boolean known = expected != null;
        Hash reference = known ? expected : unknownUser;
        boolean matches = MessageDigest.isEqual(pbkdf2(password, reference.salt), reference.hash);
        return known && matches;
    }

    private static byte[] pbkdf2(String password, byte[] salt) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, ITERATIONS, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available", e);
        } finally {
            spec.clearPassword();
        }
    }

    private static final class Hash {
        final byte[] salt;
        final byte[] hash;

        private Hash(byte[] salt, byte[] hash) {
            this.salt = salt;
            this.hash = hash;
        }

        static Hash of(String password, SecureRandom random) {
            byte[] salt = new byte[SALT_BYTES];
            random.nextBytes(salt);
            return new Hash(salt, pbkdf2(password, salt));
        }
    }
}
