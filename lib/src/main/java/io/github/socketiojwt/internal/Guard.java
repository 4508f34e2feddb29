package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.AuthTokenResult;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.handler.ClientsBox;
import com.corundumstudio.socketio.handler.PacketListener;
import com.corundumstudio.socketio.listener.ExceptionListener;
import com.corundumstudio.socketio.messages.PacketsMessage;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.namespace.NamespacesHub;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import com.corundumstudio.socketio.transport.NamespaceClient;
import io.github.socketiojwt.AccessRules;
import io.github.socketiojwt.AuthMode;
import io.github.socketiojwt.AuthenticationFailure;
import io.github.socketiojwt.Deauthentication;
import io.github.socketiojwt.ErrorCode;
import io.github.socketiojwt.Forbidden;
import io.github.socketiojwt.JwtAuthOptions;
import io.github.socketiojwt.JwtPrincipal;
import io.github.socketiojwt.UnauthorizedException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The gatekeeper of one server: it decides, packet by packet, what reaches netty-socketio's namespaces.
 *
 * <p>It replaces netty-socketio's inbound packet handler, so it sees every decoded packet before any application
 * listener could. A socket that is not authenticated on a protected namespace is never attached to that
 * namespace: it is in none of its rooms, so no broadcast reaches it, and its events are dropped here (only
 * {@code authenticate} is read, by the library itself). On the default namespace, which netty-socketio joins
 * implicitly when a transport binds, the socket is <em>parked</em> on a private namespace object that compares
 * equal to the real one, which keeps netty-socketio from attaching it.
 */
public final class Guard {

    private static final Logger log = LoggerFactory.getLogger(Guard.class);

    static final String ROOT = Namespace.DEFAULT_NAME;
    static final String AUTHENTICATE = "authenticate";
    private static final Duration DELIVERY_CHECK = Duration.ofMillis(20);
    private static final Duration DELIVERY_LIMIT = Duration.ofSeconds(1);
    private static final Duration IN_FLIGHT_GRACE = Duration.ofMillis(100);
    private static final Duration LINGER = Duration.ofMillis(500);
    private static final Duration PUMP_STEP = Duration.ofMillis(100);
    private static final int PUMP_STEPS = 100;

    private final Function<String, TokenAuthenticator> policies;
    private final NamespacesHub hub;
    private final PacketReader reader;
    private final PacketListener packetListener;
    private final ExceptionListener exceptionListener;
    private final Namespace parkedRoot;
    private static final java.util.Set<Guard> LIVE = ConcurrentHashMap.newKeySet();
    /** Private namespaces, equal by name to protected ones, for quarantined sockets' lobby clients. */
    private final Map<String, Namespace> lobbies = new ConcurrentHashMap<>();

    private final Map<ClientHead, Session> sessions = new ConcurrentHashMap<>();
    private final ClientsBox clientsBox;

    Guard(Function<String, TokenAuthenticator> policies, NamespacesHub hub, PacketReader reader,
            PacketListener packetListener, ExceptionListener exceptionListener, ClientsBox clientsBox) {
        this.policies = policies;
        this.clientsBox = clientsBox;
        this.hub = hub;
        this.reader = reader;
        this.packetListener = packetListener;
        this.exceptionListener = exceptionListener;
        // A private namespace equal to "/" by name: netty-socketio sees the socket as connected to "/" and
        // never attaches it to the real one, whose rooms and listeners it therefore never reaches.
        this.parkedRoot = new Namespace(ROOT, new Configuration());
    }

    int sessionCount() {
        return sessions.size();
    }

    // ---------------------------------------------------------------- HTTP handshake (first sight of a session)

    /**
     * A new Engine.IO session was authorized by netty-socketio; its transport has not bound yet.
     *
     * @param head the new session
     */
    void onHandshake(ClientHead head) {
        if (sessions.containsKey(head) || !head.isConnected()) {
            return; // a later request of a known session, on a keep-alive channel
        }
        Session session = new Session(head);
        if (sessions.putIfAbsent(head, session) != null) {
            return;
        }
        TokenAuthenticator root = policies.apply(ROOT);
        boolean v4 = Wire.isV4(head);
        if (root == null) {
            if (!v4) {
                session.publicConnected(ROOT);
            }
            return;
        }
        NamespaceAuth auth = session.getOrCreate(ROOT);
        head.addNamespaceClient(parkedRoot);
        if (v4) {
            return; // a v4 client asks for "/" with its own CONNECT packet
        }
        // Engine.IO v3 clients are connected to "/" by the server, without a CONNECT packet.
        if (root.options().mode() == AuthMode.HANDSHAKE) {
            verifyHandshake(session, auth, hub.get(ROOT), root, null);
        } else {
            quarantine(session, auth, root);
        }
    }

    // ---------------------------------------------------------------- inbound packets

    /**
     * Decodes and dispatches every packet of one inbound message, as netty-socketio's InPacketHandler would, with
     * the authentication decisions in between.
     *
     * @param ctx the channel context
     * @param message the message
     */
    void onPackets(ChannelHandlerContext ctx, PacketsMessage message) {
        ByteBuf content = message.getContent();
        ClientHead head = message.getClient();
        Transport transport = message.getTransport();
        do { // once at least: an empty websocket frame is a packet (an empty attachment, say)
            Packet packet;
            try {
                ByteBuf frame = reader.nextFrame(head, content, transport);
                if (!frame.isReadable() && transport == Transport.POLLING) {
                    continue; // an empty record between two separators (an empty websocket frame is a packet)
                }
                packet = reader.decode(head, frame, transport);
            } catch (PacketReader.MalformedPacket e) {
                onMalformed(head, e);
                return;
            }
            if (packet == null) {
                continue; // an attachment of a binary packet that awaits more
            }
            try {
                if (!dispatch(head, packet, transport)) {
                    return;
                }
            } catch (Exception e) {
                report(ctx, head, e);
                return;
            }
        } while (content.isReadable());
    }

