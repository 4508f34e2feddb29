package io.github.socketiojwt.example;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.Jwts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.SecretKey;

/**
 * Checks credentials and issues HS256 tokens, off the Netty event loops: password hashing is slow on purpose.
 * Shared by {@code POST /login} and the {@code /public} namespace's {@code login} event. Also renews the tokens it
 * issued ({@code POST /refresh}), which is cheap and runs on the caller's thread.
 *
 * <p>Its tokens satisfy the server's own claim checks ({@code --issuer}, {@code --audience}): they carry the first
 * accepted issuer as {@code iss} and every accepted audience as {@code aud}. A renewal accepts what the namespaces
 * accept and nothing more: the same issuers and audiences, and {@code exp} with the same leeway.
 */
final class LoginService implements AutoCloseable {

    /** What {@code /refresh} answers for an expired token: jsonwebtoken's message, as the library sends it. */
    static final String EXPIRED = "jwt expired";
    /** What {@code /refresh} answers for any other token it will not renew; deliberately says no more. */
    static final String INVALID = "invalid token";

    private static final int THREADS = 2;
    private static final int QUEUE = 64;
    /** The library's default {@code maxTokenLength}: longer tokens are refused before any parsing. */
    private static final int MAX_TOKEN_LENGTH = 8192;
    private static final String ALGORITHM = "HS256";
    /** Claims a renewal sets afresh or never carries over; every other claim is copied. */
    private static final Set<String> REGISTERED = Set.of(Claims.ISSUER, Claims.SUBJECT, Claims.AUDIENCE,
            Claims.EXPIRATION, Claims.NOT_BEFORE, Claims.ISSUED_AT, Claims.ID);

    private final Accounts accounts;
    private final Map<String, List<String>> channels;
    private final SecretKey key;
    private final Duration tokenTtl;
    private final ExampleOptions.Verification verification;
    private final Clock clock;
    private final JwtParser parser;
    private final ThreadPoolExecutor executor;

