package io.github.socketiojwt.internal;

import io.github.socketiojwt.ErrorCode;
import io.github.socketiojwt.JwtAuthOptions;
import io.github.socketiojwt.UnauthorizedException;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.SecureDigestAlgorithm;
import io.jsonwebtoken.security.VerifySecureDigestRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * Checks a token's structure, then its signature with jjwt's algorithms, then its time claims with jsonwebtoken's
 * semantics, and turns every failure into an {@link UnauthorizedException} with jsonwebtoken's message. This is
 * the only class that touches jjwt's types and exceptions.
 */
final class TokenVerifier {

    private static final Logger log = LoggerFactory.getLogger(TokenVerifier.class);

    /** The JCA names of the HMAC algorithms, for the static-key fast path. */
    private static final Map<String, String> HMAC_JCA = Map.of("HS256", "HmacSHA256", "HS384", "HmacSHA384",
            "HS512", "HmacSHA512");

    private final JwtAuthOptions options;
    private final Set<String> staticAlgorithms;
    private final Set<String> resolverAlgorithms;
    /**
     * One initialised {@link Mac} per thread and algorithm for the static HMAC key: built once, reset by every
     * {@code doFinal}, so that checking a MAC costs the hashing alone. Empty for other keys.
     */
    private final Map<String, ThreadLocal<Mac>> staticMacs;

    TokenVerifier(JwtAuthOptions options) {
        this.options = options;
        this.staticAlgorithms = options.key() == null ? null
                : KeyAlgorithms.algorithmsFor(options.key(), options.weakHmacAllowed());
        this.resolverAlgorithms = options.keyResolver() == null ? Set.of()
                : Set.copyOf(options.keyResolver().acceptedAlgorithms());
        this.staticMacs = staticMacs(options);
    }

    /**
     * The per-thread MACs of a static HMAC key, for the algorithms it is strong enough for (RFC 7518 §3.2, as jjwt
     * checks them); none for weak keys allowed by {@code insecurelyAllowWeakHmacSecret()}, which take jjwt's path.
     */
    private static Map<String, ThreadLocal<Mac>> staticMacs(JwtAuthOptions options) {
        Key key = options.key();
        if (!(key instanceof SecretKey) || options.weakHmacAllowed()) {
            return Map.of();
        }
        Map<String, ThreadLocal<Mac>> macs = new java.util.HashMap<>();
        for (String algorithm : KeyAlgorithms.algorithmsFor(key, false)) {
            String jca = HMAC_JCA.get(algorithm);
            if (jca != null) {
                macs.put(algorithm, ThreadLocal.withInitial(() -> {
                    try {
                        Mac mac = Mac.getInstance(jca);
                        mac.init(key);
                        return mac;
                    } catch (java.security.GeneralSecurityException e) {
                        throw new IllegalStateException(jca + " is not available", e);
                    }
                }));
            }
        }
        return Map.copyOf(macs);
    }

    /**
     * Checks the structure and decodes header and claims, without verifying anything. Everything jsonwebtoken
     * ignores is ignored here too ({@code cty}, {@code typ}, the types of registered claims other than
     * {@code exp} and {@code nbf}), except the {@code crit} and {@code zip} headers, which are refused (nothing
     * is ever decompressed).
     *
     * @param token the compact JWS
     * @return the decoded token
     * @throws UnauthorizedException {@code jwt malformed}, {@code invalid token}, {@code jwt signature is required}
     *         or {@code invalid algorithm}
     */
    DecodedToken decode(String token) {
        if (token.length() > options.maxTokenLength()) {
            throw new UnauthorizedException(ErrorCode.TOKEN_TOO_LARGE, "jwt malformed");
        }
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (first < 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
            throw new UnauthorizedException(ErrorCode.TOKEN_MALFORMED, "jwt malformed");
        }
        String headerPart = token.substring(0, first);
        String payloadPart = token.substring(first + 1, second);
        String signaturePart = token.substring(second + 1);
        if (first == 0 || second == first + 1 || !isBase64Url(token)) {
            throw new UnauthorizedException(ErrorCode.TOKEN_MALFORMED, "invalid token");
        }
        Map<String, Object> header;
        Map<String, Object> claims;
        try {
            header = PlainJson.parseObject(base64UrlText(headerPart));
            claims = PlainJson.parseObject(base64UrlText(payloadPart));
        } catch (IllegalArgumentException e) {
            throw new UnauthorizedException(ErrorCode.TOKEN_MALFORMED, "invalid token");
        }
        if (header.containsKey("zip")) {
            // Compression belongs to JWE (RFC 7516 §4.1.3); a JWS that claims it is refused, never inflated.
            throw new UnauthorizedException(ErrorCode.TOKEN_MALFORMED, "invalid token");
        }
        if (header.containsKey("crit")) {
            // RFC 7515 §4.1.11: extensions the recipient does not understand must be refused; none are understood.
            throw new UnauthorizedException(ErrorCode.TOKEN_MALFORMED, "invalid token");
        }
        if (signaturePart.isEmpty()) {
            throw new UnauthorizedException(ErrorCode.SIGNATURE_REQUIRED, "jwt signature is required");
        }
        Object alg = header.get("alg");
        if (!(alg instanceof String) || !KeyAlgorithms.isKnown((String) alg)
                || (!options.algorithms().isEmpty() && !options.algorithms().contains(alg))
                || (staticAlgorithms != null && !staticAlgorithms.contains(alg))
                || (!resolverAlgorithms.isEmpty() && !resolverAlgorithms.contains(alg))) {
            throw new UnauthorizedException(ErrorCode.INVALID_ALGORITHM, "invalid algorithm");
        }
        return new DecodedToken(token, header, claims, (String) alg,
                token.substring(0, second).getBytes(StandardCharsets.US_ASCII), signaturePart);
    }

