package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOChannelInitializer;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.ack.AckManager;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.handler.ClientsBox;
import com.corundumstudio.socketio.listener.ConnectListener;
import com.corundumstudio.socketio.handler.PacketListener;
import com.corundumstudio.socketio.messages.PacketsMessage;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.namespace.NamespacesHub;
import com.corundumstudio.socketio.protocol.JsonSupport;
import com.corundumstudio.socketio.scheduler.CancelableScheduler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/**
 * netty-socketio's channel initializer with the library's gate built in: it replaces the inbound packet handler
 * with the {@link Guard}, watches each new session right after netty-socketio authorized its handshake, forces
 * random session ids, forgets sessions when netty-socketio does, encodes every session's packets for its own
 * Engine.IO version, and long-polling responses without netty-socketio's packet loss
 * ({@link RecipientEncoderHandler}, {@link LosslessPacketEncoder}), and answers requests Netty could not decode
 * ({@link UndecodableRequests}).
 *
 * <p>One instance serves one server and holds the policy of every protected namespace.
 */
public final class GuardInitializer extends SocketIOChannelInitializer {

    private static final Logger log = LoggerFactory.getLogger(GuardInitializer.class);

    /** The pipeline name of the handler that sees each session right after its handshake was authorized. */
    public static final String HANDSHAKE_GUARD = "socketioJwtHandshakeGuard";
    /** The pipeline name of the handler that answers requests for other paths before the websocket transport. */
    public static final String OTHER_PATHS = "socketioJwtOtherPaths";
    /** The pipeline name of the handler that refuses unknown transports without logging their URL. */
    public static final String TRANSPORT_CHECK = "socketioJwtTransportCheck";
    /** The pipeline name of the handler that answers every request Netty could not decode. */
    public static final String UNDECODABLE_REQUESTS = "socketioJwtUndecodableRequests";
    private static final ChannelHandler PIPELINE_END = new PipelineEnd();
    private static final Duration SWEEP_PERIOD = Duration.ofSeconds(30);

    private final Map<String, TokenAuthenticator> namespacePolicies = new ConcurrentHashMap<>();
    private final List<Consumer<ChannelPipeline>> customizers = new CopyOnWriteArrayList<>();
    private final JsonSupport decodingJson;
    private volatile ChannelHandler undecodableRequests;
    private volatile ChannelHandler otherPaths;
    private volatile TokenAuthenticator serverPolicy;
    private volatile Guard guard;
    private volatile ChannelHandler packetHandler;
    private volatile ChannelHandler handshakeHandler;
    private volatile ChannelHandler transportCheck;
    private volatile ChannelHandler encoderHandler;
    private volatile ScheduledFuture<?> sweeper;
    private volatile boolean stopped;

    /**
     * Creates the initializer of one server.
     *
     * @param decodingJson the server's own (unwrapped) JSON support, used to decode inbound packets
     */
    public GuardInitializer(JsonSupport decodingJson) {
        this.decodingJson = decodingJson;
    }

    /**
     * Protects one namespace, or every namespace not named otherwise.
     *
     * @param namespace a namespace name ({@code "/"} or {@code ""} for the default one), or {@code null} for all
     * @param policy the namespace's authenticator
     * @throws IllegalStateException when the server has started, or the namespace is already protected
     */
    public synchronized void protect(String namespace, TokenAuthenticator policy) {
        if (guard != null) {
            throw new IllegalStateException("install: the server has started (expected: install before start())");
        }
        if (namespace == null) {
            if (serverPolicy != null) {
                throw new IllegalStateException("install: every namespace is already protected on this server");
            }
            serverPolicy = policy;
            return;
        }
        String name = nettyName(namespace);
        if (namespacePolicies.putIfAbsent(name, policy) != null) {
            throw new IllegalStateException("install: namespace " + Guard.display(name) + " is already protected");
        }
    }

    /**
     * Adds a step run on every new channel's pipeline after the library's handlers are in place.
     *
     * @param customizer adds the application's own handlers
     */
    public synchronized void customize(Consumer<ChannelPipeline> customizer) {
        if (guard != null) {
            throw new IllegalStateException("customizePipeline: the server has started (expected: before start())");
        }
        customizers.add(customizer);
    }

    /**
     * The policy of a namespace.
     *
     * @param name netty-socketio's namespace name ({@code ""} for the default one)
     * @return the authenticator, or {@code null} when the namespace is public
     */
    TokenAuthenticator policy(String name) {
        TokenAuthenticator policy = namespacePolicies.get(name);
        return policy != null ? policy : serverPolicy;
    }

    static String nettyName(String namespace) {
        return "/".equals(namespace) ? Namespace.DEFAULT_NAME : namespace;
    }