    /**
     * A packet that cannot be decoded ends the connection, as it would on a Socket.IO server, once a last answer
     * has gone where the client is waiting for one: a quarantined socket has sent no usable token, and is told
     * {@code unauthorized} ({@code invalid token datatype}) on the packet's namespace (on every namespace where it
     * is quarantined, when not even the header could be read), as for any {@code authenticate} without a token.
     * Nothing of the packet is logged: it may carry a token.
     */
    private void onMalformed(ClientHead head, PacketReader.MalformedPacket error) {
        log.debug("Closing session {}: {}", head.getSessionId(), error.getMessage());
        Session session = sessions.get(head);
        if (session != null) {
            String name = error.namespace();
            NamespaceAuth named = name == null ? null : session.get(name);
            List<NamespaceAuth> waiting = name == null ? session.quarantined()
                    : named == null ? List.of() : List.of(named);
            for (NamespaceAuth auth : waiting) {
                TokenAuthenticator policy = policies.apply(auth.name);
                Namespace ns = hub.get(auth.name);
                if (policy != null && ns != null && auth.phase == NamespaceAuth.Phase.QUARANTINED) {
                    failAuthenticate(session, auth, ns, policy, new UnauthorizedException(ErrorCode.TOKEN_DATATYPE,
                            "invalid token datatype"));
                }
            }
        }
        closeWhenDelivered(head); // after the answers: they are queued first
    }

    private void report(ChannelHandlerContext ctx, ClientHead head, Exception error) {
        try {
            if (exceptionListener.exceptionCaught(ctx, error)) {
                return;
            }
        } catch (Exception listenerError) {
            error.addSuppressed(listenerError);
        }
        log.error("Error while handling a packet of session {}", head.getSessionId(), error);
    }

    private boolean dispatch(ClientHead head, Packet packet, Transport transport) throws Exception {
        Namespace ns = hub.get(packet.getNsp());
        if (ns == null) {
            if (packet.getSubType() == PacketType.CONNECT) {
                Packet error = new Packet(PacketType.MESSAGE, head.getEngineIOVersion());
                error.setSubType(PacketType.ERROR);
                error.setNsp(packet.getNsp());
                error.setData("Invalid namespace");
                head.send(error);
            }
            return true; // a packet for a namespace the server does not have: the next ones are still read
        }
        if (packet.getType() != PacketType.MESSAGE) {
            return engine(head, packet, transport, ns);
        }
        TokenAuthenticator policy = policies.apply(ns.getName());
        if (policy == null) {
            return publicMessage(head, packet, transport, ns);
        }
        guardedMessage(head, packet, transport, ns, policy);
        return true;
    }

    /** Engine.IO packets (ping, pong, upgrade, close) carry no namespace; netty-socketio routes them via "/". */
    private boolean engine(ClientHead head, Packet packet, Transport transport, Namespace root) {
        NamespaceClient client = head.getChildClient(root);
        if (client == null) {
            return false;
        }
        if (packet.getType() == PacketType.UPGRADE && transport != Transport.WEBSOCKET) {
            return true; // only a websocket can complete an upgrade (netty-socketio fails on a polling one)
        }
        boolean probe = packet.getType() == PacketType.PING && "probe".equals(packet.getData());
        if (client.getNamespace() == root) {
            packetListener.onPacket(packet, client, transport);
        } else {
            // Parked on "/": do the transport's work without calling the application's ping/pong listeners.
            switch (packet.getType()) {
                case PING:
                    Packet pong = new Packet(PacketType.PONG, head.getEngineIOVersion());
                    pong.setData(packet.getData());
                    head.send(pong, transport);
                    if (probe) {
                        head.send(new Packet(PacketType.NOOP, head.getEngineIOVersion()), Transport.POLLING);
                    } else {
                        head.schedulePingTimeout();
                    }
                    break;
                case PONG:
                    head.schedulePingTimeout();
                    break;
                case UPGRADE:
                    packetListener.onPacket(packet, client, transport); // touches the transport only
                    break;
                case CLOSE:
                    // The client's last poll may be racing this close: tear down without racing it.
                    tearDown(head, head::onChannelDisconnect);
                    break;
                default:
                    break;
            }
        }
        if (probe) {
            pumpUpgrade(head);
        }
        return true;
    }

    /** A public namespace: exactly netty-socketio's InPacketHandler. */
    private boolean publicMessage(ClientHead head, Packet packet, Transport transport, Namespace ns) {
        if (packet.getSubType() == PacketType.CONNECT) {
            if (packet.getData() == PacketReader.UNREADABLE_PAYLOAD) {
                head.send(Wire.invalidPayload(head, packet.getNsp()));
                return false;
            }
            NamespaceClient client = head.addNamespaceClient(ns);
            if (Wire.isV4(head)) {
                if (packet.getData() != null) {
                    Object authData = packet.getData();
                    head.getHandshakeData().setAuthToken(authData);
                    AuthTokenResult result = ns.onAuthData(client, authData);
                    if (!result.isSuccess()) {
                        Packet error = new Packet(PacketType.MESSAGE, head.getEngineIOVersion());
                        error.setSubType(PacketType.ERROR);
                        error.setNsp(packet.getNsp());
                        if (result.getErrorData() != null) {
                            error.setData(result.getErrorData());
                        }
                        head.send(error);
                        return false;
                    }
                }
                head.send(Wire.connectAck(head, packet.getNsp()));
            }
            Session session = sessions.get(head);
            if (session != null) {
                session.publicConnected(ns.getName());
            }
        } else if (packet.getSubType() == PacketType.DISCONNECT) {
            Session session = sessions.get(head);
            if (session != null) {
                session.publicDisconnected(ns.getName());
            }
        }
        NamespaceClient client = head.getChildClient(ns);
        if (client == null) {
            return false;
        }
        if (packet.hasAttachments() && !packet.isAttachmentsLoaded()) {
            return false;
        }
        packetListener.onPacket(packet, client, transport);
        return true;
    }

