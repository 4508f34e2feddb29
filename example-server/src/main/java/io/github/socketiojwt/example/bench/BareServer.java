package io.github.socketiojwt.example.bench;

import com.corundumstudio.socketio.AckMode;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIONamespace;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.namespace.Namespace;
import io.github.socketiojwt.AuthMode;
import io.github.socketiojwt.JwtAuthOptions;
import io.github.socketiojwt.SocketIoJwt;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The load benchmark's baseline: a netty-socketio server without authentication, configured as the example server
 * configures netty-socketio, with the example's {@code echo} event on namespace {@code /} and nothing else.
 *
 * <p>{@code example-client-web/bench/load.mjs} runs it next to the example server, with the same JVM flags, and
 * compares the server CPU time and memory of the same operations on both. Run it alone from the example jar:
 *
 * <pre>{@code
 * java -cp example-server/target/example-server.jar io.github.socketiojwt.example.bench.BareServer --port 9001
 * }</pre>
 *
 * <p>The configuration is {@code ExampleServer}'s (bind address, {@code reuseAddress}, {@link AckMode#MANUAL})
 * plus {@link Configuration#setRandomSession(boolean) randomSession}, which netty-socketio-jwt turns on when the
 * example server starts: the two servers then differ only by the library. Keep it in step with
 * {@code ExampleServer.start}.
 */
public final class BareServer implements AutoCloseable {

    /** Default port. */
    public static final int DEFAULT_PORT = 9001;
    /** Default bind address: local only. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    private static final String USAGE = String.join("\n",
            "Usage: java -cp example-server.jar io.github.socketiojwt.example.bench.BareServer [options]",
            "",
            "A netty-socketio server without authentication, for the load benchmark: namespace / answers",
            "echo with echo-response, and authenticate with authenticated (checking nothing), so that a",
            "client can go through authenticate mode's messages.",
            "",
            "Options:",
            "  --port N            port to listen on (default " + DEFAULT_PORT + ")",
            "  --host H            address to bind (default " + DEFAULT_HOST + ")",
            "  --library MODE      install netty-socketio-jwt on / in MODE (handshake or authenticate), with the",
            "                      HS256 secret of the JWT_SECRET environment variable: the library alone, no",
            "                      example routes",
            "  --token-cache N     with --library: verifiedTokenCacheSize (default 10000; 0 turns it off)",
            "  --help              prints this text",
            "");

    private final SocketIOServer server;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();

    private BareServer(SocketIOServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /**
     * Runs the server until the process is stopped.
     *
     * @param args the command line, see {@code --help}
     */
    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        String host = DEFAULT_HOST;
        int port = DEFAULT_PORT;
        AuthMode library = null;
        int tokenCache = 10_000;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if ("--help".equals(arg)) {
                out.print(USAGE);
                return;
            }
            if (!"--port".equals(arg) && !"--host".equals(arg) && !"--library".equals(arg)
                    && !"--token-cache".equals(arg)) {
                err.println("bare-server: unknown option " + printable(arg)
                        + " (expected: --port, --host, --library, --help)");
                System.exit(2);
            }
            if (i + 1 == args.length) {
                err.println("bare-server: " + arg + ": no value");
                System.exit(2);
            }
            String value = args[++i];
            if ("--host".equals(arg)) {
                host = value;
            } else if ("--token-cache".equals(arg)) {
                tokenCache = port(value) >= 0 || "0".equals(value) ? Integer.parseInt(value) : -1;
                if (tokenCache < 0) {
                    err.println("bare-server: --token-cache: " + printable(value) + " (expected: 0 to 65535)");
                    System.exit(2);
                }
            } else if ("--library".equals(arg)) {
                library = "handshake".equals(value) ? AuthMode.HANDSHAKE
                        : "authenticate".equals(value) ? AuthMode.AUTHENTICATE : null;
                if (library == null) {
                    err.println("bare-server: --library: " + printable(value)
                            + " (expected: handshake or authenticate)");
                    System.exit(2);
                }
            } else {
                port = port(value);
                if (port < 0) {
                    err.println("bare-server: --port: " + printable(value) + " (expected: an integer from 1 to 65535)");
                    System.exit(2);
                }
            }
        }
        String secret = System.getenv("JWT_SECRET");
        if (library != null && (secret == null || secret.isEmpty())) {
            err.println("bare-server: --library needs the JWT_SECRET environment variable");
            System.exit(2);
        }
        try {
            start(host, port, library == null ? null
                    : JwtAuthOptions.builder(library).secret(secret).verifiedTokenCacheSize(tokenCache).build());
        } catch (IllegalStateException | IllegalArgumentException e) {
            err.println("bare-server: " + e.getMessage());
            System.exit(1);
        }
        out.println((library == null ? "Bare netty-socketio server" : "netty-socketio server with netty-socketio-jwt ("
                + library.name().toLowerCase(java.util.Locale.ROOT) + " mode)") + " listening on http://" + host + ":"
                + port + "/");
    }

    /**
     * Starts a server.
     *
     * @param host the address to bind
     * @param port the port
     * @return the running server
     * @throws IllegalStateException if it cannot listen on the host and port
     */
    public static BareServer start(String host, int port) {
        return start(host, port, null);
    }

    /**
     * Starts a server, with the library on namespace {@code /} or without it.
     *
     * @param host the address to bind
     * @param port the port
     * @param library the library's options for {@code /}, or {@code null} for none
     * @return the running server
     * @throws IllegalStateException if it cannot listen on the host and port
     */
    public static BareServer start(String host, int port, JwtAuthOptions library) {
        Objects.requireNonNull(host, "host");
        Configuration config = new Configuration();
        config.getSocketConfig().setReuseAddress(true);
        config.setHostname(host);
        config.setPort(port);
        config.setAckMode(AckMode.MANUAL);
        config.setRandomSession(true);
        SocketIOServer server = new SocketIOServer(config);
        SocketIONamespace root = server.getNamespace(Namespace.DEFAULT_NAME);
        root.addEventListener("echo", Object.class, (client, data, ack) -> client.sendEvent("echo-response", data));
        if (library == null) {
            // authenticate mode's messages, without any check: the baseline of an authenticate-mode comparison
            root.addEventListener("authenticate", Object.class, (client, data, ack) ->
                    client.sendEvent("authenticated"));
        } else {
            SocketIoJwt.authorize(library).install(server, "/");
        }
        try {
            server.start();
        } catch (Exception e) { // netty rethrows the bind failure, a checked exception, undeclared
            stopInBackground(server);
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return new BareServer(server, port);
    }

    /** @return the port the server listens on */
    public int port() {
        return port;
    }

    /** Stops the server without waiting for netty's graceful shutdown. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            stopInBackground(server);
        }
    }

    private static void stopInBackground(SocketIOServer server) {
        Thread stopper = new Thread(server::stop, "bare-server-stop");
        stopper.setDaemon(true);
        stopper.start();
    }

    /** @return the port, or -1 when the value is not one */
    private static int port(String value) {
        try {
            int n = Integer.parseInt(value);
            return n >= 1 && n <= 65535 ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String printable(String value) {
        String shown = value.length() > 40 ? value.substring(0, 40) + "…" : value;
        return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
