package io.github.socketiojwt.internal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.github.socketiojwt.PublicKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.PublicKey;
import java.security.interfaces.EdECPublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads a JWK Set (RFC 7517 §5) into the public keys it holds that may verify JWS signatures, and ignores every
 * other key, so that one bad key never spoils the set.
 *
 * <p>A key is ignored when it is not a JSON object; carries private or secret members ({@code d}, {@code p},
 * {@code q}, {@code dp}, {@code dq}, {@code qi}, {@code oth}, {@code k}), checked before any parser sees it; has a
 * {@code kty} other than {@code RSA}, {@code EC} or {@code OKP}; has a {@code use} other than {@code sig}; has
 * {@code key_ops} without {@code verify}; has a non-string {@code kid} or {@code alg}; or is refused by
 * {@link PublicKeys#fromJwk(String)}, the library's one definition of a usable public JWK (malformed members, RSA
 * below 2048 bits, curves other than P-256/P-384/P-521, points off their curve, X25519, an {@code alg} the key
 * cannot verify). Unlike a JWK given to {@code PublicKeys}, a key of a set that declares an {@code alg} verifies
 * only that algorithm ({@code "Ed25519"} and {@code "Ed448"}, RFC 9864's names, mean {@code EdDSA} on that curve).
 * The document is read by {@link PlainJson}, which bounds its nesting. Members such as {@code x5u} or {@code x5c}
 * are never fetched.
 *
 * <p>Ignored keys are logged at DEBUG with their index, {@code kid} and the reason; never with key material.
 */
public final class JwkSetParser {

    private static final Logger log = LoggerFactory.getLogger(JwkSetParser.class);

    private static final Set<String> PRIVATE_MEMBERS = Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");
    private static final Set<String> KEY_TYPES = Set.of("RSA", "EC", "OKP");
    private static final int MAX_LOGGED_KID = 64;
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private JwkSetParser() {
    }

    /**
     * One usable verification key of a set.
     *
     * @param keyId the key's {@code kid}, or {@code null} when it has none
     * @param key the public key
     * @param algorithms the JWS algorithms it may verify: its declared {@code alg} alone, or every algorithm the
     *        key allows when it declares none
     */
    public record VerificationKey(String keyId, PublicKey key, Set<String> algorithms) {

        /**
         * Creates a verification key.
         *
         * @param keyId the {@code kid}, or {@code null}
         * @param key the public key
         * @param algorithms the algorithms, not empty; copied
         */
        public VerificationKey {
            Objects.requireNonNull(key, "key");
            algorithms = Collections.unmodifiableSet(new LinkedHashSet<>(algorithms));
            if (algorithms.isEmpty()) {
                throw new IllegalArgumentException("algorithms: [] (expected: at least one)");
            }
        }

        @Override
        public String toString() {
            return "VerificationKey[kid=" + keyId + ", type=" + key.getAlgorithm() + ", algorithms=" + algorithms
                    + "]";
        }
    }

    /**
     * Parses a JWK Set document.
     *
     * @param json the document, a JSON object with a {@code keys} array
     * @return the usable keys, in document order; empty when none is usable
     * @throws IllegalArgumentException when the document is not JSON, is nested too deeply, is not an object or has
     *         no {@code keys} array; the message never quotes the document
     */
    public static List<VerificationKey> parse(String json) {
        Objects.requireNonNull(json, "json");
        Map<String, Object> document = PlainJson.parseObject(json);
        Object keys = document.get("keys");
        if (!(keys instanceof List)) {
            throw new IllegalArgumentException("not a JWK set (expected: an object with a \"keys\" array)");
        }
        List<VerificationKey> usable = new ArrayList<>();
        int index = 0;
        for (Object member : (List<?>) keys) {
            try {
                usable.add(read(member));
            } catch (Ignored e) {
                if (log.isDebugEnabled()) {
                    log.debug("Ignoring JWK #{} (kid {}): {}", index, loggableKid(member), e.getMessage());
                }
            }
            index++;
        }
        return Collections.unmodifiableList(usable);
    }

    private static VerificationKey read(Object member) throws Ignored {
        if (!(member instanceof Map)) {
            throw new Ignored("not a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> jwk = (Map<String, Object>) member;
        for (String name : PRIVATE_MEMBERS) {
            if (jwk.containsKey(name)) {
                throw new Ignored("holds private or secret key material (member " + name + ")");
            }
        }
        Object kty = jwk.get("kty");
        if (!(kty instanceof String) || !KEY_TYPES.contains(kty)) {
            throw new Ignored("kty is not RSA, EC or OKP");
        }
        Object kid = jwk.get("kid");
        if (kid != null && !(kid instanceof String)) {
            throw new Ignored("kid is not a string");
        }
        if (jwk.containsKey("use") && !"sig".equals(jwk.get("use"))) {
            throw new Ignored("use is not sig");
        }
        if (jwk.containsKey("key_ops") && !allowsVerify(jwk.get("key_ops"))) {
            throw new Ignored("key_ops does not contain verify");
        }
        Object alg = jwk.get("alg");
        if (alg == null ? jwk.containsKey("alg") : !(alg instanceof String)) {
            throw new Ignored("alg is not a string");
        }
        PublicKey key;
        try {
            // The members were read with a bounded depth; PublicKeys reads this re-serialised, flat text.
            key = PublicKeys.fromJwk(GSON.toJson(jwk));
        } catch (IllegalArgumentException e) {
            throw new Ignored(e.getMessage()); // PublicKeys' messages never quote the JWK
        } catch (RuntimeException e) {
            throw new Ignored("malformed or unsupported (" + e.getClass().getSimpleName() + ")");
        }
        Set<String> algorithms = KeyAlgorithms.algorithmsFor(key, false);
        if (algorithms.isEmpty()) {
            throw new Ignored("verifies no JWS algorithm");
        }
        if (alg != null) {
            if (algorithms.contains(alg)) {
                algorithms = Set.of((String) alg);
            } else if (!(key instanceof EdECPublicKey && ((EdECPublicKey) key).getParams().getName().equals(alg))) {
                throw new Ignored("alg does not fit the key");
            }
        }
        return new VerificationKey((String) kid, key, algorithms);
    }

    private static boolean allowsVerify(Object keyOps) {
        if (!(keyOps instanceof List)) {
            return false;
        }
        for (Object op : (List<?>) keyOps) {
            if (!(op instanceof String)) {
                return false;
            }
        }
        return ((List<?>) keyOps).contains("verify");
    }

    private static String loggableKid(Object member) {
        Object kid = member instanceof Map ? ((Map<?, ?>) member).get("kid") : null;
        if (!(kid instanceof String)) {
            return "-";
        }
        String text = (String) kid;
        StringBuilder safe = new StringBuilder();
        for (int i = 0; i < text.length() && safe.length() < MAX_LOGGED_KID; i++) {
            char c = text.charAt(i);
            safe.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return safe.toString();
    }

    /** Why one key was left out; expected, so without a stack trace. */
    private static final class Ignored extends Exception {

        private static final long serialVersionUID = 1L;

        Ignored(String reason) {
            super(reason, null, false, false);
        }
    }
}
