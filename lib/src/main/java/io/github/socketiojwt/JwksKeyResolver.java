package io.github.socketiojwt;

import io.github.socketiojwt.internal.JwkSetParser;
import io.github.socketiojwt.internal.JwkSetParser.VerificationKey;
import io.github.socketiojwt.internal.RefreshLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link KeyResolver} that verifies tokens with the public keys of a JSON Web Key Set (RFC 7517) served at one
 * configured URL, as an OpenID Connect provider publishes at its {@code jwks_uri}.
 *
 * <pre>{@code
 * JwksKeyResolver jwks = JwksKeyResolver.builder(URI.create("https://login.example.com/.well-known/jwks.json"))
 *         .build();                 // never touches the network, never fails because the endpoint is down
 * jwks.refresh();                   // optional: warm the cache at start-up, without waiting for it
 *
 * SocketIoJwt.authorize(JwtAuthOptions.handshake()
 *         .keyResolver(jwks)
 *         .issuer("https://login.example.com/")
 *         .audience("chat")
 *         .build()).install(server);
 * }</pre>
 *
 * <h2>Caching</h2>
 * Keys are cached by {@code kid} for {@link Builder#cacheTtl(Duration) cacheTtl} (default 10 minutes) and refreshed
 * in the background when 80% of it has passed, so a warm cache answers at once with an already-completed stage and
 * never makes a handshake wait. A token whose {@code kid} is not in the cache triggers an immediate refresh;
 * concurrent requests share one fetch, and token-triggered refreshes are limited to
 * {@link Builder#maxRefreshesPerMinute(int) maxRefreshesPerMinute} (default 10) in any minute: beyond that, an
 * unknown {@code kid} is refused at once, without an HTTP request, so random {@code kid}s cannot turn this
 * resolver against the endpoint. Background and {@link #refresh()} fetches do not count against the limit.
 *
 * <h2>Outages</h2>
 * {@link Builder#build()} and {@link #resolve} never block on the network and never throw because of it: the
 * server starts while the endpoint is down, and tokens are refused until a fetch succeeds. After a failed refresh
 * the keys already held stay usable for {@link Builder#staleFallback(Duration) staleFallback} (default 1 hour)
 * past their expiry; then they are dropped and tokens are refused until the endpoint answers again. A refresh that
 * answers with anything but {@code 200} and a JWK set no larger than 1 MiB, or takes longer than
 * {@link Builder#requestTimeout(Duration) requestTimeout} (default 5 seconds), fails and keeps the keys held. A
 * JWK set that answers correctly replaces the cache, even when it is empty: a key removed from the set is refused
 * from the first refresh that no longer lists it.
 *
 * <h2>Which keys, which tokens</h2>
 * Only the configured URL is trusted: a token's {@code jku}, {@code x5u}, {@code x5c} and {@code jwk} headers are
 * never read, and the default HTTP client follows no redirect. Keys marked {@code "use":"enc"}, with {@code key_ops} lacking
 * {@code verify}, with private or secret members, of type {@code oct}, RSA keys below 2048 bits, unknown key types
 * and curves, and malformed keys are ignored, one by one (each key of the set must pass
 * {@link PublicKeys#fromJwk(String)}). A token is matched to a key by its {@code kid}; a token
 * without {@code kid} is matched only when the set holds exactly one usable key. A key that declares an
 * {@code alg} verifies only that algorithm. Only {@link #acceptedAlgorithms() asymmetric algorithms} are accepted:
 * an {@code HS256} token made with a public key's bytes as the HMAC secret is refused before any look-up.
 *
 * <p>What a token gets: the key; {@code null} (the library refuses with {@code invalid_secret}, "secret or public
 * key must be provided") when no key fits its {@code kid}, when it has no {@code kid} and the set does not hold
 * exactly one key, when two keys of the set fit equally, or when no keys are available; a stage failed with an
 * {@link UnauthorizedException} {@code invalid algorithm} when its {@code alg} is not asymmetric or not the one its
 * key declares.
 *
 * <h2>Threads</h2>
 * Instances are immutable in configuration and thread-safe. HTTP requests use the JDK {@link HttpClient}'s
 * asynchronous API, and its threads complete the stages of requests that waited for a fetch; background refreshes
 * are scheduled on one daemon thread per resolver, which {@link #close()} stops. Nothing runs on a Netty event
 * loop but an in-memory look-up. Fetch failures are logged at WARN (the URL without user info or query, and the
 * status code or exception type: never the body); everything else at DEBUG.
 */
public final class JwksKeyResolver implements KeyResolver, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JwksKeyResolver.class);

    /** The JWS algorithms a JWK set's public keys can verify. */
    private static final Set<String> ASYMMETRIC = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(
            "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")));

    /** The largest JWK set accepted, in bytes. */
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private static final Duration RATE_WINDOW = Duration.ofMinutes(1);
    private static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(1);
    private static final Duration MIN_SCHEDULE_DELAY = Duration.ofMillis(100);
    /** What the JDK client is given at most: it overflows on durations near {@code ChronoUnit.FOREVER}. */
    private static final Duration MAX_HTTP_TIMEOUT = Duration.ofDays(1);

    private final URI jwksUri;
    private final String displayUri;
    private final Duration cacheTtl;
    private final Duration requestTimeout;
    private final Duration staleFallback;
    private final Clock clock;
    private final HttpClient httpClient;
    private final RefreshLimiter limiter;
    private final ScheduledExecutorService scheduler;

    private final Object lock = new Object();
    private volatile Snapshot snapshot;
    private CompletableFuture<Snapshot> inFlight; // guarded by lock
    private ScheduledFuture<?> nextRefresh; // guarded by lock
    private boolean closed; // guarded by lock

    private JwksKeyResolver(Builder b) {
        this.jwksUri = b.jwksUri;
        this.displayUri = display(b.jwksUri);
        this.cacheTtl = b.cacheTtl;
        this.requestTimeout = b.requestTimeout.compareTo(MAX_HTTP_TIMEOUT) > 0 ? MAX_HTTP_TIMEOUT : b.requestTimeout;
        this.staleFallback = b.staleFallback;
        this.clock = b.clock;
        this.httpClient = b.httpClient != null ? b.httpClient : HttpClient.newBuilder()
                .connectTimeout(this.requestTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.limiter = new RefreshLimiter(b.maxRefreshesPerMinute, RATE_WINDOW, b.clock);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "socketio-jwt-jwks-refresh");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts configuring a resolver for the JWK set at a URL.
     *
     * @param jwksUri an absolute {@code https} (or {@code http}) URL; it is the only place keys are ever taken from
     * @return a builder
     * @throws IllegalArgumentException if the URI is not an absolute {@code http} or {@code https} URL with a host
     */
    public static Builder builder(URI jwksUri) {
        Objects.requireNonNull(jwksUri, "jwksUri");
        String scheme = jwksUri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"))) {
            throw new IllegalArgumentException("jwksUri: scheme " + scheme + " (expected: an http or https URI)");
        }
        if (jwksUri.getHost() == null || jwksUri.getHost().isEmpty()) {
            throw new IllegalArgumentException("jwksUri: no host (expected: an absolute http or https URI with a"
                    + " host)");
        }
        try {
            HttpRequest.newBuilder(jwksUri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("jwksUri: refused by the JDK HTTP client (expected: an absolute http or"
                    + " https URI with a host)");
        }
        return new Builder(jwksUri);
    }

    /**
     * Finds the public key that verifies a token: at once from the cache when its {@code kid} is known, else after
     * one shared, rate-limited refresh. Never blocks.
     *
     * @param request the token's header (its {@code alg} and {@code kid} are read; nothing else is)
     * @return a stage completing with the key, with {@code null} when no key fits, or failed with an
     *         {@link UnauthorizedException} {@code invalid algorithm}
     */
    @Override
    public CompletionStage<PublicKey> resolve(KeyRequest request) {
        Objects.requireNonNull(request, "request");
        Object alg = request.header().get("alg");
        if (!(alg instanceof String) || !ASYMMETRIC.contains(alg)) {
            // Reached only when this resolver is wrapped: the library checks acceptedAlgorithms() first.
            return invalidAlgorithm();
        }
        Object kid = request.header().get("kid");
        if (kid != null && !(kid instanceof String)) {
            return CompletableFuture.completedFuture(null);
        }
        return resolve((String) kid, (String) alg);
    }

    /**
     * The asymmetric JWS algorithms, which the library checks before calling {@link #resolve}: {@code RS256},
     * {@code RS384}, {@code RS512}, {@code PS256}, {@code PS384}, {@code PS512}, {@code ES256}, {@code ES384},
     * {@code ES512} and {@code EdDSA}. An {@code HS*} token never reaches the key set.
     *
     * @return an unmodifiable set
     */
    @Override
    public Set<String> acceptedAlgorithms() {
        return ASYMMETRIC;
    }

    /**
     * Fetches the JWK set now, or joins the fetch already under way; it does not count against
     * {@code maxRefreshesPerMinute}. Call it at start-up to warm the cache, or to pick up a rotation at once.
     *
     * @return a stage completing when a JWK set was fetched and replaced the cache, or failed with an
     *         {@link IOException} (the keys held are kept), or with an {@link IllegalStateException} once closed
     */
    public CompletionStage<Void> refresh() {
        CompletableFuture<Snapshot> fetch = fetch(false);
        return fetch.thenApply(fresh -> (Void) null);
    }

    /**
     * Stops background refreshes and fetches nothing more. The keys already held keep answering until they run
     * out ({@code cacheTtl} plus {@code staleFallback}). Idempotent.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (nextRefresh != null) {
                nextRefresh.cancel(false);
            }
        }
        scheduler.shutdownNow();
    }

    @Override
    public String toString() {
        return "JwksKeyResolver[" + displayUri + "]";
    }

    private CompletableFuture<PublicKey> resolve(String kid, String alg) {
        Snapshot current = snapshot;
        Instant now = clock.instant();
        if (current != null && current.usableAt(now)) {
            if (!current.freshAt(now)) {
                fetch(true); // stale: answer from what is held, refresh in the background
            }
            if (current.knows(kid)) {
                return current.answer(kid, alg);
            }
            log.debug("Unknown kid: refreshing the JWKS from {}", displayUri);
        }
        CompletableFuture<Snapshot> refreshed = fetch(true);
        if (refreshed == null) {
            log.debug("No key for the token, and no refresh allowed (rate limited or closed): refused without a fetch");
            return CompletableFuture.completedFuture(null);
        }
        return refreshed.handle((fresh, error) -> fresh)
                .thenCompose(fresh -> fresh == null ? fallback(kid, alg) : fresh.answer(kid, alg));
    }

    /** After a failed fetch: what is still held, if anything. */
    private CompletableFuture<PublicKey> fallback(String kid, String alg) {
        Snapshot held = snapshot;
        if (held != null && held.usableAt(clock.instant()) && held.knows(kid)) {
            return held.answer(kid, alg);
        }
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Joins the fetch under way, or starts one.
     *
     * @param budgeted whether a new fetch counts against the rate limit
     * @return the fetch; {@code null} when a budgeted fetch is refused by the limit or the resolver is closed
     */
    private CompletableFuture<Snapshot> fetch(boolean budgeted) {
        CompletableFuture<Snapshot> started;
        synchronized (lock) {
            if (inFlight != null) {
                return inFlight;
            }
            if (closed) {
                return budgeted ? null : CompletableFuture.failedFuture(new IllegalStateException("closed"));
            }
            if (budgeted && !limiter.tryAcquire()) {
                return null;
            }
            started = new CompletableFuture<>();
            inFlight = started;
        }
        send(started);
        return started;
    }

    private void send(CompletableFuture<Snapshot> started) {
        CompletableFuture<HttpResponse<byte[]>> response;
        try {
            HttpRequest request = HttpRequest.newBuilder(jwksUri)
                    .timeout(requestTimeout)
                    .header("Accept", "application/jwk-set+json, application/json")
                    .GET()
                    .build();
            response = httpClient.sendAsync(request, JwksKeyResolver::limitedBody);
        } catch (RuntimeException e) {
            finish(started, null, e);
            return;
        }
        // The request's own timeout covers the headers; this one also covers a body that trickles.
        CompletableFuture<HttpResponse<byte[]>> deadline = new CompletableFuture<>();
        response.whenComplete((value, error) -> {
            if (error == null) {
                deadline.complete(value);
            } else {
                deadline.completeExceptionally(error);
            }
        });
        deadline.orTimeout(millis(requestTimeout), TimeUnit.MILLISECONDS).whenComplete((value, error) -> {
            if (error != null) {
                response.cancel(true);
            }
            finish(started, value, error);
        });
    }

    private void finish(CompletableFuture<Snapshot> started, HttpResponse<byte[]> response, Throwable error) {
        Snapshot fresh = null;
        Throwable failure = null;
        try {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                if (cause instanceof BodyTooLarge) {
                    log.warn("Fetching the JWKS from {} failed: the body is larger than {} bytes", displayUri,
                            MAX_BODY_BYTES);
                    failure = new IOException("JWKS fetch failed: the body is larger than " + MAX_BODY_BYTES
                            + " bytes");
                } else {
                    log.warn("Fetching the JWKS from {} failed: {}", displayUri, cause.getClass().getName());
                    failure = new IOException("JWKS fetch failed: " + cause.getClass().getName(), cause);
                }
            } else if (response.statusCode() != 200) {
                log.warn("Fetching the JWKS from {} failed: HTTP {}", displayUri, response.statusCode());
                failure = new IOException("JWKS fetch failed: HTTP " + response.statusCode());
            } else {
                List<VerificationKey> keys = JwkSetParser.parse(new String(response.body(), StandardCharsets.UTF_8));
                fresh = new Snapshot(keys, clock.instant(), cacheTtl, staleFallback);
                if (keys.isEmpty()) {
                    log.warn("The JWKS at {} holds no usable key: every token will be refused", displayUri);
                } else {
                    log.debug("Fetched the JWKS from {}: {} usable keys", displayUri, keys.size());
                }
            }
        } catch (IllegalArgumentException e) {
            log.warn("Fetching the JWKS from {} failed: the body is not a JWK set", displayUri);
            failure = new IOException("JWKS fetch failed: the body is not a JWK set");
        } catch (RuntimeException e) {
            log.warn("Fetching the JWKS from {} failed: {}", displayUri, e.getClass().getName());
            failure = new IOException("JWKS fetch failed: " + e.getClass().getName(), e);
        }
        synchronized (lock) {
            if (fresh != null) {
                snapshot = fresh;
            }
            inFlight = null;
            scheduleLocked(fresh != null ? refreshDelay() : retryDelay());
        }
        if (fresh != null) {
            started.complete(fresh);
        } else {
            started.completeExceptionally(failure);
        }
    }

    private void scheduleLocked(Duration delay) {
        if (closed) {
            return;
        }
        if (nextRefresh != null) {
            nextRefresh.cancel(false);
        }
        nextRefresh = scheduler.schedule(() -> {
            fetch(false);
        }, millis(delay), TimeUnit.MILLISECONDS);
    }

    /** A refresh before expiry: when 80% of the time to live has passed. */
    private Duration refreshDelay() {
        return atLeast(cacheTtl.minus(cacheTtl.dividedBy(5)));
    }

    /** A retry after a failure: a fifth of the time to live, at most a minute. */
    private Duration retryDelay() {
        Duration fifth = cacheTtl.dividedBy(5);
        return atLeast(fifth.compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : fifth);
    }

    private static Duration atLeast(Duration delay) {
        return delay.compareTo(MIN_SCHEDULE_DELAY) < 0 ? MIN_SCHEDULE_DELAY : delay;
    }

    private static long millis(Duration duration) {
        try {
            return duration.toMillis();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    private static Instant plus(Instant instant, Duration duration) {
        try {
            return instant.plus(duration);
        } catch (DateTimeException | ArithmeticException tooLate) {
            return Instant.MAX;
        }
    }

    private static <T> CompletableFuture<T> invalidAlgorithm() {
        return CompletableFuture.failedFuture(new UnauthorizedException(ErrorCode.INVALID_ALGORITHM,
                "invalid algorithm"));
    }

    /** The URL for logs: scheme, host, port and path; never user info or query, which may hold credentials. */
    private static String display(URI uri) {
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost()
                + (uri.getPort() >= 0 ? ":" + uri.getPort() : "") + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    /**
     * Reads a 200 response's body up to {@link #MAX_BODY_BYTES}, and fails as soon as it is known to be larger;
     * any other response's body is not read (its status is enough).
     */
    private static HttpResponse.BodySubscriber<byte[]> limitedBody(HttpResponse.ResponseInfo info) {
        if (info.statusCode() != 200) {
            return new LimitedBody(-1);
        }
        long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1L);
        return new LimitedBody(declared > MAX_BODY_BYTES ? 0 : MAX_BODY_BYTES);
    }

    /** A body over {@link #MAX_BODY_BYTES}; expected, so without a stack trace. */
    private static final class BodyTooLarge extends IOException {

        private static final long serialVersionUID = 1L;

        BodyTooLarge() {
            super("JWKS body larger than " + MAX_BODY_BYTES + " bytes", null);
            setStackTrace(new StackTraceElement[0]);
        }
    }

    /**
     * Collects a body of at most {@code limit} bytes. A limit of 0 fails at once (the declared length is too
     * large); a negative limit reads nothing and completes with {@code null}.
     */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {

        private final int limit;
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        LimitedBody(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            if (limit < 0) {
                subscription.cancel();
                body.complete(null);
            } else if (limit == 0) {
                subscription.cancel();
                body.completeExceptionally(new BodyTooLarge());
            } else {
                subscription.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (body.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                if (buffer.size() + (long) item.remaining() > limit) {
                    subscription.cancel();
                    body.completeExceptionally(new BodyTooLarge());
                    return;
                }
                byte[] bytes = new byte[item.remaining()];
                item.get(bytes);
                buffer.write(bytes, 0, bytes.length);
            }
        }

        @Override
        public void onError(Throwable error) {
            body.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            body.complete(buffer.toByteArray());
        }
    }

    /** The keys of one successful fetch, by {@code kid}, with the instants they expire and run out. */
    private static final class Snapshot {

        private final List<VerificationKey> keys;
        private final Map<String, List<VerificationKey>> byKid;
        private final Instant freshUntil;
        private final Instant usableUntil;

        Snapshot(List<VerificationKey> keys, Instant fetchedAt, Duration ttl, Duration staleFallback) {
            this.keys = keys;
            Map<String, List<VerificationKey>> index = new HashMap<>();
            for (VerificationKey key : keys) {
                if (key.keyId() != null) {
                    index.computeIfAbsent(key.keyId(), kid -> new ArrayList<>(1)).add(key);
                }
            }
            this.byKid = index;
            this.freshUntil = plus(fetchedAt, ttl);
            this.usableUntil = plus(freshUntil, staleFallback);
        }

        boolean freshAt(Instant now) {
            return now.isBefore(freshUntil);
        }

        boolean usableAt(Instant now) {
            return now.isBefore(usableUntil);
        }

        /** Whether a refresh could not help: the kid is held, or there is none to look for. */
        boolean knows(String kid) {
            return kid == null || byKid.containsKey(kid);
        }

        CompletableFuture<PublicKey> answer(String kid, String alg) {
            List<VerificationKey> candidates = kid != null ? byKid.getOrDefault(kid, List.of())
                    : keys.size() == 1 ? keys : List.of();
            if (candidates.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            PublicKey match = null;
            int matches = 0;
            for (VerificationKey candidate : candidates) {
                if (candidate.algorithms().contains(alg)) {
                    match = candidate.key();
                    matches++;
                }
            }
            if (matches == 0) {
                return invalidAlgorithm();
            }
            if (matches > 1) {
                log.debug("Two keys of the JWKS fit the token's kid and alg: refused");
                return CompletableFuture.completedFuture(null);
            }
            return CompletableFuture.completedFuture(match);
        }
    }

    /**
     * Builds a {@link JwksKeyResolver}. Not thread-safe; {@link #build()} may be called more than once, and each
     * resolver it builds has its own cache.
     */
    public static final class Builder {

        private final URI jwksUri;
        private Duration cacheTtl = Duration.ofMinutes(10);
        private Duration requestTimeout = Duration.ofSeconds(5);
        private int maxRefreshesPerMinute = 10;
        private Duration staleFallback = Duration.ofHours(1);
        private Clock clock = Clock.systemUTC();
        private HttpClient httpClient;

        private Builder(URI jwksUri) {
            this.jwksUri = jwksUri;
        }

        /**
         * How long fetched keys count as fresh (default 10 minutes). They are refreshed in the background when 80%
         * of it has passed; a key removed from the set stops being accepted at the first refresh that no longer
         * lists it.
         *
         * @param ttl a positive duration
         * @return this builder
         */
        public Builder cacheTtl(Duration ttl) {
            this.cacheTtl = positive(ttl, "cacheTtl");
            return this;
        }

        /**
         * The longest a fetch may take, connection included (default 5 seconds). Keep it below the authorizer's
         * {@code resolutionTimeout}, so that a slow endpoint ends in a refused token rather than a timed-out one.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /**
         * The most refreshes that tokens may trigger in any minute, by unknown {@code kid}s or an expired cache
         * (default 10). Past it, such tokens are answered from the cache, without an HTTP request.
         *
         * @param max at least 1
         * @return this builder
         */
        public Builder maxRefreshesPerMinute(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxRefreshesPerMinute: " + max + " (expected: >= 1)");
            }
            this.maxRefreshesPerMinute = max;
            return this;
        }

        /**
         * How long keys stay usable after they expire while refreshes fail (default 1 hour): an outage of the
         * endpoint shorter than this does not refuse anyone. Zero drops keys as soon as they expire; a longer
         * window keeps a key removed from the set (a compromised key, say) accepted for longer if the endpoint is
         * unreachable.
         *
         * @param fallback zero or more
         * @return this builder
         */
        public Builder staleFallback(Duration fallback) {
            Objects.requireNonNull(fallback, "staleFallback");
            if (fallback.isNegative()) {
                throw new IllegalArgumentException("staleFallback: " + fallback + " (expected: >= PT0S)");
            }
            this.staleFallback = fallback;
            return this;
        }

        /**
         * The clock that cache expiry and the refresh limit are measured on (default the system UTC clock).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The HTTP client (default a JDK client with {@code requestTimeout} as connect timeout, following no
         * redirect). A client of yours sets its own proxy, TLS and redirect policy; every request still carries
         * {@code requestTimeout}.
         *
         * @param client the client
         * @return this builder
         */
        public Builder httpClient(HttpClient client) {
            this.httpClient = Objects.requireNonNull(client, "httpClient");
            return this;
        }

        /**
         * Builds the resolver. Touches no network: the first token, or {@link JwksKeyResolver#refresh()}, fetches
         * the set.
         *
         * @return a new resolver, with its own cache and refresh thread
         */
        public JwksKeyResolver build() {
            return new JwksKeyResolver(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: > PT0S)");
            }
            return value;
        }
    }
}