    @Override
    public void start(Configuration configuration, NamespacesHub namespacesHub) {
        super.start(configuration, namespacesHub);
        // Client-chosen session ids let an attacker take over a victim's session id (and its broadcasts).
        configuration.setRandomSession(true);
        // `authenticate` arguments are read as plain JSON whatever the namespace.
        decodingJson.addEventMapping(Namespace.DEFAULT_NAME, Guard.AUTHENTICATE, Object.class);
        AckManager ackManager = field("ackManager", AckManager.class);
        CancelableScheduler scheduler = field("scheduler", CancelableScheduler.class);
        PacketReader reader = new PacketReader(new QuietJsonSupport(decodingJson), ackManager,
                BinaryJson.of(decodingJson));
        PacketListener listener = new PacketListener(ackManager, namespacesHub, null, scheduler);
        ClientsBox clientsBox = field("clientsBox", ClientsBox.class);
        Guard newGuard = new Guard(this::policy, namespacesHub, reader, listener,
                configuration.getExceptionListener(), clientsBox);
        installRootGate(namespacesHub.get(Namespace.DEFAULT_NAME), newGuard);
        this.packetHandler = new GuardedPacketHandler(newGuard);
        this.handshakeHandler = new HandshakeGuardHandler(newGuard);
        this.transportCheck = new TransportCheck(configuration, clientsBox);
        this.undecodableRequests = new UndecodableRequests(configuration.getContext());
        this.otherPaths = new OtherPaths(configuration.getContext());
        try {
            this.encoderHandler = new RecipientEncoderHandler(configuration, configuration.getJsonSupport());
        } catch (IOException e) {
            throw new IllegalStateException("netty-socketio's encoder could not start", e);
        }
        this.guard = newGuard;
        newGuard.register();
        scheduleSweep();
    }

    @Override
    protected void addSocketioHandlers(ChannelPipeline pipeline) {
        super.addSocketioHandlers(pipeline);
        UndecodableRequests.replaceAggregator(pipeline, HTTP_AGGREGATOR);
        // After the HTTP codec (the compressor included, which must see a request before its answer).
        pipeline.addBefore(PACKET_HANDLER, UNDECODABLE_REQUESTS, undecodableRequests);
        pipeline.replace(PACKET_HANDLER, PACKET_HANDLER, packetHandler);
        pipeline.replace(SOCKETIO_ENCODER, SOCKETIO_ENCODER, encoderHandler);
        pipeline.addBefore(AUTHORIZE_HANDLER, TRANSPORT_CHECK, transportCheck);
        pipeline.addAfter(AUTHORIZE_HANDLER, HANDSHAKE_GUARD, handshakeHandler);
        pipeline.replace(WRONG_URL_HANDLER, WRONG_URL_HANDLER, PIPELINE_END);
        pipeline.addAfter(XHR_POLLING_TRANSPORT, OTHER_PATHS, otherPaths);
        for (Consumer<ChannelPipeline> customizer : customizers) {
            customizer.accept(pipeline);
        }
    }

    @Override
    public void onDisconnect(ClientHead client) {
        super.onDisconnect(client);
        Guard current = guard;
        if (current != null) {
            current.onDisconnect(client);
        }
    }

    @Override
    public void stop() {
        stopped = true;
        Guard current = guard;
        if (current != null) {
            current.unregister();
        }
        ScheduledFuture<?> t = sweeper;
        if (t != null) {
            t.cancel(false);
        }
        super.stop();
    }

    /**
     * Ends the authentication of every socket of a subject on this server.
     *
     * @param subject the {@code sub}
     * @param action disconnect, or quarantine
     * @return how many sockets were deauthenticated
     */
    public int deauthenticateSubject(String subject, io.github.socketiojwt.Deauthentication action) {
        Guard current = guard;
        return current == null ? 0 : current.deauthenticateSubject(subject, action);
    }

    /**
     * Ends the authentication of one socket on its namespace, on whichever server keeps it.
     *
     * @param head the socket's session
     * @param namespace netty-socketio's namespace name
     * @param action disconnect, or quarantine
     * @return whether it was authenticated there
     */
    public static boolean deauthenticate(ClientHead head, String namespace,
            io.github.socketiojwt.Deauthentication action) {
        Guard owner = Guard.of(head);
        return owner != null && owner.deauthenticate(head, namespace, action);
    }

    /**
     * Joins an authenticated socket to a room when the namespace's access rules allow it.
     *
     * @param head the socket's session
     * @param namespace netty-socketio's namespace name
     * @param room the room
     * @return whether it joined
     */
    public static boolean joinRoom(ClientHead head, String namespace, String room) {
        Guard owner = Guard.of(head);
        return owner != null && owner.joinRoom(head, namespace, room);
    }