    /**
     * Creates the service.
     *
     * @param accounts the password hashes
     * @param channels each account's chat channels, put in its tokens' {@value Channels#CLAIM} claim; an account
     *        that is not a key, or has an empty list, gets no such claim
     * @param key the HS256 key that signs tokens and verifies renewals
     * @param tokenTtl the lifetime of issued tokens
     * @param verification the issuers, audiences and leeway the server's namespaces check: issued tokens carry the
     *        first issuer and every audience; renewals are checked against all three
     * @param clock the clock
     */
    LoginService(Accounts accounts, Map<String, List<String>> channels, SecretKey key, Duration tokenTtl,
            ExampleOptions.Verification verification, Clock clock) {
        this.accounts = accounts;
        this.channels = Map.copyOf(channels);
        this.key = key;
        this.tokenTtl = tokenTtl;
        this.verification = Objects.requireNonNull(verification, "verification");
        this.clock = clock;
        // jjwt's skew makes exp + leeway itself still valid; renew() refuses it, as the library does.
        this.parser = Jwts.parser().verifyWith(key).clock(() -> Date.from(clock.instant()))
                .clockSkewSeconds(verification.leeway().getSeconds()).build();
        AtomicInteger count = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(QUEUE), runnable -> {
                    Thread thread = new Thread(runnable, "example-login-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /**
     * Checks credentials on a worker thread.
     *
     * @param username the name
     * @param password the password
     * @return a stage completing with a token, or empty when the credentials are wrong; it fails with a
     *         {@link RejectedExecutionException} when too many logins are already waiting
     */
    CompletableFuture<Optional<String>> login(String username, String password) {
        try {
            return CompletableFuture.supplyAsync(() -> accounts.verify(username, password)
                    ? Optional.of(issue(username))
                    : Optional.<String>empty(), executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Signs a token for a user: {@code sub} and {@code username} are the name, {@value Channels#CLAIM} the user's
     * channels (a JSON array, absent when the user has none); {@code iat} and {@code exp} are in seconds;
     * {@code iss} and {@code aud} as the server checks them (see {@link #issue(String, Map)}).
     *
     * @param username the name
     * @return the compact JWS
     */
    String issue(String username) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("username", username);
        List<String> userChannels = channels.getOrDefault(username, List.of());
        if (!userChannels.isEmpty()) {
            claims.put(Channels.CLAIM, userChannels);
        }
        return issue(username, claims);
    }

    /**
     * Renews a token this service issued: when it verifies (this key, HS256, a subject and an expiry, not expired:
     * {@code exp} plus the leeway still ahead, as the namespaces decide it; an accepted issuer and audience when
     * the server checks them), signs a new one for the same subject with the same other claims, a fresh
     * {@code iat} and {@code exp}, and this server's {@code iss} and {@code aud}. A token past its {@code exp} and
     * the leeway is never renewed: a client must renew before then.
     *
     * @param token the compact JWS to renew
     * @return the new token, or why there is none: {@value #EXPIRED} or {@value #INVALID}, never the token
     */
    Renewal renew(String token) {
        Objects.requireNonNull(token, "token");
        if (token.length() > MAX_TOKEN_LENGTH) {
            return Renewal.refused(INVALID);
        }
        Claims claims;
        try {
            Jws<Claims> jws = parser.parseSignedClaims(token);
            if (!ALGORITHM.equals(jws.getHeader().getAlgorithm())) {
                return Renewal.refused(INVALID);
            }
            claims = jws.getPayload();
        } catch (ExpiredJwtException e) {
            return Renewal.refused(EXPIRED);
        } catch (JwtException | IllegalArgumentException e) { // jjwt's messages may quote the token: dropped
            return Renewal.refused(INVALID);
        }
        String subject = claims.getSubject();
        if (subject == null || subject.isEmpty() || claims.getExpiration() == null) {
            return Renewal.refused(INVALID);
        }
        if (!clock.instant().isBefore(claims.getExpiration().toInstant().plus(verification.leeway()))) {
            return Renewal.refused(EXPIRED); // jjwt accepts exp + leeway itself; the library does not
        }
        if (!acceptedIssuerAndAudience(claims)) {
            return Renewal.refused(INVALID);
        }
        Map<String, Object> carried = new LinkedHashMap<>(claims);
        carried.keySet().removeAll(REGISTERED);
        return Renewal.issued(subject, issue(subject, carried));
    }

    /** Whether a token names an issuer and an audience the server accepts (any, for a check it does not make). */
    private boolean acceptedIssuerAndAudience(Claims token) {
        String issuer = token.getIssuer();
        if (!verification.issuers().isEmpty() && (issuer == null || !verification.issuers().contains(issuer))) {
            return false;
        }
        Set<String> audiences = token.getAudience();
        return verification.audiences().isEmpty() || (audiences != null
                && audiences.stream().anyMatch(a -> a != null && verification.audiences().contains(a)));
    }

    /**
     * Signs a token: {@code sub}, the other claims given, {@code iss} (the first accepted issuer) and {@code aud}
     * (the accepted audiences: a JSON string for one, an array for several) when the server checks them, then
     * {@code iat} and {@code exp} in seconds.
     */
    @SuppressWarnings("deprecation") // single(): a lone audience as a JSON string, as RFC 7519 §4.1.3 allows
    private String issue(String subject, Map<String, ?> other) {
        Instant now = clock.instant();
        JwtBuilder builder = Jwts.builder()
                .subject(subject)
                .claims(other);
        if (verification.issuer() != null) {
            builder.issuer(verification.issuer());
        }
        List<String> audiences = verification.audiences();
        if (audiences.size() == 1) {
            builder.audience().single(audiences.get(0));
        } else if (!audiences.isEmpty()) {
            builder.audience().add(audiences).and();
        }
        return builder
                .issuedAt(Date.from(now))
                .expiration(Date.from(now.plus(tokenTtl)))
                .signWith(key, Jwts.SIG.HS256)
                .compact();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /**
     * The outcome of {@link #renew}: a new token and its subject, or a short reason fit for the client.
     *
     * @param subject the subject of the renewed token, {@code null} when refused
     * @param token the new token, {@code null} when refused
     * @param error why the token was not renewed, {@code null} when renewed
     */
    record Renewal(String subject, String token, String error) {

        static Renewal issued(String subject, String token) {
            return new Renewal(subject, token, null);
        }

        static Renewal refused(String error) {
            return new Renewal(null, null, error);
        }

        /** @return whether a new token was issued */
        boolean renewed() {
            return token != null;
        }

        /** Never shows the token. */
        @Override
        public String toString() {
            return renewed() ? "Renewal{subject=" + subject + "}" : "Renewal{error=" + error + "}";
        }
    }
}
