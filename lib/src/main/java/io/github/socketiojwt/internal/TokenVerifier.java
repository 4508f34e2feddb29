package io.github.socketiojwt.internal;

import io.github.socketiojwt.ErrorCode;
import io.github.socketiojwt.JwtAuthOptions;
import io.github.socketiojwt.UnauthorizedException;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.JwtParserBuilder;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.MalformedJwtException;
import io.jsonwebtoken.PrematureJwtException;
import io.jsonwebtoken.security.SignatureException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;

/**
 * Checks a token's structure, then its signature with jjwt, then its time claims with jsonwebtoken's semantics,
 * and turns every failure into an {@link UnauthorizedException} with jsonwebtoken's message. This is the only
 * class that touches jjwt's exception types.
 */
final class TokenVerifier {

    private static final Logger log = LoggerFactory.getLogger(TokenVerifier.class);

    /** jjwt's own time checks are switched off by a huge skew: the time claims are checked here instead. */
    private static final long NO_JJWT_TIME_CHECKS_SECONDS = 1000L * 366 * 24 * 3600;
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]*");
    private static final int MAX_CACHED_PARSERS = 256;

    private final JwtAuthOptions options;
    private final JwtParser staticParser;
    private final Set<String> staticAlgorithms;
    private final Map<Key, JwtParser> parsers = new ConcurrentHashMap<>();

    TokenVerifier(JwtAuthOptions options) {
        this.options = options;
        if (options.key() != null) {
            this.staticParser = newParser(options.key());
            this.staticAlgorithms = KeyAlgorithms.algorithmsFor(options.key(), options.weakHmacAllowed());
        } else {
            this.staticParser = null;
            this.staticAlgorithms = null;
        }
    }

    /**
     * Checks the structure and decodes header and claims, without verifying anything.
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
        if (headerPart.isEmpty() || payloadPart.isEmpty() || !BASE64URL.matcher(headerPart).matches()
                || !BASE64URL.matcher(payloadPart).matches() || !BASE64URL.matcher(signaturePart).matches()) {
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
        if (signaturePart.isEmpty()) {
            throw new UnauthorizedException(ErrorCode.SIGNATURE_REQUIRED, "jwt signature is required");
        }
        Object alg = header.get("alg");
        if (!(alg instanceof String) || !KeyAlgorithms.isKnown((String) alg)
                || (!options.algorithms().isEmpty() && !options.algorithms().contains(alg))
                || (staticAlgorithms != null && !staticAlgorithms.contains(alg))) {
            throw new UnauthorizedException(ErrorCode.INVALID_ALGORITHM, "invalid algorithm");
        }
        return new DecodedToken(token, header, claims, (String) alg);
    }

    /**
     * Verifies the signature with a key, then {@code nbf} and {@code exp}.
     *
     * @param decoded a decoded token
     * @param key the key that must have signed it; for a resolved key, may be anything the resolver returned
     * @throws UnauthorizedException with jsonwebtoken's message
     */
    void verify(DecodedToken decoded, Key key) {
        JwtParser parser;
        if (key == options.key() && staticParser != null) {
            parser = staticParser;
        } else {
            if (!(key instanceof SecretKey) && !(key instanceof PublicKey)) {
                log.warn("The key resolver returned a {} (expected: a SecretKey or a PublicKey)",
                        key.getClass().getName());
                throw new UnauthorizedException(ErrorCode.KEY_UNAVAILABLE, "secret or public key must be provided");
            }
            if (!KeyAlgorithms.algorithmsFor(key, options.weakHmacAllowed()).contains(decoded.algorithm)) {
                throw new UnauthorizedException(ErrorCode.INVALID_ALGORITHM, "invalid algorithm");
            }
            parser = parserFor(key);
        }
        try {
            parser.parseSignedClaims(decoded.token);
        } catch (SignatureException e) {
            throw new UnauthorizedException(ErrorCode.INVALID_SIGNATURE, "invalid signature");
        } catch (ExpiredJwtException e) {
            throw new UnauthorizedException(ErrorCode.TOKEN_EXPIRED, "jwt expired");
        } catch (PrematureJwtException e) {
            throw new UnauthorizedException(ErrorCode.TOKEN_NOT_ACTIVE, "jwt not active");
        } catch (MalformedJwtException e) {
            throw claimTypeError(decoded).orElse(new UnauthorizedException(ErrorCode.TOKEN_MALFORMED, "jwt malformed"));
        } catch (io.jsonwebtoken.security.SecurityException e) {
            throw new UnauthorizedException(ErrorCode.INVALID_ALGORITHM, "invalid algorithm");
        } catch (JwtException | IllegalArgumentException e) {
            log.debug("token refused by jjwt: {}", e.getClass().getSimpleName());
            throw claimTypeError(decoded).orElse(new UnauthorizedException(ErrorCode.TOKEN_MALFORMED, "invalid token"));
        }
        checkTime(decoded.claims);
    }

    private void checkTime(Map<String, Object> claims) {
        long now = Math.floorDiv(options.clock().millis(), 1000L);
        long leeway = options.leeway().getSeconds();
        Object nbf = claims.get("nbf");
        if (nbf != null || claims.containsKey("nbf")) {
            if (!(nbf instanceof Number)) {
                throw new UnauthorizedException(ErrorCode.INVALID_CLAIM, "invalid nbf value");
            }
            if (((Number) nbf).doubleValue() > now + leeway) {
                throw new UnauthorizedException(ErrorCode.TOKEN_NOT_ACTIVE, "jwt not active");
            }
        }
        Object exp = claims.get("exp");
        if (exp != null || claims.containsKey("exp")) {
            if (!(exp instanceof Number)) {
                throw new UnauthorizedException(ErrorCode.INVALID_CLAIM, "invalid exp value");
            }
            if (now >= ((Number) exp).doubleValue() + leeway) {
                throw new UnauthorizedException(ErrorCode.TOKEN_EXPIRED, "jwt expired");
            }
        }
    }

    private static java.util.Optional<UnauthorizedException> claimTypeError(DecodedToken decoded) {
        for (String name : new String[] {"nbf", "exp", "iat"}) {
            if (decoded.claims.containsKey(name) && !(decoded.claims.get(name) instanceof Number)) {
                return java.util.Optional.of(new UnauthorizedException(ErrorCode.INVALID_CLAIM,
                        "invalid " + name + " value"));
            }
        }
        return java.util.Optional.empty();
    }

    private JwtParser parserFor(Key key) {
        JwtParser parser = parsers.get(key);
        if (parser == null) {
            if (parsers.size() >= MAX_CACHED_PARSERS) {
                parsers.clear();
            }
            parser = newParser(key);
            parsers.put(key, parser);
        }
        return parser;
    }

    private JwtParser newParser(Key key) {
        JwtParserBuilder builder = Jwts.parser().clockSkewSeconds(NO_JJWT_TIME_CHECKS_SECONDS);
        if (key instanceof SecretKey) {
            if (options.weakHmacAllowed()) {
                builder.sig().add(LegacyHmac.HS256).add(LegacyHmac.HS384).add(LegacyHmac.HS512).and();
            }
            builder.verifyWith((SecretKey) key);
        } else {
            builder.verifyWith((PublicKey) key);
        }
        return builder.build();
    }

    private static String base64UrlText(String part) {
        return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
    }
}