    private void guardedMessage(ClientHead head, Packet packet, Transport transport, Namespace ns,
            TokenAuthenticator policy) {
        Session session = sessions.computeIfAbsent(head, Session::new);
        String name = ns.getName();
        NamespaceAuth auth = session.get(name);
        switch (packet.getSubType()) {
            case CONNECT:
                onConnectPacket(session, auth, ns, policy, packet);
                return;
            case EVENT:
            case BINARY_EVENT:
                if (auth == null || (packet.hasAttachments() && !packet.isAttachmentsLoaded())) {
                    return;
                }
                if (AUTHENTICATE.equals(packet.getName())) {
                    onAuthenticateEvent(session, auth, ns, policy, packet);
                } else if (auth.phase != NamespaceAuth.Phase.AUTHENTICATED
                        && policy.options().unauthenticatedEvents().contains(packet.getName())) {
                    deliverUnauthenticated(session, auth, ns, policy, packet, transport);
                } else {
                    deliverIfAuthenticated(session, auth, ns, policy, packet, transport);
                }
                return;
            case ACK:
            case BINARY_ACK:
                if (auth == null) {
                    return;
                }
                if (isUnauthorizedAck(auth, packet)) {
                    kick(session, auth);
                } else {
                    deliverIfAuthenticated(session, auth, ns, policy, packet, transport);
                }
                return;
            case DISCONNECT:
                if (auth != null) {
                    onDisconnectPacket(session, auth, ns);
                }
                return;
            default:
                // CONNECT_ERROR and unknown packet types are never sent by clients: drop.
        }
    }

    private void deliverIfAuthenticated(Session session, NamespaceAuth auth, Namespace ns, TokenAuthenticator policy,
            Packet packet, Transport transport) {
        ClientHead head = session.head;
        if (auth.phase != NamespaceAuth.Phase.AUTHENTICATED) {
            // A promotion may be running on another thread (the client answered `authenticated` fast): wait for
            // it to finish, then decide.
            synchronized (auth) {
                if (auth.phase != NamespaceAuth.Phase.AUTHENTICATED) {
                    return;
                }
            }
        }
        NamespaceClient client = head.getChildClient(ns);
        if (client == null || client.getNamespace() != ns) {
            return;
        }
        boolean event = packet.getSubType() == PacketType.EVENT || packet.getSubType() == PacketType.BINARY_EVENT;
        if (event && !permitted(session, auth, ns, policy, packet)) {
            return;
        }
        packetListener.onPacket(packet, client, transport);
    }

    /**
     * Checks an event against the namespace's access rules; a refused one is answered ({@code forbidden}, as an
     * ack error when the client asked for an ack) and reported, and the socket stays connected. Called for
     * authenticated sockets only.
     */
    private boolean permitted(Session session, NamespaceAuth auth, Namespace ns, TokenAuthenticator policy,
            Packet packet) {
        AccessRules rules = policy.options().accessRules();
        JwtPrincipal principal = auth.principal;
        if (!rules.hasEventRules() || principal == null) {
            return true;
        }
        String event = packet.getName();
        List<Object> args = packet.getData() == null ? List.of() : packet.getData();
        boolean allowed;
        try {
            allowed = rules.allowsEvent(principal, event, args);
        } catch (RuntimeException e) {
            log.error("An EventPermission failed on {}; the event is refused", display(ns.getName()), e);
            allowed = false;
        }
        if (allowed) {
            return true;
        }
        ClientHead head = session.head;
        Map<String, Object> refusal = Wire.forbiddenPayload("event not allowed", "event", event);
        if (packet.isAckRequested()) {
            head.send(Wire.ack(head, ns.getName(), packet.getAckId(), refusal));
        } else {
            head.send(Wire.event(head, ns.getName(), "forbidden", refusal));
        }
        notifyForbidden(policy, head, Forbidden.Kind.EVENT, event, ns.getName(), principal);
        return false;
    }

    /**
     * Joins an authenticated socket to a room when the namespace's access rules allow it, atomically with respect
     * to its renewal, expiry and deauthentication.
     *
     * @param head the socket's session
     * @param namespace netty-socketio's namespace name
     * @param room the room
     * @return whether it joined
     */
    boolean joinRoom(ClientHead head, String namespace, String room) {
        Bound bound = bound(head, namespace);
        if (bound == null) {
            return false;
        }
        NamespaceAuth auth = bound.auth();
        TokenAuthenticator policy = bound.policy();
        Namespace ns = bound.ns();
        JwtPrincipal principal;
        synchronized (auth) {
            principal = auth.principal;
            NamespaceClient client = head.getChildClient(ns);
            if (auth.phase != NamespaceAuth.Phase.AUTHENTICATED || principal == null || client == null
                    || client.getNamespace() != ns) {
                return false;
            }
            if (allowsRoom(policy, ns, principal, room)) {
                client.joinRoom(room);
                return true;
            }
        }
        notifyForbidden(policy, head, Forbidden.Kind.ROOM, room, namespace, principal);
        return false;
    }

    private static boolean allowsRoom(TokenAuthenticator policy, Namespace ns, JwtPrincipal principal, String room) {
        try {
            return policy.options().accessRules().allowsRoom(principal, room);
        } catch (RuntimeException e) {
            log.error("A RoomPermission failed on {}; the room is refused", display(ns.getName()), e);
            return false;
        }
    }

    /**
     * After a renewal: takes the socket out of every room its new claims no longer allow, and tells it. Hold
     * auth's monitor.
     */
    private void leaveForbiddenRooms(ClientHead head, NamespaceClient client, Namespace ns,
            TokenAuthenticator policy, JwtPrincipal principal) {
        if (!policy.options().accessRules().hasRoomRules()) {
            return;
        }
        for (String room : client.getAllRooms()) {
            if (room.equals(ns.getName()) || allowsRoom(policy, ns, principal, room)) {
                continue; // netty-socketio's own room of the namespace, or still allowed
            }
            client.leaveRoom(room);
            head.send(Wire.event(head, ns.getName(), "forbidden",
                    Wire.forbiddenPayload("room no longer allowed", "room", room)));
            notifyForbidden(policy, head, Forbidden.Kind.ROOM_LEFT, room, ns.getName(), principal);
        }
    }

