package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.HandshakeData;
import io.github.socketiojwt.ErrorCode;
import io.github.socketiojwt.JwtAuthOptions;
import io.github.socketiojwt.JwtPrincipal;
import io.github.socketiojwt.UnauthorizedException;
import io.jsonwebtoken.Jwts;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What one token costs on the library's verification path: {@link TokenAuthenticator#authenticate} with a static
 * key, no validator and the default options otherwise (structure, JSON, algorithm, signature, time claims,
 * principal; the verified-token cache of {@code verifiedTokenCacheSize}), as the guard calls it for a CONNECT or an
 * {@code authenticate} event.
 *
 * <ul>
 *   <li>{@code validCold}: every call a token the cache does not hold: {@code distinctTokens} distinct tokens,
 *       cycled, by default one more than the cache holds, so each has been evicted before it comes back.</li>
 *   <li>{@code validWarm}: the same token every call, served by the cache after the first.</li>
 *   <li>{@code expired}: refused after the signature check; {@code badSignature}: a valid token with another
 *       token's signature by the same key, refused by the signature check (one token each, repeated).</li>
 *   <li>{@code malformed}: refused before any signature check (header fine, payload not JSON).</li>
 *   <li>{@code decodeOnly}: {@link TokenVerifier#decode} alone (structure, JSON, algorithm), for the split.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TokenVerificationBenchmark {

    private static final String NAMESPACE = "/";

    /** One algorithm's keys, authenticator and fixed tokens. */
    @State(Scope.Benchmark)
    public static class Keys {

        @Param({"HS256", "RS256", "ES256"})
        public String algorithm;

        Key signingKey;
        JwtAuthOptions options;
        TokenAuthenticator authenticator;
        TokenVerifier verifier;
        HandshakeData handshake;
        String valid;
        String expired;
        String badSignature;
        String malformed;

        @Setup
        public void setUp() {
            Key verificationKey;
            switch (algorithm) {
                case "HS256":
                    signingKey = Jwts.SIG.HS256.key().build();
                    verificationKey = signingKey;
                    break;
                case "RS256":
                    KeyPair rsa = Jwts.SIG.RS256.keyPair().build();
                    signingKey = rsa.getPrivate();
                    verificationKey = rsa.getPublic();
                    break;
                case "ES256":
                    KeyPair ec = Jwts.SIG.ES256.keyPair().build();
                    signingKey = ec.getPrivate();
                    verificationKey = ec.getPublic();
                    break;
                default:
                    throw new IllegalArgumentException("algorithm: " + algorithm + " (expected: HS256, RS256 or ES256)");
            }
            options = JwtAuthOptions.handshake().secret(verificationKey).build();
            authenticator = new TokenAuthenticator(options);
            verifier = new TokenVerifier(options);
            handshake = new HandshakeData(new DefaultHttpHeaders(), Map.of(),
                    new InetSocketAddress("127.0.0.1", 50000), new InetSocketAddress("127.0.0.1", 9092),
                    "/socket.io/?EIO=4&transport=websocket", false);

            Instant now = Instant.now();
            valid = token(signingKey, "alice", 0, now.plusSeconds(3600));
            expired = token(signingKey, "alice", 0, now.minusSeconds(3600));
            String[] parts = valid.split("\\.");
            // Another token's signature, by the same key: well-formed, checked in full, wrong.
            String other = token(signingKey, "mallory", 1, now.plusSeconds(3600));
            badSignature = parts[0] + "." + parts[1] + "." + other.substring(other.lastIndexOf('.') + 1);
            String notJson = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString("{\"sub\":\"alice\",".getBytes(StandardCharsets.UTF_8));
            malformed = parts[0] + "." + notJson + "." + parts[2];

            // Measure the intended path, or nothing.
            expectValid(this, valid);
            expectRefused(this, expired, ErrorCode.TOKEN_EXPIRED);
            expectRefused(this, badSignature, ErrorCode.INVALID_SIGNATURE);
            expectRefused(this, malformed, ErrorCode.TOKEN_MALFORMED);
        }
    }

    /** Distinct valid tokens, handed out in turn so that no call finds its token in the verified-token cache. */
    @State(Scope.Thread)
    public static class ColdTokens {

        /** How many: {@code auto} is one more than the cache holds; fewer make {@code validCold} partly warm. */
        @Param("auto")
        public String distinctTokens;

        String[] tokens;
        int next;

        @Setup
        public void setUp(Keys keys) {
            int cacheSize = keys.options.verifiedTokenCacheSize();
            int count = "auto".equals(distinctTokens) ? cacheSize + 1 : Integer.parseInt(distinctTokens);
            if (count <= cacheSize) {
                System.err.println("distinctTokens=" + count + " <= verifiedTokenCacheSize=" + cacheSize
                        + ": validCold hits the cache (fine for a smoke run, not for figures)");
            }
            tokens = new String[count];
            Instant expiry = Instant.now().plusSeconds(3600);
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = token(keys.signingKey, "user-" + i, i, expiry);
            }
            expectValid(keys, tokens[tokens.length - 1]);
        }

        String nextToken() {
            String token = tokens[next];
            next = next + 1 == tokens.length ? 0 : next + 1;
            return token;
        }
    }

    @Benchmark
    public CompletableFuture<JwtPrincipal> validCold(Keys keys, ColdTokens cold) {
        return keys.authenticator.authenticate(cold.nextToken(), keys.handshake, NAMESPACE);
    }

    @Benchmark
    public CompletableFuture<JwtPrincipal> validWarm(Keys keys) {
        return keys.authenticator.authenticate(keys.valid, keys.handshake, NAMESPACE);
    }

    @Benchmark
    public CompletableFuture<JwtPrincipal> expired(Keys keys) {
        return keys.authenticator.authenticate(keys.expired, keys.handshake, NAMESPACE);
    }

    @Benchmark
    public CompletableFuture<JwtPrincipal> badSignature(Keys keys) {
        return keys.authenticator.authenticate(keys.badSignature, keys.handshake, NAMESPACE);
    }

    @Benchmark
    public CompletableFuture<JwtPrincipal> malformed(Keys keys) {
        return keys.authenticator.authenticate(keys.malformed, keys.handshake, NAMESPACE);
    }

    @Benchmark
    public DecodedToken decodeOnly(Keys keys) {
        return keys.verifier.decode(keys.valid);
    }

    /** The shape of the example server's tokens, plus a {@code jti} that makes each token distinct. */
    static String token(Key key, String subject, long serial, Instant expiry) {
        return Jwts.builder().subject(subject).claim("username", subject).id("jti-" + serial)
                .issuedAt(Date.from(Instant.now().minusSeconds(1))).expiration(Date.from(expiry))
                .signWith(key).compact();
    }

    private static void expectValid(Keys keys, String token) {
        JwtPrincipal principal = keys.authenticator.authenticate(token, keys.handshake, NAMESPACE).getNow(null);
        if (principal == null) {
            throw new IllegalStateException(keys.algorithm + ": a valid token was not accepted at once");
        }
    }

    private static void expectRefused(Keys keys, String token, ErrorCode expected) {
        CompletableFuture<JwtPrincipal> result = keys.authenticator.authenticate(token, keys.handshake, NAMESPACE);
        ErrorCode actual = result.handle((principal, error) -> error instanceof UnauthorizedException
                ? ((UnauthorizedException) error).errorCode() : null).getNow(null);
        if (actual != expected) {
            throw new IllegalStateException(keys.algorithm + ": expected " + expected + ", got " + actual);
        }
    }
}
