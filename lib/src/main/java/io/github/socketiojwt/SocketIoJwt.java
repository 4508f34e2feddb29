package io.github.socketiojwt;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIONamespace;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.transport.NamespaceClient;
import io.github.socketiojwt.internal.GuardInitializer;
import io.netty.channel.ChannelPipeline;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * JWT authentication for netty-socketio, compatible with socketio-jwt 4.6.2 clients: the entry point.
 *
 * <p>One statement, before {@code server.start()}:
 *
 * <pre>{@code
 * SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(secret).build()).install(server);
 * }</pre>
 *
 * <p>Then every socket that reaches a listener is authenticated, and its identity is at hand:
 *
 * <pre>{@code
 * server.addConnectListener(client -> {
 *     JwtPrincipal principal = SocketIoJwt.principal(client).orElseThrow();
 *     client.sendEvent("hello", principal.subject());
 * });
 * }</pre>
 */
public final class SocketIoJwt {

    private SocketIoJwt() {
    }

    /**
     * Makes an authorizer to install on a server, or on some of its namespaces.
     *
     * @param options validated options
     * @return the authorizer
     */
    public static JwtAuthorizer authorize(JwtAuthOptions options) {
        return new JwtAuthorizer(options);
    }

    /**
     * Adds the application's own Netty handlers to every connection of a server that the library protects.
     *
     * <p>Installing an authorizer takes over netty-socketio's pipeline factory, so an application that served,
     * say, an HTTP endpoint on the Socket.IO port by setting its own factory registers its handlers here instead.
     * The customizer runs after the library's handlers are in place; netty-socketio's handler names are constants
     * of {@code SocketIOChannelInitializer}. To answer HTTP requests of your own, turn on
     * {@code Configuration.setAllowCustomRequests(true)} and add your handler after netty-socketio's authorize
     * handler, as below: placed before it, your answers would not cancel netty-socketio's first-data timer, which
     * closes the connection {@code firstDataTimeout} after it opened.
     *
     * <pre>{@code
     * config.setAllowCustomRequests(true);
     * ...
     * SocketIoJwt.customizePipeline(server, pipeline ->
     *         pipeline.addBefore(SocketIOChannelInitializer.XHR_POLLING_TRANSPORT, "login", new LoginHandler()));
     * }</pre>
     *
     * @param server a server that has not started
     * @param customizer adds handlers to a new channel's pipeline; handlers it adds must be {@code @Sharable} or
     *        new per call
     * @throws IllegalStateException if the server has started
     */
    public static void customizePipeline(SocketIOServer server, Consumer<ChannelPipeline> customizer) {
        Objects.requireNonNull(customizer, "customizer");
        JwtAuthorizer.initializer(server).customize(customizer);
    }