    /**
     * Delivers an event that the namespace's options let unauthenticated sockets send ({@code login}, say) through
     * the socket's lobby client: the application's listener runs, but with a client in no real room.
     */
    private void deliverUnauthenticated(Session session, NamespaceAuth auth, Namespace ns, TokenAuthenticator policy,
            Packet packet, Transport transport) {
        NamespaceClient lobby;
        synchronized (auth) {
            NamespaceAuth.Phase phase = auth.phase;
            if (phase == NamespaceAuth.Phase.AUTHENTICATED) {
                lobby = null;
            } else if (phase == NamespaceAuth.Phase.QUARANTINED || phase == NamespaceAuth.Phase.VERIFYING) {
                lobby = lobbyClient(session.head, auth, ns);
            } else {
                return;
            }
        }
        if (lobby == null) {
            deliverIfAuthenticated(session, auth, ns, policy, packet, transport);
        } else {
            packetListener.onPacket(packet, lobby, transport);
        }
    }

    /** The client of a quarantined socket on a private namespace equal by name to the real one. Hold auth. */
    private NamespaceClient lobbyClient(ClientHead head, NamespaceAuth auth, Namespace ns) {
        if (ROOT.equals(ns.getName())) {
            NamespaceClient parked = head.getChildClient(ns);
            return parked != null && parked.getNamespace() == parkedRoot ? parked : null;
        }
        NamespaceClient lobby = auth.lobby;
        if (lobby == null) {
            // Never added to the head: netty-socketio does not know it, and its rooms are the private namespace's.
            lobby = new NamespaceClient(head, lobbies.computeIfAbsent(ns.getName(),
                    name -> new Namespace(name, new Configuration())));
            auth.lobby = lobby;
        }
        return lobby;
    }

    private static boolean isUnauthorizedAck(NamespaceAuth auth, Packet packet) {
        Long ackId = packet.getAckId();
        synchronized (auth) {
            return auth.phase == NamespaceAuth.Phase.REJECTED && ackId != null && ackId == auth.unauthorizedAckId;
        }
    }

    private void onConnectPacket(Session session, NamespaceAuth existing, Namespace ns, TokenAuthenticator policy,
            Packet packet) {
        NamespaceAuth auth = existing != null ? existing : session.getOrCreate(ns.getName());
        synchronized (auth) {
            if (auth.phase != NamespaceAuth.Phase.AWAITING_CONNECT) {
                log.debug("Ignored a repeated CONNECT to {} from session {}", display(ns.getName()),
                        session.head.getSessionId());
                return;
            }
            auth.phase = NamespaceAuth.Phase.VERIFYING;
        }
        if (policy.options().mode() == AuthMode.HANDSHAKE) {
            verifyHandshake(session, auth, ns, policy, Wire.isV4(session.head) ? packet.getData() : null);
        } else {
            quarantine(session, auth, policy);
        }
    }

    private void onDisconnectPacket(Session session, NamespaceAuth auth, Namespace ns) {
        NamespaceAuth.Phase previous;
        synchronized (auth) {
            previous = auth.phase;
            auth.phase = NamespaceAuth.Phase.REJECTED;
            auth.cancelTimer();
            auth.cancelExpiry();
        }
        session.remove(auth);
        if (previous == NamespaceAuth.Phase.AUTHENTICATED) {
            detach(session.head, ns);
        }
    }

    // ---------------------------------------------------------------- handshake mode

    private void verifyHandshake(Session session, NamespaceAuth auth, Namespace ns, TokenAuthenticator policy,
            Object authPayload) {
        synchronized (auth) {
            auth.phase = NamespaceAuth.Phase.VERIFYING;
        }
        ClientHead head = session.head;
        String token;
        try {
            token = TokenExtractor.extract(authPayload, head.getHandshakeData(), policy.options());
        } catch (UnauthorizedException e) {
            rejectHandshake(session, auth, policy, e);
            return;
        }
        authenticate(session, ns, policy, token, principal -> admitHandshake(session, auth, ns, policy, principal),
                error -> rejectHandshake(session, auth, policy, error));
    }

    /**
     * Authenticates a token, then admits or refuses: at once with a static key, or on the thread that completes an
     * asynchronous resolver or validator.
     */
    private void authenticate(Session session, Namespace ns, TokenAuthenticator policy, String token,
            Consumer<JwtPrincipal> admit, Consumer<UnauthorizedException> refuse) {
        ClientHead head = session.head;
        policy.authenticate(token, head.getHandshakeData(), display(ns.getName())).whenComplete((principal, error) -> {
            try {
                if (error != null) {
                    refuse.accept(unauthorized(error));
                } else {
                    admit.accept(principal);
                }
            } catch (RuntimeException e) {
                log.error("Error while completing the authentication of session {}", head.getSessionId(), e);
                disconnect(head);
            }
        });
    }

    private void admitHandshake(Session session, NamespaceAuth auth, Namespace ns, TokenAuthenticator policy,
            JwtPrincipal principal) {
        ClientHead head = session.head;
        boolean v4 = Wire.isV4(head);
        boolean root = ROOT.equals(ns.getName());
        synchronized (auth) {
            if (auth.phase != NamespaceAuth.Phase.VERIFYING || !head.isConnected()) {
                return;
            }
            NamespaceClient client = attach(head, ns);
            auth.admitted = client;
            store(client, policy.options(), principal);
            expireAt(session, auth, ns, policy, principal);
            if (v4 || root) {
                head.send(Wire.connectAck(head, ns.getName()));
            }
            notifyAuthenticated(policy, client, principal);
            ns.onConnect(client);
            if (!v4 && !root) {
                head.send(Wire.connectAck(head, ns.getName()));
            }
            auth.phase = NamespaceAuth.Phase.AUTHENTICATED;
        }
    }