    /**
     * Verifies the signature with a key, then {@code nbf} and {@code exp}.
     *
     * <p>The signature is checked by jjwt's algorithm implementations (constant-time MAC comparison, key-strength
     * checks, ECDSA signature-format checks against CVE-2022-21449); the claims are read as jsonwebtoken reads
     * them, so tokens issued by Node servers (a numeric {@code sub}, a {@code cty} header) verify as they did.
     *
     * @param decoded a decoded token
     * @param key the key that must have signed it; for a resolved key, may be anything the resolver returned
     * @throws UnauthorizedException with jsonwebtoken's message
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    void verify(DecodedToken decoded, Key key) {
        if (!(key instanceof SecretKey) && !(key instanceof PublicKey)) {
            log.warn("The key resolver returned a {} (expected: a SecretKey or a PublicKey)", key.getClass().getName());
            throw new UnauthorizedException(ErrorCode.KEY_UNAVAILABLE, "secret or public key must be provided");
        }
        if (key != options.key()
                && !KeyAlgorithms.algorithmsFor(key, options.weakHmacAllowed()).contains(decoded.algorithm)) {
            throw new UnauthorizedException(ErrorCode.INVALID_ALGORITHM, "invalid algorithm");
        }
        byte[] signature;
        try {
            signature = Base64.getUrlDecoder().decode(decoded.signature);
        } catch (IllegalArgumentException e) {
            throw new UnauthorizedException(ErrorCode.INVALID_SIGNATURE, "invalid signature");
        }
        ThreadLocal<Mac> staticMac = key == options.key() ? staticMacs.get(decoded.algorithm) : null;
        boolean valid;
        try {
            valid = staticMac != null
                    ? MessageDigest.isEqual(staticMac.get().doFinal(decoded.signingInput), signature) // constant time
                    : ((SecureDigestAlgorithm) algorithm(decoded.algorithm)).verify(
                            new SignatureCheck(decoded.signingInput, key, signature));
        } catch (io.jsonwebtoken.security.SecurityException | IllegalArgumentException e) {
            log.debug("signature check refused the key or the signature: {}", e.getClass().getSimpleName());
            throw new UnauthorizedException(ErrorCode.INVALID_SIGNATURE, "invalid signature");
        }
        if (!valid) {
            throw new UnauthorizedException(ErrorCode.INVALID_SIGNATURE, "invalid signature");
        }
        checkTime(decoded.claims);
        checkClaims(decoded.claims);
    }

    /**
     * The checks that depend on the time or the options, for a token whose signature verified before.
     *
     * @param claims the token's claims
     * @throws UnauthorizedException with jsonwebtoken's message
     */
    void recheck(Map<String, Object> claims) {
        checkTime(claims);
        checkClaims(claims);
    }

    /** The claim checks, in jsonwebtoken's order: required claims, audience, issuer, subject, max age. */
    private void checkClaims(Map<String, Object> claims) {
        for (String required : options.requiredClaims()) {
            if (claims.get(required) == null) {
                throw new UnauthorizedException(ErrorCode.CLAIM_MISSING, "jwt missing required claim: " + required);
            }
        }
        if (!options.audiences().isEmpty()) {
            Object aud = claims.get("aud");
            List<?> given = aud instanceof List ? (List<?>) aud : java.util.Collections.singletonList(aud);
            if (given.stream().noneMatch(a -> a instanceof String && options.audiences().contains(a))) {
                throw new UnauthorizedException(ErrorCode.AUDIENCE_INVALID,
                        "jwt audience invalid. expected: " + String.join(" or ", options.audiences()));
            }
        }
        Object iss = claims.get("iss");
        if (!options.issuers().isEmpty() && !(iss instanceof String && options.issuers().contains(iss))) {
            throw new UnauthorizedException(ErrorCode.ISSUER_INVALID,
                    "jwt issuer invalid. expected: " + String.join(",", options.issuers()));
        }
        if (options.subject() != null && !options.subject().equals(claims.get("sub"))) {
            throw new UnauthorizedException(ErrorCode.SUBJECT_INVALID,
                    "jwt subject invalid. expected: " + options.subject());
        }
        if (options.maxAge() != null) {
            Object iat = claims.get("iat");
            if (!(iat instanceof Number)) {
                throw new UnauthorizedException(ErrorCode.CLAIM_MISSING, "iat required when maxAge is specified");
            }
            double now = Math.floorDiv(options.clock().millis(), 1000L);
            double oldest = ((Number) iat).doubleValue() + options.maxAge().getSeconds();
            if (now >= oldest + leewaySeconds()) {
                throw new UnauthorizedException(ErrorCode.MAX_AGE_EXCEEDED, "maxAge exceeded");
            }
        }
    }