    /**
     * Authenticates a socket with a token the server issued.
     *
     * @param head the socket's session
     * @param namespace netty-socketio's namespace name
     * @param token the token
     * @return completes with the principal, or fails
     */
    public static java.util.concurrent.CompletableFuture<io.github.socketiojwt.JwtPrincipal> authenticate(
            ClientHead head, String namespace, String token) {
        Guard owner = Guard.of(head);
        return owner == null ? java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException(
                "the socket is not on a server protected by the library")) : owner.authenticateWith(head, namespace,
                token);
    }

    /**
     * The number of sessions the guard keeps state for (for tests and diagnostics).
     *
     * @return the count
     */
    public int trackedSessions() {
        Guard current = guard;
        return current == null ? 0 : current.sessionCount();
    }

    private void scheduleSweep() {
        sweeper = Timers.schedule(SWEEP_PERIOD, () -> {
            if (stopped) {
                return;
            }
            try {
                guard.sweep();
                TokenAuthenticator server = serverPolicy;
                if (server != null) {
                    server.forgetExpiredTokens();
                }
                namespacePolicies.values().forEach(TokenAuthenticator::forgetExpiredTokens);
            } finally {
                scheduleSweep();
            }
        });
    }

    /**
     * Releases the timer of the initializer that every {@code SocketIOServer} creates by default, which the
     * library replaces before it ever runs (otherwise Netty reports the unreleased timer as a leak).
     *
     * @param server a server that has not started
     */
    public static void retire(SocketIOServer server) {
        try {
            Field factoryField = SocketIOServer.class.getDeclaredField("pipelineFactory");
            factoryField.setAccessible(true);
            Object factory = factoryField.get(server);
            if (factory != null && factory.getClass() == SocketIOChannelInitializer.class) {
                Field schedulerField = SocketIOChannelInitializer.class.getDeclaredField("scheduler");
                schedulerField.setAccessible(true);
                ((CancelableScheduler) schedulerField.get(factory)).shutdown();
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("Could not release the default initializer's timer ({})", e.getClass().getSimpleName());
        }
    }

    /** Puts the guard's gate first among the real "/" namespace's connect listeners. */
    @SuppressWarnings("unchecked")
    private static void installRootGate(Namespace root, Guard guard) {
        Queue<ConnectListener> listeners = (Queue<ConnectListener>) namespaceField(root, "connectListeners");
        Map<UUID, SocketIOClient> allClients = (Map<UUID, SocketIOClient>) namespaceField(root, "allClients");
        List<ConnectListener> existing = new ArrayList<>(listeners);
        listeners.clear();
        listeners.add(client -> guard.gateRootConnect(client, allClients));
        listeners.addAll(existing);
    }

    private static Object namespaceField(Namespace namespace, String name) {
        try {
            Field field = Namespace.class.getDeclaredField(name);
            field.setAccessible(true);
            return field.get(namespace);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("netty-socketio-jwt cannot reach Namespace." + name
                    + " (expected: netty-socketio 2.0.14 on the class path, or --add-opens"
                    + " netty.socketio/com.corundumstudio.socketio.namespace=ALL-UNNAMED on the module path)", e);
        }
    }

    private <T> T field(String name, Class<T> type) {
        try {
            Field field = SocketIOChannelInitializer.class.getDeclaredField(name);
            field.setAccessible(true);
            return type.cast(field.get(this));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("netty-socketio-jwt cannot reach SocketIOChannelInitializer." + name
                    + " (expected: netty-socketio 2.0.14 on the class path, or --add-opens"
                    + " netty.socketio/com.corundumstudio.socketio=ALL-UNNAMED on the module path)", e);
        }
    }

    /** Netty's side of the guard: every decoded packet goes through {@link Guard#onPackets}. */
    @ChannelHandler.Sharable
    static final class GuardedPacketHandler extends SimpleChannelInboundHandler<PacketsMessage> {

        private final Guard guard;

        GuardedPacketHandler(Guard guard) {
            this.guard = guard;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, PacketsMessage message) {
            guard.onPackets(ctx, message);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("Closed a channel after an error ({})", cause.getClass().getSimpleName());
            ctx.close();
        }
    }

    /** Sees every HTTP request right after netty-socketio's authorization, to take charge of new sessions. */
    @ChannelHandler.Sharable
    static final class HandshakeGuardHandler extends ChannelInboundHandlerAdapter {

        private final Guard guard;

        HandshakeGuardHandler(Guard guard) {
            this.guard = guard;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpRequest) {
                ClientHead head = ctx.channel().attr(ClientHead.CLIENT).get();
                if (head != null) {
                    guard.onHandshake(head);
                }
            }
            ctx.fireChannelRead(msg);
        }
    }
}