    private void rejectHandshake(Session session, NamespaceAuth auth, TokenAuthenticator policy,
            UnauthorizedException error) {
        ClientHead head = session.head;
        synchronized (auth) {
            if (auth.phase == NamespaceAuth.Phase.REJECTED) {
                return;
            }
            auth.phase = NamespaceAuth.Phase.REJECTED;
        }
        session.remove(auth); // the client may try again with another CONNECT
        notifyFailure(policy, head, auth.name, error);
        head.send(Wire.connectError(head, auth.name, error, policy.options().detailedErrorCodes()));
        closeAfterDelivery(session, auth.name);
    }

    // ---------------------------------------------------------------- authenticate mode

    private void quarantine(Session session, NamespaceAuth auth, TokenAuthenticator policy) {
        ClientHead head = session.head;
        JwtAuthOptions options = policy.options();
        synchronized (auth) {
            auth.phase = NamespaceAuth.Phase.QUARANTINED;
            if (options.required()) {
                auth.timer = Timers.schedule(options.timeout(), () -> onAuthenticateTimeout(session, auth, policy));
            }
        }
        head.send(Wire.connectAck(head, auth.name));
    }

    private void onAuthenticateTimeout(Session session, NamespaceAuth auth, TokenAuthenticator policy) {
        synchronized (auth) {
            if (auth.phase != NamespaceAuth.Phase.QUARANTINED) {
                return;
            }
            auth.phase = NamespaceAuth.Phase.REJECTED;
            auth.timer = null;
        }
        notifyFailure(policy, session.head, auth.name,
                new UnauthorizedException(ErrorCode.AUTHENTICATION_TIMEOUT, "authentication timed out"));
        kick(session, auth);
    }

    /**
     * Starts verifying a token for a socket: a quarantined one stops its timer and waits in VERIFYING; an
     * authenticated one stays authenticated while its renewal is verified.
     *
     * @return false for a first authentication, true for a renewal, null when the socket can do neither
     */
    private static Boolean startVerification(NamespaceAuth auth) {
        synchronized (auth) {
            if (auth.phase == NamespaceAuth.Phase.QUARANTINED) {
                auth.cancelTimer();
                auth.phase = NamespaceAuth.Phase.VERIFYING;
                return false;
            }
            return auth.phase == NamespaceAuth.Phase.AUTHENTICATED ? Boolean.TRUE : null;
        }
    }

    private void onAuthenticateEvent(Session session, NamespaceAuth auth, Namespace ns, TokenAuthenticator policy,
            Packet packet) {
        Boolean renewal = startVerification(auth);
        if (renewal == null) {
            return;
        }
        List<Object> args = packet.getData();
        Object data = args == null || args.isEmpty() ? null : args.get(0);
        Object token = data instanceof Map ? ((Map<?, ?>) data).get("token") : null;
        if (!(token instanceof String) || ((String) token).isEmpty()) {
            failAuthenticate(session, auth, ns, policy,
                    new UnauthorizedException(ErrorCode.TOKEN_DATATYPE, "invalid token datatype"));
            return;
        }
        authenticate(session, ns, policy, (String) token, principal -> {
            if (renewal) {
                renew(session, auth, ns, policy, principal);
            } else {
                promote(session, auth, ns, policy, principal);
            }
        }, error -> failAuthenticate(session, auth, ns, policy, error));
    }

