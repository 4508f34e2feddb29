package io.github.socketiojwt.example;

import io.github.socketiojwt.AuthMode;
import io.github.socketiojwt.PublicKeys;

import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The example server's command line: immutable, validated once by {@link #parse(String[], Map)}.
 *
 * <p>Options are {@code --name value} or {@code --name=value}; a few fall back to an environment variable. A bad
 * option or value throws a {@link UsageException} whose one-line message names it and never contains a secret
 * or a password.
 */
public final class ExampleOptions {

    /** Default port. */
    public static final int DEFAULT_PORT = 9000;
    /** Default bind address: local only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The shortest HS256 secret accepted, in bytes (RFC 7518 §3.2). */
    public static final int MIN_SECRET_BYTES = 32;

    private static final int MAX_TIMEOUT_MS = 86_400_000;
    private static final int MAX_TOKEN_TTL_S = 31_536_000;

    private static final String USAGE = String.join("\n",
            "Usage: java -jar example-server.jar [options]",
            "",
            "Runs the netty-socketio-jwt example: a Socket.IO server with JWT authentication, login and",
            "renewal endpoints (POST /login, POST /refresh) and a web page, all on one port.",
            "",
            "Options [environment variable]:",
            "  --port N            port to listen on (default " + DEFAULT_PORT + ") [PORT]",
            "  --host H            address to bind (default " + DEFAULT_HOST + ")",
            "  --mode M            how namespace / authenticates: handshake or authenticate (default handshake)",
            "  --secret S          HS256 secret, at least " + MIN_SECRET_BYTES + " bytes (RFC 7518 §3.2) [JWT_SECRET];",
            "                      default: a random secret, so tokens stop verifying after a restart.",
            "                      Prefer JWT_SECRET: command lines are visible to other local users.",
            "  --timeout-ms N      authenticate mode: time a socket has to authenticate (default 5000)",
            "  --token-ttl-s N     lifetime of the tokens POST /login and /refresh issue, in seconds (default 3600)",
            "  --user NAME:PASS[:CHANNELS]",
            "                      an account (repeatable) and the chat channels it may join, comma-separated: at",
            "                      most " + Channels.MAX_PER_ACCOUNT + " names of " + Channels.NAME_RULE + ",",
            "                      put in its tokens' 'channels' claim. A password that contains ':' needs the list,",
            "                      even empty: --user alice:pass:word: . Default: one 'demo' account with a random",
            "                      password, printed once at startup, and the channels " + String.join(" and ",
                    Channels.DEMO),
            "",
            "Verifying tokens (POST /login, /refresh and /public's login always issue HS256 tokens):",
            "  --public-key-file F verify with this PEM public key (RSA, EC, Ed25519) instead of the secret",
            "  --jwks-uri URL      verify with the keys of this http(s) JWKS endpoint instead of the secret",
            "  --issuer ISS        accept only tokens whose iss is ISS (repeatable: any of them); the tokens",
            "                      the server issues carry the first",
            "  --audience AUD      accept only tokens whose aud names AUD (repeatable: any of them); the tokens",
            "                      the server issues name them all",
            "  --leeway-s N        clock skew tolerated on exp, nbf and iat, in seconds (default 0): by the",
            "                      namespaces, by POST /refresh and by the page",
            "  --help              print this help and exit",
            "");

    private final int port;
    private final String host;
    private final AuthMode mode;
    private final byte[] secret;
    private final Duration timeout;
    private final Duration tokenTtl;
    private final Verification verification;
    private final Map<String, String> users;
    private final Map<String, List<String>> channels;
    private final boolean help;

    private ExampleOptions(int port, String host, AuthMode mode, byte[] secret, Duration timeout, Duration tokenTtl,
            UserList accounts, boolean help, Verification verification) {
        this.verification = verification;
        this.port = port;
        this.host = host;
        this.mode = mode;
        this.secret = secret;
        this.timeout = timeout;
        this.tokenTtl = tokenTtl;
        this.users = Collections.unmodifiableMap(new LinkedHashMap<>(accounts.passwords));
        this.channels = Collections.unmodifiableMap(new LinkedHashMap<>(accounts.channels));
        this.help = help;
    }

