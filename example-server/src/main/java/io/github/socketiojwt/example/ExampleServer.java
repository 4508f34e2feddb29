package io.github.socketiojwt.example;

import com.corundumstudio.socketio.AckMode;
import com.corundumstudio.socketio.AckRequest;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOChannelInitializer;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIONamespace;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.namespace.Namespace;
import io.github.socketiojwt.AuthenticationFailure;
import io.github.socketiojwt.AuthenticationListener;
import io.github.socketiojwt.Forbidden;
import io.github.socketiojwt.JwksKeyResolver;
import io.github.socketiojwt.JwtAuthOptions;
import io.github.socketiojwt.JwtPrincipal;
import io.github.socketiojwt.SocketIoJwt;
import io.jsonwebtoken.security.Keys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The netty-socketio-jwt example: one port serves a Socket.IO server whose namespaces are authenticated by the
 * library, a login endpoint that issues HS256 tokens, and a small web page.
 *
 * <ul>
 *   <li>{@code /}: handshake or authenticate mode ({@code --mode}); events {@code echo}, {@code whoami} (ack),
 *       {@code chat {text}} (broadcast to the namespace), and the chat channels of {@link Channels}:
 *       {@code join {room}} and {@code leave {room}} (ack), {@code chat {text, room}} (to the room's members);</li>
 *   <li>{@code /public}: no authentication; emits {@code hi}; {@code login {username, password}} answers
 *       {@code {token}} or {@code {error}} through its ack;</li>
 *   <li>{@code /admin}: authenticate mode, emits {@code hi admin} once authenticated;</li>
 *   <li>{@code /admin_hs}: handshake mode, emits {@code hi admin} on connect.</li>
 * </ul>
 *
 * <p>Start it with {@link #start(ExampleOptions)}; stop it with {@link #close()}.
 */
public final class ExampleServer implements AutoCloseable {

    /** {@link #launch} returns this when the server is up and the process must keep running. */
    static final int RUNNING = -1;

    private static final Logger LOG = LoggerFactory.getLogger(ExampleServer.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_CHAT_LENGTH = 1000;
    /** Longer room names in {@code join} are refused without asking the access rules. */
    private static final int MAX_ROOM_LENGTH = 256;
    private static final int MAX_LOGGED_NAME = 64;
    private static final Map<Forbidden.Kind, String> FORBIDDEN_ACTIONS = Map.of(
            Forbidden.Kind.EVENT, "may not send event",
            Forbidden.Kind.ROOM, "may not join room",
            Forbidden.Kind.ROOM_LEFT, "is no longer allowed in room");

    private final SocketIOServer server;
    private final LoginService logins;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ExampleServer(SocketIOServer server, LoginService logins, int port) {
        this.server = server;
        this.logins = logins;
        this.port = port;
    }

    /** The key and the claim checks the options ask for, on a namespace's options. */
    private static JwtAuthOptions.Builder verifying(JwtAuthOptions.Builder builder, ExampleOptions options,
            byte[] secret, AuthenticationListener audit) {
        ExampleOptions.Verification verification = options.verification();
        if (verification.publicKey() != null) {
            builder.publicKey(verification.publicKey());
        } else if (verification.jwksUri() != null) {
            builder.keyResolver(JwksKeyResolver.builder(verification.jwksUri()).build());
        } else {
            builder.secret(secret);
        }
        if (!verification.issuers().isEmpty()) {
            builder.issuer(verification.issuers().toArray(new String[0]));
        }
        if (!verification.audiences().isEmpty()) {
            builder.audience(verification.audiences().toArray(new String[0]));
        }
        return builder.leeway(verification.leeway()).timeout(options.timeout()).listener(audit);
    }

    /**
     * Runs the server until the process is stopped.
     *
     * @param args the command line, see {@code --help}
     */
    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true,
                StandardCharsets.UTF_8);
        int status = launch(args, System.getenv(), out, err);
        if (status != RUNNING) {
            System.exit(status);
        }
    }

    /**
     * Parses the command line and starts the server.
     *
     * @return the exit status (0 after {@code --help}, 2 for a bad command line, 1 when the server cannot start),
     *         or {@link #RUNNING}
     */
    static int launch(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        ExampleOptions options;
        try {
            options = ExampleOptions.parse(args, env);
        } catch (ExampleOptions.UsageException e) {
            err.println("example-server: " + e.getMessage());
            return e.exitCode();
        }
        if (options.help()) {
            out.print(ExampleOptions.usage());
            return 0;
        }
        try {
            start(options, out);
            return RUNNING;
        } catch (IllegalStateException e) {
            err.println("example-server: " + e.getMessage());
            return 1;
        }
    }

    /**
     * Starts a server; prints the demo account, if any, to standard output.
     *
     * @param options the options
     * @return the running server
     * @throws IllegalStateException if it cannot listen on the host and port
     */
    public static ExampleServer start(ExampleOptions options) {
        return start(options, System.out);
    }

    static ExampleServer start(ExampleOptions options, PrintStream console) {
        Objects.requireNonNull(options, "options");
        byte[] secret = options.secret().orElseGet(() -> {
            LOG.warn("No --secret or JWT_SECRET given: using a random HS256 secret; tokens stop verifying when"
                    + " the server restarts");
            byte[] random = new byte[ExampleOptions.MIN_SECRET_BYTES];
            RANDOM.nextBytes(random);
            return random;
        });
        Map<String, String> users = options.users();
        Map<String, List<String>> channels = options.channels();
        if (users.isEmpty()) {
            String password = randomPassword();
            users = Map.of("demo", password);
            channels = Map.of("demo", Channels.DEMO);
            console.println("Demo account: user 'demo', password '" + password + "', channels "
                    + String.join(", ", Channels.DEMO) + " (shown once; use --user NAME:PASSWORD[:CHANNELS] to"
                    + " choose your own)");
        }
        LoginService logins = new LoginService(Accounts.hash(users, RANDOM), channels, Keys.hmacShaKeyFor(secret),
                options.tokenTtl(), options.verification(), Clock.systemUTC());

        Configuration config = new Configuration();
        config.getSocketConfig().setReuseAddress(true); // restarting on the same port works at once
        config.setHostname(options.host());
        config.setPort(options.port());
        // The /public login answers its ack from a worker thread; in the default AUTO modes netty-socketio sends an
        // empty ack as soon as the listener returns.
        config.setAckMode(AckMode.MANUAL);
        SocketIOServer server = new SocketIOServer(config);

        AuthenticationListener audit = new AuthenticationListener() {
            @Override
            public void onAuthenticated(SocketIOClient client, JwtPrincipal principal) {
                LOG.info("{} authenticated on {}", principal.subject(), principal.namespace());
            }

            @Override
            public void onFailure(AuthenticationFailure failure) {
                LOG.info("Refused a socket on {} from {}: {} ({})", failure.namespace(), failure.remoteAddress(),
                        failure.detailedCode(), failure.message());
            }

            @Override
            public void onForbidden(Forbidden refusal) {
                LOG.info("Forbidden on {}: {} {} {}", refusal.namespace(), printable(refusal.subject()),
                        FORBIDDEN_ACTIONS.get(refusal.kind()), printable(refusal.name()));
            }
        };
        SocketIoJwt.authorize(verifying(JwtAuthOptions.builder(options.mode()), options, secret, audit)
                .accessRules(Channels.rules()).build()).install(server, "/");
        SocketIoJwt.authorize(verifying(JwtAuthOptions.authenticate(), options, secret, audit).build())
                .install(server, "/admin");
        SocketIoJwt.authorize(verifying(JwtAuthOptions.handshake(), options, secret, audit).build())
                .install(server, "/admin_hs");

        addRootNamespace(server);
        addPublicNamespace(server, logins);
        server.addNamespace("/admin").addConnectListener(client -> client.sendEvent("hi admin"));
        server.addNamespace("/admin_hs").addConnectListener(client -> client.sendEvent("hi admin"));

        String mode = options.mode().name().toLowerCase(Locale.ROOT);
        HttpRoutes http = new HttpRoutes(config.getContext(), mode, options.verification().leeway(), logins);
        SocketIoJwt.customizePipeline(server, pipeline ->
                pipeline.addBefore(SocketIOChannelInitializer.AUTHORIZE_HANDLER, "exampleHttp", http));

        try {
            server.start();
        } catch (Exception e) { // netty rethrows the bind failure, a checked exception, undeclared
            logins.close();
            stopInBackground(server);
            throw new IllegalStateException("cannot listen on " + options.host() + ":" + options.port() + ": "
                    + e.getMessage(), e);
        }
        LOG.info("Listening on http://{}:{}/ (namespace / in {} mode)", options.host(), options.port(), mode);
        return new ExampleServer(server, logins, options.port());
    }

    private static void addRootNamespace(SocketIOServer server) {
        SocketIONamespace root = server.getNamespace(Namespace.DEFAULT_NAME);
        root.addEventListener("echo", Object.class, (client, data, ack) -> client.sendEvent("echo-response", data));
        root.addEventListener("whoami", Object.class, (client, data, ack) ->
                ack.sendAckData(SocketIoJwt.principal(client).map(p -> (Object) p.claims()).orElse(Map.of())));
        root.addEventListener("join", Object.class, (client, data, ack) -> reply(ack, join(client, data)));
        root.addEventListener("leave", Object.class, (client, data, ack) -> reply(ack, leave(client, data)));
        root.addEventListener("chat", Object.class, (client, data, ack) -> chat(root, client, data, ack));
    }

    /**
     * {@code join {room}}: joins a channel the token lists; the access rules decide ({@link Channels#rules()}).
     *
     * @return {@code {ok: true, room}}, {@code {error: "forbidden", room}}, or {@code {error: "invalid room"}}
     */
    private static Map<String, Object> join(SocketIOClient client, Object data) {
        String room = Channels.room(data);
        if (room == null || room.isEmpty() || room.length() > MAX_ROOM_LENGTH) {
            return Map.of("error", "invalid room");
        }
        return SocketIoJwt.joinRoom(client, room) ? Map.of("ok", true, "room", room)
                : Map.of("error", "forbidden", "room", room);
    }

    /**
     * {@code leave {room}}: leaves a channel (always allowed; never netty-socketio's room of the namespace).
     *
     * @return {@code {ok: true, room}}, or {@code {error: "invalid room"}}
     */
    private static Map<String, Object> leave(SocketIOClient client, Object data) {
        String room = Channels.room(data);
        if (!Channels.isName(room)) {
            return Map.of("error", "invalid room");
        }
        client.leaveRoom(room);
        return Map.of("ok", true, "room", room);
    }

    /**
     * {@code chat {text}} goes to every authenticated socket of {@code /}; {@code chat {text, room}} to the members
     * of a channel the sender has joined (the access rules have already refused channels the token does not list).
     * Answers its ack, if asked for, with {@code {ok: true}} or {@code {error}}.
     */
    private static void chat(SocketIONamespace root, SocketIOClient client, Object data, AckRequest ack) {
        Object text = data instanceof Map ? ((Map<?, ?>) data).get("text") : null;
        if (!(text instanceof String) || ((String) text).isBlank() || ((String) text).length() > MAX_CHAT_LENGTH) {
            reply(ack, Map.of("error", "invalid message"));
            return;
        }
        String from = SocketIoJwt.principal(client).map(ExampleServer::displayName).orElse("?");
        if (((Map<?, ?>) data).get(Channels.ROOM_FIELD) == null) {
            root.getBroadcastOperations().sendEvent("chat", Map.of("from", from, "text", text));
            reply(ack, Map.of("ok", true));
            return;
        }
        String room = Channels.room(data);
        if (room == null || !Channels.isName(room) || !client.getAllRooms().contains(room)) {
            reply(ack, room == null ? Map.of("error", "invalid room") : Map.of("error", "not joined", "room", room));
            return;
        }
        // One packet per member (netty-socketio shares a broadcast packet between protocol versions), and only to
        // members whose token still lists the channel.
        SocketIoJwt.sendToRoom(root, room, p -> p.claimValues(Channels.CLAIM).contains(room), "chat",
                Map.of("from", from, "text", text, "room", room));
        reply(ack, Map.of("ok", true, "room", room));
    }

    /** Answers an ack when the client asked for one (the server acknowledges manually, {@link AckMode#MANUAL}). */
    private static void reply(AckRequest ack, Map<String, Object> answer) {
        if (ack.isAckRequested()) {
            ack.sendAckData(answer);
        }
    }

    private static void addPublicNamespace(SocketIOServer server, LoginService logins) {
        SocketIONamespace pub = server.addNamespace("/public");
        pub.addConnectListener(client -> client.sendEvent("hi"));
        pub.addEventListener("login", Object.class, (client, data, ack) -> {
            if (!ack.isAckRequested()) {
                return;
            }
            Credentials credentials;
            try {
                credentials = Credentials.fromEvent(data);
            } catch (IllegalArgumentException e) {
                ack.sendAckData(Map.of("error", e.getMessage()));
                return;
            }
            logins.login(credentials.username(), credentials.password())
                    .whenComplete((token, error) -> answerLogin(ack, credentials.username(),
                            token == null ? null : token.orElse(null), error));
        });
    }

    private static void answerLogin(AckRequest ack, String username, String token, Throwable error) {
        if (error != null) {
            ack.sendAckData(Map.of("error", "busy, try again"));
        } else if (token != null) {
            LOG.info("{} logged in over /public", username);
            ack.sendAckData(Map.of("token", token));
        } else {
            ack.sendAckData(Map.of("error", "invalid credentials"));
        }
    }

    private static String displayName(JwtPrincipal principal) {
        if (principal.subject() != null) {
            return principal.subject();
        }
        Object username = principal.claims().get("username");
        return username instanceof String ? (String) username : "?";
    }

    /** A name a client chose (a room, an event, a subject from another issuer), fit for one log line. */
    private static String printable(String value) {
        if (value == null) {
            return "(no subject)";
        }
        String shown = value.length() > MAX_LOGGED_NAME ? value.substring(0, MAX_LOGGED_NAME) + "…" : value;
        return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
    }

    private static String randomPassword() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void stopInBackground(SocketIOServer server) {
        Thread stopper = new Thread(server::stop, "example-server-stop");
        stopper.setDaemon(true);
        stopper.start();
    }

    /** @return the port the server listens on */
    public int port() {
        return port;
    }

    /**
     * Stops the server without waiting: netty's graceful shutdown takes a few seconds and runs on a daemon thread,
     * so the port is released shortly after this returns.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            logins.close();
            stopInBackground(server);
        }
    }
}