    /**
     * Authenticates a socket with a token the server issued (after a {@code login} event, say): a quarantined
     * socket is promoted, an authenticated one renewed; the client receives {@code authenticated {token}}. A token
     * the namespace refuses ends the socket's authentication as a refused {@code authenticate} would.
     *
     * @param head the socket's session
     * @param namespace netty-socketio's namespace name
     * @param token the token
     * @return completes with the principal, or fails with {@link UnauthorizedException} (refused token) or
     *         {@link IllegalStateException} (the socket is neither quarantined nor authenticated there)
     */
    CompletableFuture<JwtPrincipal> authenticateWith(ClientHead head, String namespace, String token) {
        Bound bound = bound(head, namespace);
        if (bound == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("the socket is not connected to "
                    + display(namespace) + ", or that namespace is not protected"));
        }
        Session session = bound.session();
        NamespaceAuth auth = bound.auth();
        TokenAuthenticator policy = bound.policy();
        Namespace ns = bound.ns();
        Boolean renewal = startVerification(auth);
        if (renewal == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("the socket is "
                    + auth.phase.name().toLowerCase(java.util.Locale.ROOT) + " on " + display(namespace)
                    + " (expected: quarantined or authenticated)"));
        }
        CompletableFuture<JwtPrincipal> result = new CompletableFuture<>();
        Map<String, Object> issued = Map.of("token", token);
        authenticate(session, ns, policy, token, principal -> {
            UnauthorizedException refused = renewal ? renew(session, auth, ns, policy, principal, issued)
                    : promote(session, auth, ns, policy, principal, issued) ? null
                    : ended();
            if (refused == null) {
                result.complete(principal);
            } else {
                result.completeExceptionally(refused);
            }
        }, error -> {
            failAuthenticate(session, auth, ns, policy, error);
            result.completeExceptionally(error);
        });
        return result;
    }

    private boolean promote(Session session, NamespaceAuth auth, Namespace ns, TokenAuthenticator policy,
            JwtPrincipal principal, Object... authenticated) {
        ClientHead head = session.head;
        synchronized (auth) {
            if (auth.phase != NamespaceAuth.Phase.VERIFYING || !head.isConnected()) {
                return false;
            }
            auth.releaseLobby();
            NamespaceClient client = attach(head, ns);
            auth.admitted = client;
            store(client, policy.options(), principal);
            expireAt(session, auth, ns, policy, principal);
            head.send(Wire.event(head, ns.getName(), "authenticated", authenticated));
            notifyAuthenticated(policy, client, principal);
            ns.onConnect(client);
            auth.phase = NamespaceAuth.Phase.AUTHENTICATED;
            return true;
        }
    }

    private static UnauthorizedException ended() {
        return new UnauthorizedException(ErrorCode.DEAUTHENTICATED,
                "the socket's authentication ended before the token could be applied");
    }

    /** @return null when renewed, else why not (a refused subject change has been dealt with) */
    private UnauthorizedException renew(Session session, NamespaceAuth auth, Namespace ns, TokenAuthenticator policy,
            JwtPrincipal principal, Object... authenticated) {
        ClientHead head = session.head;
        NamespaceClient client;
        synchronized (auth) {
            if (auth.phase != NamespaceAuth.Phase.AUTHENTICATED) {
                return ended();
            }
            client = head.getChildClient(ns);
            if (client == null || client.getNamespace() != ns) {
                return ended();
            }
            JwtPrincipal current = auth.principal;
            if (!policy.options().subjectChangeAllowed() && current != null
                    && !java.util.Objects.equals(current.subject(), principal.subject())) {
                client = null; // refused below, outside the lock
            } else {
                store(client, policy.options(), principal);
                expireAt(session, auth, ns, policy, principal);
                leaveForbiddenRooms(head, client, ns, policy, principal);
                try {
                    policy.options().listener().onRenewed(client, principal);
                } catch (RuntimeException e) {
                    log.error("An AuthenticationListener failed in onRenewed", e);
                }
                // after the hook, as for promotion
                head.send(Wire.event(head, ns.getName(), "authenticated", authenticated));
            }
        }
        if (client == null) {
            UnauthorizedException refused = new UnauthorizedException(ErrorCode.SUBJECT_CHANGED,
                    "jwt subject changed");
            failAuthenticate(session, auth, ns, policy, refused);
            return refused;
        }
        return null;
    }

    /**
     * Schedules the end of an authenticated socket's rights at its token's {@code exp} plus the leeway (an idle
     * socket expires too): it then gets {@code unauthorized} "jwt expired" and is disconnected, as if it had sent
     * an expired token. A token without {@code exp} never expires. Call while holding the auth's monitor.
     */
    private void expireAt(Session session, NamespaceAuth auth, Namespace ns, TokenAuthenticator policy,
            JwtPrincipal principal) {
        auth.principal = principal;
        auth.cancelExpiry();
        long deadline = policy.expiresAtMillis(principal.claims()); // exp + leeway, as the verification reads it
        if (deadline == Long.MAX_VALUE) {
            return;
        }
        JwtAuthOptions options = policy.options();
        Duration delay = Duration.ofMillis(Math.max(0, deadline - options.clock().millis()));
        auth.expiry = Timers.schedule(delay, () -> {
            synchronized (auth) {
                if (auth.phase != NamespaceAuth.Phase.AUTHENTICATED || auth.principal != principal) {
                    return; // renewed, refused or gone meanwhile
                }
            }
            end(session, auth, ns, policy, new UnauthorizedException(ErrorCode.TOKEN_EXPIRED, "jwt expired"),
                    Outcome.EXPIRED, options.onExpiry());
        });
    }

    private void failAuthenticate(Session session, NamespaceAuth auth, Namespace ns, TokenAuthenticator policy,
            UnauthorizedException error) {
        end(session, auth, ns, policy, error, Outcome.FAILED, Deauthentication.DISCONNECT);
    }

    /** Why a socket's authentication ended, and so which hook hears of it. */
    private enum Outcome { FAILED, EXPIRED, DEAUTHENTICATED }

    /**
     * Ends a socket's authentication on a namespace: out of the real namespace first (its rooms, the
     * application's view), then {@code unauthorized} with the reason, then either a disconnect (after the client's
     * ack or the grace period) or a new quarantine.
     */
    private void end(Session session, NamespaceAuth auth, Namespace ns, TokenAuthenticator policy,
            UnauthorizedException error, Outcome outcome, Deauthentication action) {
        ClientHead head = session.head;
        long ackId = -1;
        String subject;
        boolean quarantine = action == Deauthentication.QUARANTINE;
        synchronized (auth) {
            if (auth.phase == NamespaceAuth.Phase.REJECTED || (quarantine
                    && auth.phase != NamespaceAuth.Phase.AUTHENTICATED)) {
                return;
            }
            subject = auth.principal == null ? null : auth.principal.subject();
            if (auth.phase == NamespaceAuth.Phase.AUTHENTICATED) {
                detach(head, ns); // out of every room before anything else is said
            }
            auth.cancelTimer();
            auth.cancelExpiry();
            auth.principal = null;
            if (quarantine) {
                auth.phase = NamespaceAuth.Phase.QUARANTINED;
                if (policy.options().required()) {
                    auth.timer = Timers.schedule(policy.options().timeout(),
                            () -> onAuthenticateTimeout(session, auth, policy));
                }
            } else {
                auth.phase = NamespaceAuth.Phase.REJECTED;
                ackId = session.nextAckId();
                auth.unauthorizedAckId = ackId;
            }
        }
        notify(policy, head, auth.name, error, outcome, subject);
        Packet unauthorized = Wire.event(head, auth.name, "unauthorized",
                Wire.unauthorizedPayload(error, policy.options().detailedErrorCodes()));
        if (quarantine) {
            head.send(unauthorized);
            return;
        }
        unauthorized.setAckId(ackId);
        head.send(unauthorized);
        synchronized (auth) {
            if (auth.phase == NamespaceAuth.Phase.REJECTED && auth.unauthorizedAckId == ackId) {
                auth.timer = Timers.schedule(policy.options().unauthorizedGracePeriod(), () -> kick(session, auth));
            }
        }
    }

    /**
     * Ends the authentication of one socket on one namespace, at the application's request.
     *
     * @param head the socket's session
     * @param namespace netty-socketio's namespace name
     * @param action disconnect, or quarantine
     * @return whether the socket was authenticated there
     */
    boolean deauthenticate(ClientHead head, String namespace, Deauthentication action) {
        Bound bound = bound(head, namespace);
        if (bound == null) {
            return false;
        }
        NamespaceAuth auth = bound.auth();
        synchronized (auth) { // a promotion in progress on another thread completes first
            if (auth.phase != NamespaceAuth.Phase.AUTHENTICATED) {
                return false;
            }
        }
        end(bound.session(), auth, bound.ns(), bound.policy(), new UnauthorizedException(ErrorCode.DEAUTHENTICATED,
                "The session was ended by the server."), Outcome.DEAUTHENTICATED, action);
        return true;
    }

    /** A socket's state on a protected namespace, for the application's calls. */
    private record Bound(Session session, NamespaceAuth auth, TokenAuthenticator policy, Namespace ns) {
    }

    /** @return the socket's state on a protected namespace, or {@code null} when it has none there */
    private Bound bound(ClientHead head, String namespace) {
        Session session = sessions.get(head);
        NamespaceAuth auth = session == null ? null : session.get(namespace);
        TokenAuthenticator policy = policies.apply(namespace);
        Namespace ns = hub.get(namespace);
        return auth == null || policy == null || ns == null ? null : new Bound(session, auth, policy, ns);
    }

    /**
     * Ends the authentication of every socket authenticated as a subject, on every namespace.
     *
     * @param subject the {@code sub}
     * @param action disconnect, or quarantine
     * @return how many sockets were deauthenticated
     */
    int deauthenticateSubject(String subject, Deauthentication action) {
        int count = 0;
        for (Session session : sessions.values()) {
            for (String namespace : session.authenticatedAs(subject)) {
                if (deauthenticate(session.head, namespace, action)) {
                    count++;
                }
            }
        }
        return count;
    }

    /**
     * The guard that keeps a session, among the servers of this JVM.
     *
     * @param head a session
     * @return its guard, or {@code null}
     */
    static Guard of(ClientHead head) {
        for (Guard guard : LIVE) {
            if (guard.sessions.containsKey(head)) {
                return guard;
            }
        }
        return null;
    }

    void register() {
        LIVE.add(this);
    }

    void unregister() {
        LIVE.remove(this);
    }

    /** Disconnects a refused socket from one namespace, and closes the connection when nothing else is left. */
    private void kick(Session session, NamespaceAuth auth) {
        synchronized (auth) {
            auth.cancelTimer();
            if (auth.unauthorizedAckId == Long.MIN_VALUE) {
                return; // already kicked
            }
            auth.unauthorizedAckId = Long.MIN_VALUE;
        }
        session.remove(auth);
        closeAfterDelivery(session, auth.name);
    }

    // ---------------------------------------------------------------- attaching and detaching

    /** Connects a socket to the real namespace (for "/": replaces the parked client). */
    private NamespaceClient attach(ClientHead head, Namespace ns) {
        if (!ROOT.equals(ns.getName())) {
            return head.addNamespaceClient(ns);
        }
        NamespaceClient parked = head.getChildClient(ns);
        NamespaceClient client = head.addNamespaceClient(ns); // same key: "/" is never missing from the head
        if (parked != null && parked.getNamespace() == parkedRoot) {
            parkedRoot.onDisconnect(parked);
        }
        return client;
    }

    /** Takes an authenticated socket out of the real namespace, its rooms and its listeners' view. */
    private void detach(ClientHead head, Namespace ns) {
        NamespaceClient client = head.getChildClient(ns);
        if (client == null || client.getNamespace() != ns) {
            return;
        }
        if (ROOT.equals(ns.getName())) {
            head.addNamespaceClient(parkedRoot); // park again first, so "/" is never missing from the head
            ns.onDisconnect(client);
        } else {
            client.onDisconnect();
        }
    }

    private static void store(SocketIOClient client, JwtAuthOptions options, JwtPrincipal principal) {
        client.set(options.decodedPropertyName(), new LinkedHashMap<>(principal.claims()));
        client.set(options.encodedPropertyName(), principal.token());
        client.set(JwtPrincipal.STORE_KEY, principal);
    }

    // ---------------------------------------------------------------- closing

    /**
     * Lets the packets already queued (the error, {@code unauthorized}) reach the client, says disconnect for the
     * namespace, and closes the connection unless the client is connected to another namespace by then. The
     * decision waits {@link #LINGER} after the refusal: an Engine.IO v3 client is refused on "/" the moment its
     * session opens, before it could ask for any other namespace (a public one, to log in, say). A client that
     * stops polling is closed after a bounded wait all the same.
     */
    private void closeAfterDelivery(Session session, String namespace) {
        ClientHead head = session.head;
        long decideAt = System.nanoTime() + LINGER.toNanos();
        Timers.whenOrAfter(() -> delivered(head), DELIVERY_CHECK, DELIVERY_LIMIT, () -> {
            if (!head.isConnected()) {
                return;
            }
            head.send(Wire.disconnect(head, namespace));
            // Nothing is decided before the linger time: the timer wakes once then, not every check step.
            Duration untilDecision = Duration.ofNanos(Math.max(0, decideAt - System.nanoTime()));
            Timers.schedule(untilDecision, () -> Timers.whenOrAfter(() -> delivered(head), DELIVERY_CHECK,
                    DELIVERY_LIMIT, () -> {
                        NamespaceAuth retried = session.get(namespace); // a new CONNECT to the same namespace
                        if (!session.hasOtherLiveNamespace(namespace) && (retried == null || !retried.isLive())) {
                            disconnect(head);
                        }
                    }));
        });
    }

    /** Closes a connection once the packets already queued for it are sent (or after a bounded wait). */
    private void closeWhenDelivered(ClientHead head) {
        Timers.whenOrAfter(() -> delivered(head), DELIVERY_CHECK, DELIVERY_LIMIT, () -> disconnect(head));
    }

    /**
     * Closes a connection without racing netty-socketio's implicit connect to "/": new requests for the session
     * are refused first, requests already past that look-up finish, and only then is the session torn down (which
     * removes the parked "/" client that keeps netty-socketio from attaching the socket to the real "/").
     */
    private void disconnect(ClientHead head) {
        tearDown(head, head::disconnect);
    }

    private void tearDown(ClientHead head, Runnable end) {
        if (!head.isConnected()) {
            return;
        }
        clientsBox.removeClient(head.getSessionId());
        Timers.schedule(IN_FLIGHT_GRACE, () -> {
            if (head.isConnected()) {
                end.run();
            }
        });
    }

    private static boolean delivered(ClientHead head) {
        return !head.isConnected() || head.getPacketsQueue(head.getCurrentTransport()).isEmpty();
    }

    /**
     * netty-socketio sends one NOOP on polling after a websocket probe; if the client re-polls before it reads the
     * probe answer, that poll hangs and so does the upgrade (and every buffered emit) until another packet comes.
     * engine.io servers send a NOOP every 100 ms; so does this pump, until the upgrade completes.
     */
    private static void pumpUpgrade(ClientHead head) {
        Timers.schedule(PUMP_STEP, new Runnable() {
            private int left = PUMP_STEPS;

            @Override
            public void run() {
                if (!head.isConnected() || head.getCurrentTransport() == Transport.WEBSOCKET || --left < 0) {
                    return;
                }
                if (head.getPacketsQueue(Transport.POLLING).isEmpty()) {
                    head.send(new Packet(PacketType.NOOP, head.getEngineIOVersion()), Transport.POLLING);
                }
                Timers.schedule(PUMP_STEP, this);
            }
        });
    }

    // ---------------------------------------------------------------- the last line of defence on "/"

    /**
     * Runs first among the connect listeners of the real "/" namespace. netty-socketio attaches a socket to "/"
     * by itself whenever a transport binds and "/" is missing from the session; the parked client prevents that,
     * except while a session is being torn down and a request races it. Such an attach never reaches the
     * application's listeners: this gate takes the socket back out and aborts the listener loop.
     *
     * @param client the socket netty-socketio is connecting to "/"
     * @param allClients the real "/" namespace's client map
     */
    void gateRootConnect(SocketIOClient client, Map<UUID, SocketIOClient> allClients) {
        if (policies.apply(ROOT) == null || !(client instanceof NamespaceClient)) {
            return;
        }
        ClientHead head = ((NamespaceClient) client).getBaseClient();
        Session session = sessions.get(head);
        NamespaceAuth auth = session == null ? null : session.get(ROOT);
        if (auth != null && auth.admitted == client) {
            return;
        }
        Namespace root = ((NamespaceClient) client).getNamespace();
        root.leave(ROOT, client.getSessionId());
        allClients.remove(client.getSessionId(), client);
        if (head.isConnected()) {
            head.addNamespaceClient(parkedRoot);
        }
        log.warn("Refused an unauthenticated implicit connect to / (session {})", head.getSessionId());
        throw new RefusedConnect();
    }

    /** Aborts netty-socketio's connect-listener loop; carries no stack trace and no client data. */
    static final class RefusedConnect extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RefusedConnect() {
            super("netty-socketio-jwt refused an unauthenticated connect to /", null, false, false);
        }
    }

    // ---------------------------------------------------------------- lifecycle and hooks

    /**
     * netty-socketio forgot a session: drop its state and cancel its timers.
     *
     * @param head the session
     */
    void onDisconnect(ClientHead head) {
        Session session = sessions.remove(head);
        if (session != null) {
            session.close();
        }
    }

    /** Drops the state of sessions that netty-socketio disconnected without telling (never-bound transports). */
    void sweep() {
        sessions.values().removeIf(session -> {
            if (session.head.isConnected()) {
                return false;
            }
            session.close();
            return true;
        });
    }

    private static void notifyForbidden(TokenAuthenticator policy, ClientHead head, Forbidden.Kind kind,
            String name, String namespace, JwtPrincipal principal) {
        try {
            policy.options().listener().onForbidden(new Forbidden(kind, name, display(namespace),
                    principal == null ? null : principal.subject(), head.getRemoteAddress(), head.getSessionId()));
        } catch (RuntimeException e) {
            log.error("An AuthenticationListener failed in onForbidden", e);
        }
    }

    private static void notifyAuthenticated(TokenAuthenticator policy, SocketIOClient client, JwtPrincipal principal) {
        try {
            policy.options().listener().onAuthenticated(client, principal);
        } catch (RuntimeException e) {
            log.error("An AuthenticationListener failed in onAuthenticated", e);
        }
    }

    private static void notifyFailure(TokenAuthenticator policy, ClientHead head, String namespace,
            UnauthorizedException error) {
        notify(policy, head, namespace, error, Outcome.FAILED, null);
    }

    private static void notify(TokenAuthenticator policy, ClientHead head, String namespace,
            UnauthorizedException error, Outcome outcome, String subject) {
        log.debug("{} session {} on {}: {} ({})", outcome, head.getSessionId(), display(namespace),
                error.detailedCode(), error.getMessage());
        AuthenticationFailure failure = new AuthenticationFailure(error, display(namespace), head.getRemoteAddress(),
                head.getSessionId(), subject);
        try {
            switch (outcome) {
                case EXPIRED:
                    policy.options().listener().onExpired(failure);
                    break;
                case DEAUTHENTICATED:
                    policy.options().listener().onDeauthenticated(failure);
                    break;
                default:
                    policy.options().listener().onFailure(failure);
            }
        } catch (RuntimeException e) {
            log.error("An AuthenticationListener failed on {}", outcome, e);
        }
    }

    private static UnauthorizedException unauthorized(Throwable error) {
        Throwable cause = TokenAuthenticator.cause(error);
        if (cause instanceof UnauthorizedException) {
            return (UnauthorizedException) cause;
        }
        log.error("Unexpected failure while authenticating: {}", cause.getClass().getName());
        return new UnauthorizedException(ErrorCode.INVALID_TOKEN, "invalid token");
    }

    static String display(String namespace) {
        return namespace.isEmpty() ? "/" : namespace;
    }
}