    /**
     * Ends a socket's authentication on its namespace (logout, kick): it receives {@code unauthorized}
     * {@code {message: "The session was ended by the server.", data: {code: "deauthenticated", …}}}, leaves the
     * namespace and its rooms, and is then disconnected or quarantined until it authenticates again.
     *
     * <pre>{@code
     * server.addEventListener("logout", Object.class, (client, data, ack) ->
     *         SocketIoJwt.deauthenticate(client, Deauthentication.QUARANTINE));
     * }</pre>
     *
     * @param client a socket of a protected namespace
     * @param action disconnect, or quarantine
     * @return whether the socket was authenticated by the library
     */
    public static boolean deauthenticate(SocketIOClient client, Deauthentication action) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(action, "action");
        NamespaceClient socket = namespaceClient(client);
        return socket != null && GuardInitializer.deauthenticate(socket.getBaseClient(),
                socket.getNamespace().getName(), action);
    }

    /**
     * Authenticates a socket with a token the server has just issued, as SocketCluster's login over the socket
     * does: a quarantined socket (authenticate mode) leaves quarantine, an authenticated one (either mode) is
     * renewed, and the client receives {@code authenticated} {@code {token}} so that it can store the token for its
     * next connection. The token is verified as a client's would be (key, claims, validator, revocation), so one
     * the namespace refuses ends the socket's authentication as a refused {@code authenticate} does.
     *
     * <pre>{@code
     * // JwtAuthOptions.authenticate().secret(secret).allowUnauthenticatedEvents("login").build()
     * server.addEventListener("login", Credentials.class, (client, credentials, ack) -> {
     *     if (accounts.check(credentials)) {
     *         SocketIoJwt.authenticate(client, tokens.sign(credentials.username()));
     *     } else {
     *         ack.sendAckData(Map.of("error", "wrong username or password"));
     *     }
     * });
     * }</pre>
     *
     * @param client a socket of a protected namespace, quarantined or authenticated
     * @param token a token the namespace's options verify
     * @return completes with the principal once the client was told; fails with {@link UnauthorizedException} when
     *         the token is refused, or {@link IllegalStateException} when the socket is neither quarantined nor
     *         authenticated on a protected namespace
     */
    public static CompletionStage<JwtPrincipal> authenticate(SocketIOClient client,
            String token) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(token, "token");
        NamespaceClient socket = namespaceClient(client);
        if (socket == null) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("not a netty-socketio socket: " + client.getClass().getName()));
        }
        return GuardInitializer.authenticate(socket.getBaseClient(), socket.getNamespace().getName(), token);
    }

    /**
     * Ends the authentication of every socket authenticated as a subject on a server, on every namespace ("log
     * this user out everywhere"); each receives {@code unauthorized} with code {@code deauthenticated}.
     *
     * @param server a server with an authorizer installed
     * @param subject the {@code sub} claim
     * @param action disconnect, or quarantine
     * @return how many sockets were deauthenticated
     */
    public static int deauthenticateSubject(SocketIOServer server, String subject, Deauthentication action) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(action, "action");
        return JwtAuthorizer.deauthenticateSubject(server, subject, action);
    }

    /**
     * Joins an authenticated socket to a room if its namespace's {@link AccessRules} allow it; otherwise
     * {@link AuthenticationListener#onForbidden} hears of it and the application answers the client as it likes.
     * A later renewal whose claims no longer allow the room takes the socket out of it (the client receives
     * {@code forbidden} with {@code data.room}); expiry and deauthentication take it out of every room.
     *
     * <pre>{@code
     * // with AccessRules.builder().roomsMatching(Pattern.compile(".+"), RoomPermission.listedIn("channels"))
     * server.addEventListener("join", String.class, (client, room, ack) ->
     *         ack.sendAckData(SocketIoJwt.joinRoom(client, room) ? Map.of("ok", true) : Map.of("error", "forbidden")));
     * }</pre>
     *
     * <p>{@code client.joinRoom(room)} still works and checks nothing: call this method instead wherever a room is
     * guarded.
     *
     * @param client an authenticated socket of a protected namespace
     * @param room the room
     * @return whether the socket is now in the room; false for a socket that is not authenticated
     */
    public static boolean joinRoom(SocketIOClient client, String room) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(room, "room");
        NamespaceClient socket = namespaceClient(client);
        return socket != null && GuardInitializer.joinRoom(socket.getBaseClient(), socket.getNamespace().getName(),
                room);
    }

    /**
     * Sends an event to the sockets of a room whose verified claims satisfy a condition (for example only the
     * admins of a channel), on this server; sockets without a principal never receive it.
     *
     * <pre>{@code
     * SocketIoJwt.sendToRoom(server.getNamespace("/"), "news", p -> "admin".equals(p.claim("role")),
     *         "moderation", report);
     * }</pre>
     *
     * @param namespace the namespace
     * @param room the room
     * @param audience which principals receive it
     * @param event the event's name
     * @param data the event's arguments
     * @return how many sockets it was sent to
     */
    public static int sendToRoom(SocketIONamespace namespace, String room,
            java.util.function.Predicate<JwtPrincipal> audience, String event, Object... data) {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(event, "event");
        int sent = 0;
        for (SocketIOClient client : namespace.getRoomOperations(room).getClients()) {
            Optional<JwtPrincipal> principal = JwtPrincipal.of(client);
            if (principal.isPresent() && audience.test(principal.get())) {
                client.sendEvent(event, data);
                sent++;
            }
        }
        return sent;
    }

    /** netty-socketio's own socket class, which the library's state is keyed by; null for anything else. */
    private static NamespaceClient namespaceClient(SocketIOClient client) {
        return client instanceof NamespaceClient ? (NamespaceClient) client : null;
    }

    /**
     * The verified identity of a socket.
     *
     * @param client a socket
     * @return its principal, or empty when it never authenticated
     */
    public static Optional<JwtPrincipal> principal(SocketIOClient client) {
        return JwtPrincipal.of(client);
    }
}