    private SecureDigestAlgorithm<?, ?> algorithm(String id) {
        if (options.weakHmacAllowed()) {
            switch (id) {
                case "HS256":
                    return LegacyHmac.HS256;
                case "HS384":
                    return LegacyHmac.HS384;
                case "HS512":
                    return LegacyHmac.HS512;
                default:
                    break;
            }
        }
        SecureDigestAlgorithm<?, ?> algorithm = Jwts.SIG.get().get(id);
        if (algorithm == null) {
            throw new UnauthorizedException(ErrorCode.INVALID_ALGORITHM, "invalid algorithm");
        }
        return algorithm;
    }

    /** What jjwt's algorithms verify: the JWS signing input, the key and the signature. */
    private static final class SignatureCheck<K extends Key> implements VerifySecureDigestRequest<K> {

        private final byte[] payload;
        private final K key;
        private final byte[] digest;

        SignatureCheck(byte[] payload, K key, byte[] digest) {
            this.payload = payload;
            this.key = key;
            this.digest = digest;
        }

        @Override
        public InputStream getPayload() {
            return new ByteArrayInputStream(payload);
        }

        @Override
        public K getKey() {
            return key;
        }

        @Override
        public byte[] getDigest() {
            return digest;
        }

        @Override
        public Provider getProvider() {
            return null;
        }

        @Override
        public SecureRandom getSecureRandom() {
            return null;
        }
    }

    /**
     * The time claims, as jsonwebtoken checks them with {@code clockTolerance}: {@code nbf} (not active while
     * {@code nbf > now + leeway}, {@code now} in whole seconds), then {@code exp} (expired from
     * {@link #expiresAtMillis} on). The leeway counts to the millisecond, never rounded down to whole seconds.
     */
    private void checkTime(Map<String, Object> claims) {
        long nowMillis = options.clock().millis();
        Object nbf = claims.get("nbf");
        if (nbf != null || claims.containsKey("nbf")) {
            if (!(nbf instanceof Number)) {
                throw new UnauthorizedException(ErrorCode.INVALID_CLAIM, "invalid nbf value");
            }
            if (((Number) nbf).doubleValue() > Math.floorDiv(nowMillis, 1000L) + leewaySeconds()) {
                throw new UnauthorizedException(ErrorCode.TOKEN_NOT_ACTIVE, "jwt not active");
            }
        }
        Object exp = claims.get("exp");
        if (exp != null || claims.containsKey("exp")) {
            if (!(exp instanceof Number)) {
                throw new UnauthorizedException(ErrorCode.INVALID_CLAIM, "invalid exp value");
            }
            if (nowMillis >= expiresAtMillis(claims)) {
                throw new UnauthorizedException(ErrorCode.TOKEN_EXPIRED, "jwt expired");
            }
        }
    }

    /**
     * The first instant at which a token counts as expired: the one place that turns {@code exp} and the leeway
     * into a time, shared by the verification, the verified-token cache and the expiry of connected sockets, so
     * that a connected socket keeps its rights exactly as long as a new connection with the same token would be
     * accepted. jsonwebtoken's rule, {@code floor(now in seconds) >= exp + leeway}, holds from the whole second
     * {@code ceil(exp + leeway)} on; for a whole-second {@code exp} and leeway that is {@code exp + leeway}.
     *
     * @param claims a token's claims
     * @return epoch milliseconds; {@code Long.MAX_VALUE} when {@code exp} is absent, not a number, or too far
     *         ahead to count in milliseconds
     */
    long expiresAtMillis(Map<String, Object> claims) {
        Object exp = claims.get("exp");
        if (!(exp instanceof Number)) {
            return Long.MAX_VALUE;
        }
        double millis = Math.ceil(((Number) exp).doubleValue() + leewaySeconds()) * 1000;
        return millis >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) millis; // the cast saturates below, too
    }

    /** The leeway in seconds, fractions included ({@code Duration.toMillis} could overflow; this cannot). */
    private double leewaySeconds() {
        Duration leeway = options.leeway();
        return leeway.getSeconds() + leeway.getNano() / 1e9;
    }

    /** Whether every character but the two dots is of the base64url alphabet (RFC 4648 §5, no padding). */
    private static boolean isBase64Url(String token) {
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.')) {
                return false;
            }
        }
        return true;
    }

    private static String base64UrlText(String part) {
        return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
    }
}
