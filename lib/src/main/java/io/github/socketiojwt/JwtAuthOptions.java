package io.github.socketiojwt;

import io.github.socketiojwt.internal.KeyAlgorithms;

import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Immutable, validated options of one {@link JwtAuthorizer}: the mode, the key, and socketio-jwt's options.
 *
 * <p>Start from {@link #handshake()} (one round trip) or {@link #authenticate()} (two round trips), set a key,
 * and {@link Builder#build() build}. Every value is checked once, at build time: a weak HMAC secret, a missing key
 * or a conflicting setting fails there, with a message that says what was expected, and never prints the secret.
 *
 * <pre>{@code
 * // One round trip: the token comes with the connection.
 * JwtAuthOptions handshake = JwtAuthOptions.handshake()
 *         .secret(System.getenv("JWT_SECRET"))        // at least 32 bytes for HS256 (RFC 7518 §3.2)
 *         .build();
 *
 * // Two round trips: connect, then emit('authenticate', {token}) within 5 seconds.
 * JwtAuthOptions twoStep = JwtAuthOptions.authenticate()
 *         .secret(System.getenv("JWT_SECRET"))
 *         .timeout(Duration.ofSeconds(5))
 *         .build();
 * }</pre>
 *
 * <table>
 *   <caption>socketio-jwt option → builder method</caption>
 *   <tr><td>{@code secret: 'string'}</td><td>{@link Builder#secret(String)}, {@link Builder#secret(byte[])},
 *       {@link Builder#secret(Key)}</td></tr>
 *   <tr><td>{@code secret: function}</td><td>{@link Builder#keyResolver(KeyResolver)}</td></tr>
 *   <tr><td>{@code handshake: true / false}</td><td>{@link #handshake()} / {@link #authenticate()}</td></tr>
 *   <tr><td>{@code timeout}, {@code required}</td><td>{@link Builder#timeout(Duration)},
 *       {@link Builder#required(boolean)}</td></tr>
 *   <tr><td>{@code callback}</td><td>{@link Builder#unauthorizedGracePeriod(Duration)} (bounded)</td></tr>
 *   <tr><td>{@code auth_header_required}</td><td>{@link Builder#authHeaderRequired(boolean)}</td></tr>
 *   <tr><td>{@code additional_auth}, {@code customDecoded}</td><td>{@link Builder#validator(AuthenticationValidator)}</td></tr>
 *   <tr><td>{@code decodedPropertyName}, {@code encodedPropertyName}</td><td>same names</td></tr>
 *   <tr><td>{@code success}, {@code fail}</td><td>{@link Builder#listener(AuthenticationListener)}</td></tr>
 *   <tr><td>{@code algorithms}, {@code clockTolerance}</td><td>{@link Builder#algorithms(String...)},
 *       {@link Builder#leeway(Duration)}</td></tr>
 * </table>
 */
public final class JwtAuthOptions {

    private final AuthMode mode;
    private final Key key;
    private final KeyResolver keyResolver;
    private final boolean weakHmacAllowed;
    private final Set<String> algorithms;
    private final Duration timeout;
    private final boolean required;
    private final Duration unauthorizedGracePeriod;
    private final boolean authHeaderRequired;
    private final boolean queryTokenAllowed;
    private final String decodedPropertyName;
    private final String encodedPropertyName;
    private final AuthenticationValidator validator;
    private final AuthenticationListener listener;
    private final Clock clock;
    private final Duration leeway;
    private final Duration resolutionTimeout;
    private final int maxTokenLength;
    private final boolean detailedErrorCodes;
    private final List<String> issuers;
    private final List<String> audiences;
    private final String subject;
    private final Set<String> requiredClaims;
    private final Duration maxAge;
    private final RevocationCheck revocationCheck;
    private final boolean subjectChangeAllowed;
    private final Deauthentication onExpiry;
    private final boolean expirationRequired;
    private final AccessRules accessRules;
    private final int verifiedTokenCacheSize;
    private final Set<String> unauthenticatedEvents;

    private JwtAuthOptions(Builder b) {
        this.mode = b.mode;
        this.key = b.key;
        this.keyResolver = b.keyResolver;
        this.weakHmacAllowed = b.weakHmacAllowed;
        this.algorithms = Collections.unmodifiableSet(new LinkedHashSet<>(b.algorithms));
        this.timeout = b.timeout;
        this.required = b.required;
        this.unauthorizedGracePeriod = b.unauthorizedGracePeriod;
        this.authHeaderRequired = b.authHeaderRequired;
        this.queryTokenAllowed = b.queryTokenAllowed;
        this.decodedPropertyName = b.decodedPropertyName;
        this.encodedPropertyName = b.encodedPropertyName;
        this.validator = b.validator;
        this.listener = b.listener;
        this.clock = b.clock;
        this.leeway = b.leeway;
        this.resolutionTimeout = b.resolutionTimeout;
        this.maxTokenLength = b.maxTokenLength;
        this.detailedErrorCodes = b.detailedErrorCodes;
        this.issuers = List.copyOf(b.issuers);
        this.audiences = List.copyOf(b.audiences);
        this.subject = b.subject;
        Set<String> required = new LinkedHashSet<>(b.requiredClaims);
        if (b.expirationRequired) {
            required.add("exp");
        }
        this.requiredClaims = Collections.unmodifiableSet(required);
        this.expirationRequired = b.expirationRequired;
        this.accessRules = b.accessRules;
        this.verifiedTokenCacheSize = b.verifiedTokenCacheSize;
        this.unauthenticatedEvents = Collections.unmodifiableSet(new LinkedHashSet<>(b.unauthenticatedEvents));
        this.maxAge = b.maxAge;
        this.revocationCheck = b.revocationCheck;
        this.subjectChangeAllowed = b.subjectChangeAllowed;
        this.onExpiry = b.onExpiry;
    }

    /**
     * Options for handshake mode: the token comes with the connection, and a bad one never becomes a connected
     * socket.
     *
     * @return a builder
     */
    public static Builder handshake() {
        return new Builder(AuthMode.HANDSHAKE);
    }

    /**
     * Options for authenticate mode: the socket connects in quarantine and must emit {@code authenticate {token}}.
     *
     * @return a builder
     */
    public static Builder authenticate() {
        return new Builder(AuthMode.AUTHENTICATE);
    }

    /**
     * Options for a mode chosen at run time, for example from configuration.
     *
     * @param mode the mode
     * @return a builder
     */
    public static Builder builder(AuthMode mode) {
        return new Builder(Objects.requireNonNull(mode, "mode"));
    }

    /** @return the mode */
    public AuthMode mode() {
        return mode;
    }

    /** @return the static key, or {@code null} when a {@link KeyResolver} is used */
    public Key key() {
        return key;
    }

    /** @return the key resolver, or {@code null} when a static key is used */
    public KeyResolver keyResolver() {
        return keyResolver;
    }

    /** @return whether HMAC keys shorter than RFC 7518 §3.2 requires are accepted */
    public boolean weakHmacAllowed() {
        return weakHmacAllowed;
    }

    /** @return the algorithms accepted, empty when they follow from the key alone */
    public Set<String> algorithms() {
        return algorithms;
    }

    /** @return the time a socket has to authenticate (authenticate mode) */
    public Duration timeout() {
        return timeout;
    }

    /** @return whether a socket that does not authenticate in time is disconnected (authenticate mode) */
    public boolean required() {
        return required;
    }

    /** @return the time between {@code unauthorized} and the disconnect when the client does not ack */
    public Duration unauthorizedGracePeriod() {
        return unauthorizedGracePeriod;
    }

    /** @return whether only the {@code Authorization: Bearer} header is accepted (handshake mode) */
    public boolean authHeaderRequired() {
        return authHeaderRequired;
    }

    /** @return whether a {@code ?token=} query parameter is accepted (handshake mode) */
    public boolean queryTokenAllowed() {
        return queryTokenAllowed;
    }

    /** @return the client store key of the decoded claims */
    public String decodedPropertyName() {
        return decodedPropertyName;
    }

    /** @return the client store key of the encoded token */
    public String encodedPropertyName() {
        return encodedPropertyName;
    }

    /** @return the extra validation, {@link AuthenticationValidator#NONE} by default */
    public AuthenticationValidator validator() {
        return validator;
    }

    /** @return the outcome hooks, {@link AuthenticationListener#NONE} by default */
    public AuthenticationListener listener() {
        return listener;
    }

    /** @return the clock that {@code exp} and {@code nbf} are checked against */
    public Clock clock() {
        return clock;
    }

    /** @return the clock skew tolerated on {@code exp} and {@code nbf} */
    public Duration leeway() {
        return leeway;
    }

    /** @return the time a key resolver or validator may take before the socket is refused */
    public Duration resolutionTimeout() {
        return resolutionTimeout;
    }

    /** @return the longest token accepted, in characters */
    public int maxTokenLength() {
        return maxTokenLength;
    }

    /** @return whether clients receive detailed codes ({@code token_expired}) instead of socketio-jwt's */
    public boolean detailedErrorCodes() {
        return detailedErrorCodes;
    }

    /** @return the accepted issuers ({@code iss}), empty when any issuer is accepted */
    public List<String> issuers() {
        return issuers;
    }

    /** @return the accepted audiences ({@code aud}), empty when any audience is accepted */
    public List<String> audiences() {
        return audiences;
    }

    /** @return the required subject ({@code sub}), or {@code null} */
    public String subject() {
        return subject;
    }

    /** @return what authenticated sockets may do: events and rooms ({@link AccessRules#NONE} by default) */
    public AccessRules accessRules() {
        return accessRules;
    }

    /** @return how many verified tokens are remembered (static keys only); 0 when the cache is off */
    public int verifiedTokenCacheSize() {
        return verifiedTokenCacheSize;
    }

    /** @return whether tokens without {@code exp} are refused */
    public boolean expirationRequired() {
        return expirationRequired;
    }

    /** @return the events a quarantined socket may send to the application (authenticate mode) */
    public Set<String> unauthenticatedEvents() {
        return unauthenticatedEvents;
    }

    /** @return the claims every token must carry ({@code exp} included when {@link #expirationRequired()}) */
    public Set<String> requiredClaims() {
        return requiredClaims;
    }

    /** @return the longest time since {@code iat} a token is accepted, or {@code null} for no limit */
    public Duration maxAge() {
        return maxAge;
    }

    /** @return what happens to a connected socket when its token expires */
    public Deauthentication onExpiry() {
        return onExpiry;
    }

    /** @return whether a renewal may switch the socket to another subject */
    public boolean subjectChangeAllowed() {
        return subjectChangeAllowed;
    }

    /** @return the revocation check, {@link RevocationCheck#NONE} by default */
    public RevocationCheck revocationCheck() {
        return revocationCheck;
    }

    /**
     * Builds {@link JwtAuthOptions}. Not thread-safe; {@link #build()} may be called more than once.
     */
    public static final class Builder {

        private static final Set<String> RESERVED_EVENTS = Set.of("authenticate", "authenticated", "unauthorized",
                "connect", "connect_error", "disconnect", "disconnecting", "error", "newListener", "removeListener");

        private final AuthMode mode;
        private Key key;
        private KeyResolver keyResolver;
        private boolean weakHmacAllowed;
        private Set<String> algorithms = new LinkedHashSet<>();
        private Duration timeout = Duration.ofSeconds(5);
        private boolean required = true;
        private Duration unauthorizedGracePeriod = Duration.ofMillis(500);
        private boolean authHeaderRequired;
        private boolean queryTokenAllowed = true;
        private String decodedPropertyName = "decoded_token";
        private String encodedPropertyName = "encoded_token";
        private AuthenticationValidator validator = AuthenticationValidator.NONE;
        private AuthenticationListener listener = AuthenticationListener.NONE;
        private Clock clock = Clock.systemUTC();
        private Duration leeway = Duration.ZERO;
        private Duration resolutionTimeout = Duration.ofSeconds(5);
        private int maxTokenLength = 8192;
        private boolean detailedErrorCodes;
        private List<String> issuers = new ArrayList<>();
        private List<String> audiences = new ArrayList<>();
        private String subject;
        private Set<String> requiredClaims = new LinkedHashSet<>();
        private Duration maxAge;
        private RevocationCheck revocationCheck = RevocationCheck.NONE;
        private boolean subjectChangeAllowed;
        private Deauthentication onExpiry = Deauthentication.DISCONNECT;
        private boolean expirationRequired;
        private AccessRules accessRules = AccessRules.NONE;
        private int verifiedTokenCacheSize = 10_000;
        private Set<String> unauthenticatedEvents = new LinkedHashSet<>();

        private Builder(AuthMode mode) {
            this.mode = mode;
        }

        /**
         * A static HMAC secret, as UTF-8 bytes (socketio-jwt's string secret). It must be at least 32 bytes for
         * HS256 (RFC 7518 §3.2). A base64-encoded secret must be decoded first: use {@link #secret(byte[])}.
         *
         * @param secret the secret
         * @return this builder
         */
        public Builder secret(String secret) {
            Objects.requireNonNull(secret, "secret");
            return secret(secret.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * A static HMAC secret.
         *
         * @param secret the secret bytes; copied
         * @return this builder
         */
        public Builder secret(byte[] secret) {
            Objects.requireNonNull(secret, "secret");
            if (secret.length == 0) {
                throw new IllegalArgumentException("secret: empty (expected: at least 32 bytes for HS256)");
            }
            return secret(new SecretKeySpec(Arrays.copyOf(secret, secret.length), "HmacSHA256"));
        }

        /**
         * A static key: a {@link SecretKey} for HMAC, or a {@code PublicKey} (RSA, EC, EdDSA). The accepted
         * algorithms follow from the key.
         *
         * @param key the key
         * @return this builder
         */
        public Builder secret(Key key) {
            this.key = Objects.requireNonNull(key, "key");
            return this;
        }

        /**
         * A static public key (RSA ≥ 2048 bits, EC P-256/P-384/P-521, EdDSA), for example from
         * {@link PublicKeys#fromPem(java.nio.file.Path)}: only the asymmetric algorithms of that key are accepted,
         * so an HMAC token forged with the public key is refused ({@code "invalid algorithm"}).
         *
         * @param key the public key
         * @return this builder
         */
        public Builder publicKey(java.security.PublicKey key) {
            return secret(Objects.requireNonNull(key, "key"));
        }

        /**
         * Verifies with the keys of a JWKS endpoint, with {@link JwksKeyResolver}'s defaults (cache 10 min, at most
         * 10 refreshes a minute, 5 s request time-out, stale keys kept 1 h); build a {@link JwksKeyResolver}
         * yourself and pass it to {@link #keyResolver(KeyResolver)} to change them.
         *
         * @param jwksUri the http(s) address of the key set
         * @return this builder
         */
        public Builder jwksUri(java.net.URI jwksUri) {
            return keyResolver(JwksKeyResolver.builder(jwksUri).build());
        }

        /**
         * Resolves a key per token at run time (socketio-jwt's secret function).
         *
         * @param resolver the resolver
         * @return this builder
         */
        public Builder keyResolver(KeyResolver resolver) {
            this.keyResolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * INSECURE: accept HMAC secrets shorter than RFC 7518 §3.2 requires (256 bits for HS256), so that tokens
         * signed by a Node server with a short legacy secret still verify during a migration. A short secret can
         * be brute-forced offline from any token: rotate it and remove this call.
         *
         * @return this builder
         */
        public Builder insecurelyAllowWeakHmacSecret() {
            this.weakHmacAllowed = true;
            return this;
        }

        /**
         * Restricts the accepted algorithms further than the key does (jsonwebtoken's {@code algorithms}).
         *
         * @param names JWA names such as {@code "HS256"}, {@code "RS256"}; {@code "none"} is refused
         * @return this builder
         */
        public Builder algorithms(String... names) {
            Set<String> set = new LinkedHashSet<>();
            for (String name : names) {
                Objects.requireNonNull(name, "algorithm");
                if (name.toLowerCase(Locale.ROOT).equals("none")) {
                    throw new IllegalArgumentException("algorithms: none (expected: a signing algorithm; unsigned"
                            + " tokens are never accepted)");
                }
                if (!KeyAlgorithms.isKnown(name)) {
                    throw new IllegalArgumentException("algorithms: " + name + " (expected one of "
                            + KeyAlgorithms.KNOWN + ")");
                }
                set.add(name);
            }
            this.algorithms = set;
            return this;
        }

        /**
         * The time a socket has to emit {@code authenticate} after it connects to the namespace (authenticate
         * mode; default 5 s).
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = positive(timeout, "timeout");
            return this;
        }

        /**
         * Whether a socket that does not authenticate within the timeout is disconnected (authenticate mode;
         * default true). When false no timer is set and the socket stays quarantined until it authenticates.
         *
         * @param required whether authentication is required in time
         * @return this builder
         */
        public Builder required(boolean required) {
            this.required = required;
            return this;
        }

        /**
         * How long the server waits for the client to acknowledge {@code unauthorized} before it disconnects the
         * socket (default 500 ms). socketio-jwt waits forever by default; this library never does.
         *
         * @param grace a duration, zero or more
         * @return this builder
         */
        public Builder unauthorizedGracePeriod(Duration grace) {
            Objects.requireNonNull(grace, "grace");
            if (grace.isNegative()) {
                throw new IllegalArgumentException("unauthorizedGracePeriod: " + grace + " (expected: >= PT0S)");
            }
            this.unauthorizedGracePeriod = grace;
            return this;
        }

        /**
         * Accept the token only from the {@code Authorization: Bearer} header (handshake mode). A query or
         * {@code auth} token never overrides this.
         *
         * @param required whether the header is required
         * @return this builder
         */
        public Builder authHeaderRequired(boolean required) {
            this.authHeaderRequired = required;
            return this;
        }

        /**
         * Whether the {@code ?token=} query parameter is accepted (handshake mode; default true, since
         * socketio-jwt clients use it). Tokens in URLs leak through logs, history and proxies (RFC 6750 §2.3,
         * §5.3): prefer the v4 {@code auth} payload or the header, and turn this off when you can.
         *
         * @param allowed whether query tokens are accepted
         * @return this builder
         */
        public Builder queryTokenAllowed(boolean allowed) {
            this.queryTokenAllowed = allowed;
            return this;
        }

        /**
         * The client store key of the decoded claims (default {@code decoded_token}).
         *
         * @param name a non-blank key
         * @return this builder
         */
        public Builder decodedPropertyName(String name) {
            this.decodedPropertyName = text(name, "decodedPropertyName");
            return this;
        }

        /**
         * The client store key of the encoded token (default {@code encoded_token}).
         *
         * @param name a non-blank key
         * @return this builder
         */
        public Builder encodedPropertyName(String name) {
            this.encodedPropertyName = text(name, "encodedPropertyName");
            return this;
        }

        /**
         * Extra validation after the token verified, which may attach an application object.
         *
         * @param validator the validator
         * @return this builder
         */
        public Builder validator(AuthenticationValidator validator) {
            this.validator = Objects.requireNonNull(validator, "validator");
            return this;
        }

        /**
         * Hooks for authentication outcomes.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(AuthenticationListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * The clock that {@code exp} and {@code nbf} are checked against (default the system UTC clock).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Clock skew tolerated on {@code exp}, {@code nbf} and {@code maxAge} (jsonwebtoken's {@code clockTolerance};
         * default 0), to the millisecond: a token is refused from {@code ceil(exp + leeway)} seconds on, and a
         * connected socket's rights end at that same time.
         *
         * @param leeway a duration, zero or more
         * @return this builder
         */
        public Builder leeway(Duration leeway) {
            Objects.requireNonNull(leeway, "leeway");
            if (leeway.isNegative()) {
                throw new IllegalArgumentException("leeway: " + leeway + " (expected: >= PT0S)");
            }
            this.leeway = leeway;
            return this;
        }

        /**
         * The time a key resolver or a validator may take before the socket is refused (default 5 s).
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder resolutionTimeout(Duration timeout) {
            this.resolutionTimeout = positive(timeout, "resolutionTimeout");
            return this;
        }

        /**
         * The longest token accepted, in characters (default 8192); longer ones are refused before parsing.
         *
         * @param length the length, at least 16
         * @return this builder
         */
        public Builder maxTokenLength(int length) {
            if (length < 16) {
                throw new IllegalArgumentException("maxTokenLength: " + length + " (expected: >= 16)");
            }
            this.maxTokenLength = length;
            return this;
        }

        /**
         * Send detailed codes such as {@code token_expired} to clients instead of socketio-jwt's
         * {@code invalid_token} (default false: existing clients expect socketio-jwt's codes).
         *
         * @param detailed whether to send detailed codes
         * @return this builder
         */
        public Builder detailedErrorCodes(boolean detailed) {
            this.detailedErrorCodes = detailed;
            return this;
        }

        /**
         * Accepts only tokens whose {@code iss} is one of these (jsonwebtoken's {@code issuer}); a token without
         * {@code iss} is refused too: {@code "jwt issuer invalid. expected: …"}.
         *
         * @param issuers one or more issuers
         * @return this builder
         */
        public Builder issuer(String... issuers) {
            this.issuers = texts(issuers, "issuer");
            return this;
        }

        /**
         * Accepts only tokens whose {@code aud} (a string or an array) names one of these (jsonwebtoken's
         * {@code audience}): {@code "jwt audience invalid. expected: a or b"}.
         *
         * @param audiences one or more audiences
         * @return this builder
         */
        public Builder audience(String... audiences) {
            this.audiences = texts(audiences, "audience");
            return this;
        }

        /**
         * Accepts only tokens whose {@code sub} is this one: {@code "jwt subject invalid. expected: …"}.
         *
         * @param subject the subject
         * @return this builder
         */
        public Builder subject(String subject) {
            this.subject = text(subject, "subject");
            return this;
        }

        /**
         * Refuses tokens that lack any of these claims: {@code "jwt missing required claim: exp"}. Requiring
         * {@code exp} refuses tokens that never expire.
         *
         * @param claims claim names such as {@code "exp"}, {@code "jti"}
         * @return this builder
         */
        public Builder requireClaims(String... claims) {
            this.requiredClaims = new LinkedHashSet<>(texts(claims, "claim"));
            return this;
        }

        /**
         * Refuses tokens issued ({@code iat}) longer ago than this, leeway included (jsonwebtoken's
         * {@code maxAge}): {@code "maxAge exceeded"}; a token without a numeric {@code iat} is refused with
         * {@code "iat required when maxAge is specified"}.
         *
         * @param maxAge a positive duration
         * @return this builder
         */
        public Builder maxAge(Duration maxAge) {
            this.maxAge = positive(maxAge, "maxAge");
            return this;
        }

        /**
         * What happens to a connected socket when its token's {@code exp} (plus the leeway) passes: it always gets
         * {@code unauthorized} "jwt expired" first; then it is disconnected (default), or kept in quarantine until
         * it authenticates again.
         *
         * @param action what to do
         * @return this builder
         */
        public Builder onExpiry(Deauthentication action) {
            this.onExpiry = Objects.requireNonNull(action, "action");
            return this;
        }

        /**
         * What authenticated sockets may do, from their claims: which events reach listeners, which rooms
         * {@link SocketIoJwt#joinRoom} admits them to (default {@link AccessRules#NONE}: everything).
         *
         * @param rules the rules
         * @return this builder
         */
        public Builder accessRules(AccessRules rules) {
            this.accessRules = Objects.requireNonNull(rules, "rules");
            return this;
        }

        /**
         * How many verified tokens to remember (default 10,000; 0 turns the cache off). With a static key, a token
         * whose signature and claims verified is remembered by its exact string until its {@code exp} (plus the
         * leeway), so that a client reconnecting with it skips the cryptography; the time claims, the claim rules,
         * the revocation check and the validator still run on every use. Tokens verified with a key resolver are
         * never cached, so that a key removed from a JWKS stops verifying at once.
         *
         * @param size the most tokens held, 0 or more
         * @return this builder
         */
        public Builder verifiedTokenCacheSize(int size) {
            if (size < 0) {
                throw new IllegalArgumentException("verifiedTokenCacheSize: " + size + " (expected: >= 0)");
            }
            this.verifiedTokenCacheSize = size;
            return this;
        }

        /**
         * The policy for tokens without {@code exp}. By default they are accepted, as socketio-jwt accepts them,
         * and the socket they authenticate keeps its rights for as long as it stays connected. With
         * {@code true} they are refused with {@code "jwt missing required claim: exp"} (code
         * {@code invalid_token}; {@code claim_missing} in detailed codes), so that every socket expires.
         *
         * @param required whether every token must carry {@code exp}
         * @return this builder
         */
        public Builder requireExpiration(boolean required) {
            this.expirationRequired = required;
            return this;
        }

        /**
         * Events that a quarantined socket (authenticate mode, not yet authenticated) may send to the application
         * (default none). They reach the namespace's listeners with a client that is in no room, receives no
         * broadcast and has no principal; a {@code login} listener can check credentials, sign a token and call
         * {@link SocketIoJwt#authenticate(com.corundumstudio.socketio.SocketIOClient, String)}. Every other event
         * of an unauthenticated socket is still dropped.
         *
         * <pre>{@code
         * JwtAuthOptions.authenticate().secret(secret).allowUnauthenticatedEvents("login").build();
         * }</pre>
         *
         * @param events event names; {@code authenticate} and Socket.IO's reserved names are refused
         * @return this builder
         */
        public Builder allowUnauthenticatedEvents(String... events) {
            List<String> names = texts(events, "event");
            for (String name : names) {
                if (RESERVED_EVENTS.contains(name)) {
                    throw new IllegalArgumentException("event: " + name
                            + " (expected: an application event, not authenticate or a reserved Socket.IO name)");
                }
            }
            this.unauthenticatedEvents = new LinkedHashSet<>(names);
            return this;
        }

        /**
         * Whether an authenticated socket may renew ({@code authenticate} again) with a token for another
         * {@code sub} (default false: such a renewal is refused with {@code subject_changed}
         * "jwt subject changed", and the socket is disconnected like any failed renewal).
         *
         * @param allowed whether switching users is allowed
         * @return this builder
         */
        public Builder allowSubjectChange(boolean allowed) {
            this.subjectChangeAllowed = allowed;
            return this;
        }

        /**
         * Refuses revoked tokens ({@code revoked_token}, {@code "The token has been revoked."}).
         *
         * @param check the revocation check
         * @return this builder
         */
        public Builder revocationCheck(RevocationCheck check) {
            this.revocationCheck = Objects.requireNonNull(check, "check");
            return this;
        }

        /**
         * Validates the settings and builds the options.
         *
         * @return immutable options
         * @throws IllegalStateException if no key or two keys are set, or settings conflict
         * @throws IllegalArgumentException if the key is too weak for every algorithm it could sign
         */
        public JwtAuthOptions build() {
            if (key == null && keyResolver == null) {
                throw new IllegalStateException("secret or keyResolver: neither is set (expected: exactly one)");
            }
            if (key != null && keyResolver != null) {
                throw new IllegalStateException("secret and keyResolver: both are set (expected: exactly one)");
            }
            if (key != null) {
                KeyAlgorithms.requireUsable(key, weakHmacAllowed);
                Set<String> usable = KeyAlgorithms.algorithmsFor(key, weakHmacAllowed);
                if (!algorithms.isEmpty() && Collections.disjoint(usable, algorithms)) {
                    throw new IllegalStateException("algorithms " + algorithms + " and secret: the key can verify only "
                            + usable);
                }
            }
            if (!unauthenticatedEvents.isEmpty() && mode != AuthMode.AUTHENTICATE) {
                throw new IllegalStateException("allowUnauthenticatedEvents: set in handshake mode, where no"
                        + " unauthenticated socket is ever connected (expected: authenticate mode)");
            }
            if (authHeaderRequired && mode != AuthMode.HANDSHAKE) {
                throw new IllegalStateException("authHeaderRequired: set in authenticate mode (expected: handshake mode)");
            }
            return new JwtAuthOptions(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: > PT0S)");
            }
            return value;
        }

        private static List<String> texts(String[] values, String name) {
            Objects.requireNonNull(values, name);
            if (values.length == 0) {
                throw new IllegalArgumentException(name + ": none (expected: at least one)");
            }
            List<String> list = new ArrayList<>();
            for (String value : values) {
                list.add(text(value, name));
            }
            return list;
        }

        private static String text(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: non-blank text)");
            }
            return value;
        }
    }

}