    /**
     * Parses a command line.
     *
     * @param args the arguments
     * @param env the environment ({@code System.getenv()} in production)
     * @return the options; when {@code --help} is among the arguments, options with {@link #help()} set and
     *         everything else at its default
     * @throws UsageException if an option or value is bad
     */
    public static ExampleOptions parse(String[] args, Map<String, String> env) {
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(env, "env");
        if (Arrays.asList(args).contains("--help")) {
            return new ExampleOptions(DEFAULT_PORT, DEFAULT_HOST, AuthMode.HANDSHAKE, null, Duration.ofMillis(5000),
                    Duration.ofSeconds(3600), new UserList(), true, Verification.NONE);
        }
        int port = DEFAULT_PORT;
        String envPort = env.get("PORT");
        if (envPort != null && !envPort.isBlank()) {
            port = integer("PORT", envPort.trim(), 1, 65_535);
        }
        byte[] secret = null;
        String envSecret = env.get("JWT_SECRET");
        if (envSecret != null && !envSecret.isEmpty()) {
            secret = secret("JWT_SECRET", envSecret);
        }
        String host = DEFAULT_HOST;
        AuthMode mode = AuthMode.HANDSHAKE;
        int timeoutMs = 5000;
        int tokenTtlS = 3600;
        UserList users = new UserList();
        PublicKey publicKey = null;
        URI jwksUri = null;
        List<String> issuers = new ArrayList<>();
        List<String> audiences = new ArrayList<>();
        int leewayS = 0;

        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                // Never echo the argument: it may be a misplaced secret or password.
                throw new UsageException("unexpected argument #" + (i + 1) + " (expected: an option such as --port)");
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                value = null;
            }
            if (!isKnown(name)) {
                throw new UsageException("unknown option " + name + " (see --help)");
            }
            if (value == null) {
                throw new UsageException(name + ": missing value");
            }
            switch (name) {
                case "--port":
                    port = integer(name, value, 1, 65_535);
                    break;
                case "--host":
                    if (value.isBlank()) {
                        throw new UsageException("--host: blank (expected: a host name or address)");
                    }
                    host = value;
                    break;
                case "--mode":
                    mode = mode(value);
                    break;
                case "--secret":
                    secret = secret(name, value);
                    break;
                case "--timeout-ms":
                    timeoutMs = integer(name, value, 1, MAX_TIMEOUT_MS);
                    break;
                case "--token-ttl-s":
                    tokenTtlS = integer(name, value, 1, MAX_TOKEN_TTL_S);
                    break;
                case "--user":
                    users.add(value);
                    break;
                case "--public-key-file":
                    publicKey = publicKey(value);
                    break;
                case "--jwks-uri":
                    jwksUri = jwksUri(value);
                    break;
                case "--issuer":
                    issuers.add(nonBlank(name, value));
                    break;
                case "--audience":
                    audiences.add(nonBlank(name, value));
                    break;
                case "--leeway-s":
                    leewayS = integer(name, value, 0, MAX_TOKEN_TTL_S);
                    break;
                default:
                    throw new IllegalStateException(name);
            }
        }
        if (publicKey != null && jwksUri != null) {
            throw new UsageException("--public-key-file and --jwks-uri: both given (expected: at most one key option)");
        }
        return new ExampleOptions(port, host, mode, secret, Duration.ofMillis(timeoutMs), Duration.ofSeconds(tokenTtlS),
                users, false, new Verification(publicKey, jwksUri, issuers, audiences, Duration.ofSeconds(leewayS)));
    }

    /**
     * The help text printed by {@code --help}.
     *
     * @return several lines, ending with a line break
     */
    public static String usage() {
        return USAGE;
    }

    /** @return the port to listen on */
    public int port() {
        return port;
    }

    /** @return the address to bind */
    public String host() {
        return host;
    }

    /** @return how namespace {@code /} authenticates */
    public AuthMode mode() {
        return mode;
    }

    /** @return a copy of the HS256 secret, or empty when none was given and one must be generated */
    public Optional<byte[]> secret() {
        return Optional.ofNullable(secret).map(byte[]::clone);
    }

    /** @return the time a socket has to authenticate in authenticate mode */
    public Duration timeout() {
        return timeout;
    }

    /** @return the lifetime of the tokens /login and /refresh issue */
    public Duration tokenTtl() {
        return tokenTtl;
    }

    /** @return how tokens are verified beyond the secret: another key, issuer, audiences, leeway */
    public Verification verification() {
        return verification;
    }

    /** @return the accounts, name to password, in command-line order; empty when a demo account is wanted */
    public Map<String, String> users() {
        return users;
    }

    /**
     * The chat channels of the accounts, from {@code --user NAME:PASSWORD:CHANNELS}.
     *
     * @return name to channel names, for the same accounts and in the same order as {@link #users()}; an empty
     *         list for an account given without channels
     */
    public Map<String, List<String>> channels() {
        return channels;
    }

    /** @return whether {@code --help} was given */
    public boolean help() {
        return help;
    }

    /** Never shows the secret or the passwords. */
    @Override
    public String toString() {
        return "ExampleOptions{port=" + port + ", host=" + host + ", mode=" + mode + ", secret="
                + (secret == null ? "random" : "<" + secret.length + " bytes>") + ", timeout=" + timeout
                + ", tokenTtl=" + tokenTtl + ", users=" + users.keySet() + ", channels=" + channels + ", help=" + help
                + ", issuers="
                + verification.issuers() + ", audiences=" + verification.audiences() + "}";
    }

    private static boolean isKnown(String name) {
        switch (name) {
            case "--port":
            case "--host":
            case "--mode":
            case "--secret":
            case "--timeout-ms":
            case "--token-ttl-s":
            case "--user":
            case "--public-key-file":
            case "--jwks-uri":
            case "--issuer":
            case "--audience":
            case "--leeway-s":
                return true;
            default:
                return false;
        }
    }

    private static PublicKey publicKey(String file) {
        try {
            return PublicKeys.fromPem(Path.of(file));
        } catch (IllegalArgumentException e) { // InvalidPathException included
            // PublicKeys' messages name the file and the rule, never the key material.
            throw new UsageException("--public-key-file: " + e.getMessage().replace('\n', ' '));
        }
    }

    private static URI jwksUri(String value) {
        try {
            URI uri = new URI(value);
            if (("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new UsageException("--jwks-uri: not an http(s) URL (expected: such as https://issuer/.well-known/jwks.json)");
    }

    private static String nonBlank(String name, String value) {
        if (value.isBlank()) {
            throw new UsageException(name + ": blank (expected: text)");
        }
        return value;
    }

    /**
     * How tokens are verified beyond the HS256 secret, and so what the tokens the server issues carry.
     *
     * @param publicKey a public key replacing the secret, or {@code null}
     * @param jwksUri a JWKS endpoint replacing the secret, or {@code null}
     * @param issuers the accepted issuers, in command-line order, empty for any; issued tokens carry the first
     * @param audiences the accepted audiences, in command-line order, empty for any; issued tokens name them all
     * @param leeway the clock skew tolerated
     */
    public record Verification(PublicKey publicKey, URI jwksUri, List<String> issuers, List<String> audiences,
            Duration leeway) {

        /** No other key, no claim check, no leeway. */
        public static final Verification NONE = new Verification(null, null, List.of(), List.of(), Duration.ZERO);

        /** Copies the issuers and the audiences. */
        public Verification {
            issuers = List.copyOf(issuers);
            audiences = List.copyOf(audiences);
            Objects.requireNonNull(leeway, "leeway");
        }

        /** @return the issuer of the tokens the server issues: the first accepted one, or {@code null} for none */
        public String issuer() {
            return issuers.isEmpty() ? null : issuers.get(0);
        }
    }

    private static int integer(String name, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(name + ": " + printable(value) + " (expected: an integer from " + min + " to "
                + max + ")");
    }

    private static AuthMode mode(String value) {
        switch (value) {
            case "handshake":
                return AuthMode.HANDSHAKE;
            case "authenticate":
                return AuthMode.AUTHENTICATE;
            default:
                throw new UsageException("--mode: " + printable(value) + " (expected: handshake or authenticate)");
        }
    }

    private static byte[] secret(String name, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_SECRET_BYTES) {
            throw new UsageException(name + ": " + bytes.length + " bytes (expected: at least " + MIN_SECRET_BYTES
                    + " bytes for HS256, RFC 7518 §3.2)");
        }
        return bytes;
    }

    /** The {@code --user} options read so far: passwords and channels by name, in command-line order. */
    private static final class UserList {
        private static final String EXPECTED = " (expected: NAME:PASSWORD or NAME:PASSWORD:CHANNELS)";

        final Map<String, String> passwords = new LinkedHashMap<>();
        final Map<String, List<String>> channels = new LinkedHashMap<>();

        /**
         * Reads {@code NAME:PASSWORD[:CHANNELS]}: the name ends at the first ':', the channels start after the
         * last one when there are two or more. Messages name the account, never the password or a part of it.
         */
        void add(String value) {
            int colon = value.indexOf(':');
            if (colon < 0) {
                throw new UsageException("--user: no ':'" + EXPECTED);
            }
            String name = value.substring(0, colon);
            String rest = value.substring(colon + 1);
            int last = rest.lastIndexOf(':');
            String password = last < 0 ? rest : rest.substring(0, last);
            String list = last < 0 ? "" : rest.substring(last + 1);
            if (name.isBlank()) {
                throw new UsageException("--user: empty name" + EXPECTED);
            }
            if (password.isEmpty()) {
                throw new UsageException("--user " + printable(name) + ": empty password" + EXPECTED);
            }
            if (passwords.containsKey(name)) {
                throw new UsageException("--user " + printable(name)
                        + ": given twice (expected: one password per name)");
            }
            List<String> names;
            try {
                names = Channels.parseList(list);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--user " + printable(name) + ": " + e.getMessage()
                        + "; a password that contains ':' needs a channel list, even empty: NAME:PASS:WORD:");
            }
            passwords.put(name, password);
            channels.put(name, names);
        }
    }

    /** Keeps error messages on one line whatever the user typed. */
    private static String printable(String value) {
        String shown = value.length() > 40 ? value.substring(0, 40) + "…" : value;
        return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
    }

    /** A bad command line: the message is one line and names the option; the process exits with status 2. */
    public static final class UsageException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        /** The exit status of a bad command line. */
        public static final int EXIT_STATUS = 2;

        UsageException(String message) {
            super(message, null, false, false);
        }

        /** @return the exit status, {@value #EXIT_STATUS} */
        public int exitCode() {
            return EXIT_STATUS;
        }
    }
}
