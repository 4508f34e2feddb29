package io.github.socketiojwt;

import io.github.socketiojwt.testing.JavaClient;
import io.github.socketiojwt.testing.NodeClient;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connected socket keeps its rights only until its token's {@code exp}: then it gets {@code unauthorized}
 * "jwt expired" and is disconnected, in both modes, idle or not; renewing with a fresh token moves the expiry.
 */
class LiveExpiryTest {

    private static final Duration WAIT = Duration.ofSeconds(8);
    private static final Map<String, Object> EXPIRED = Map.of("message", "jwt expired", "data",
            Map.of("message", "jwt expired", "code", "invalid_token", "type", "UnauthorizedError"));

    private final java.util.List<String> renewed = new java.util.concurrent.CopyOnWriteArrayList<>();
    private TestServer server;

    @BeforeEach
    void start() {
        AuthenticationListener hooks = new AuthenticationListener() {
            @Override
            public void onRenewed(com.corundumstudio.socketio.SocketIOClient client, JwtPrincipal principal) {
                renewed.add(principal.subject());
            }
        };
        server = TestServer.start(s -> {
            SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET).build()).install(s, "/");
            SocketIoJwt.authorize(JwtAuthOptions.authenticate().secret(TestTokens.SECRET).listener(hooks).build())
                    .install(s, "/admin");
            SocketIoJwt.authorize(JwtAuthOptions.authenticate().secret(TestTokens.SECRET).allowSubjectChange(true)
                    .build()).install(s, "/chat");
        });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String expiringIn(int seconds) {
        return TestTokens.token(TestTokens.SECRET, "alice", Instant.now().plusSeconds(seconds));
    }

    @Test
    void handshakeModeExpiresAnIdleSocketAtItsTokensExp() {
        try (JavaClient client = JavaClient.connect(server.url(), "/", Map.of("token", expiringIn(2)), null, null)) {
            client.awaitOrFail("connect", WAIT);
            assertEquals(EXPIRED, client.awaitOrFail("unauthorized", WAIT).arg(0));
            client.awaitOrFail("disconnect", WAIT);
            int before = server.appCalls("event / echo").size();
            client.emit("echo", "after expiry"); // the socket is gone: nothing reaches the application
            assertEquals(before, server.appCalls("event / echo").size());
            assertEquals(1, server.appCalls("disconnect / ").size(), "the application saw it leave");
        }
    }

    @Test
    void authenticateModeExpiresASocketAtItsTokensExp() {
        try (JavaClient client = JavaClient.connect(server.url(), "/admin", null, null, null)) {
            client.awaitOrFail("connect", WAIT);
            client.emit("authenticate", Map.of("token", expiringIn(2)));
            client.awaitOrFail("authenticated", WAIT);
            assertEquals(EXPIRED, client.awaitOrFail("unauthorized", WAIT).arg(0));
            client.awaitOrFail("disconnect", WAIT);
        }
    }

    @Test
    void renewingBeforeExpiryKeepsTheSocketPastTheFirstExp() throws InterruptedException {
        try (JavaClient client = JavaClient.connect(server.url(), "/admin", null, null, null)) {
            client.awaitOrFail("connect", WAIT);
            client.emit("authenticate", Map.of("token", expiringIn(2)));
            client.awaitOrFail("authenticated", WAIT);
            client.emit("authenticate", Map.of("token", expiringIn(60)));
            client.await(e -> e.name().equals("authenticated") && client.events().stream()
                    .filter(x -> x.name().equals("authenticated")).count() == 2, WAIT).orElseThrow();
            Thread.sleep(3000); // past the first token's exp
            assertFalse(client.has("unauthorized"), client.events().toString());
            client.emit("echo", "still here");
            assertEquals("still here", client.awaitOrFail("echo-response", WAIT).arg(0));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/", "/admin"})
    void aRenewalWithABadTokenIsRefusedAndTakesTheSocketOutAtOnce(String namespace) {
        Map<String, Object> auth = "/".equals(namespace) ? Map.of("token", TestTokens.token("alice")) : null;
        try (JavaClient client = JavaClient.connect(server.url(), namespace, auth, null, null)) {
            client.awaitOrFail("connect", WAIT);
            if (auth == null) {
                client.emit("authenticate", Map.of("token", TestTokens.token("alice")));
                client.awaitOrFail("authenticated", WAIT);
            }
            client.emit("authenticate", Map.of("token", TestTokens.tampered("alice")));
            assertEquals(Map.of("message", "invalid signature", "data", Map.of("message", "invalid signature",
                    "code", "invalid_token", "type", "UnauthorizedError")),
                    client.awaitOrFail("unauthorized", WAIT).arg(0));
            client.awaitOrFail("disconnect", WAIT);
            int before = server.appCalls("event " + namespace + " echo").size();
            client.emit("echo", "after a bad renewal");
            assertEquals(before, server.appCalls("event " + namespace + " echo").size());
            assertEquals(1, server.appCalls("disconnect " + namespace + " ").size(), "the application saw it leave");
            assertEquals(java.util.List.of(), renewed);
        }
    }

    @Test
    void aRenewalForAnotherSubjectIsRefusedAndDisconnects() {
        try (JavaClient client = JavaClient.connect(server.url(), "/admin", null, null, null)) {
            client.awaitOrFail("connect", WAIT);
            client.emit("authenticate", Map.of("token", TestTokens.token("alice")));
            client.awaitOrFail("authenticated", WAIT);
            client.emit("authenticate", Map.of("token", TestTokens.token("mallory")));
            assertEquals(Map.of("message", "jwt subject changed", "data", Map.of("message", "jwt subject changed",
                    "code", "subject_changed", "type", "UnauthorizedError")),
                    client.awaitOrFail("unauthorized", WAIT).arg(0));
            client.awaitOrFail("disconnect", WAIT);
            assertEquals(java.util.List.of(), renewed);
        }
    }

    @Test
    void aRenewalForTheSameSubjectFiresTheRenewedHookAndSwitchingIsAllowedWhenConfigured() {
        try (JavaClient admin = JavaClient.connect(server.url(), "/admin", null, null, null)) {
            admin.awaitOrFail("connect", WAIT);
            admin.emit("authenticate", Map.of("token", TestTokens.token("alice")));
            admin.awaitOrFail("authenticated", WAIT);
            admin.emit("authenticate", Map.of("token", TestTokens.token("alice")));
            admin.await(e -> admin.events().stream().filter(x -> x.name().equals("authenticated")).count() == 2,
                    WAIT).orElseThrow();
            assertEquals(java.util.List.of("alice"), renewed);
        }
        // Connected only now: its 5 s authentication timeout does not run while the first part does.
        try (JavaClient chat = JavaClient.connect(server.url(), "/chat", null, null, null)) {
            chat.awaitOrFail("connect", WAIT);
            chat.emit("authenticate", Map.of("token", TestTokens.token("alice")));
            chat.awaitOrFail("authenticated", WAIT);
            chat.emit("authenticate", Map.of("token", TestTokens.token("bob")));
            chat.await(e -> chat.events().stream().filter(x -> x.name().equals("authenticated")).count() == 2,
                    WAIT).orElseThrow();
            chat.emitWithAck("whoami", Map.of());
            assertEquals("bob", ((Map<?, ?>) chat.awaitOrFail("ack:whoami", WAIT).arg(0)).get("sub"));
            assertFalse(chat.has("unauthorized"));
        }
    }

    static Stream<Arguments> nodeClients() {
        return Stream.of("2", "4").flatMap(v -> Stream.of("polling", "websocket").map(t -> Arguments.of(v, t)));
    }

    /** Lifetime of the short tokens given to Node clients: long enough for a slow machine to start Node. */
    private static final int NODE_TOKEN_S = 4;

    private NodeClient nodeOnRoot(String version, String transport, String token) {
        NodeClient client = NodeClient.of(version, server.url()).transports(transport).listen("echo-response");
        return "4".equals(version) ? client.auth(Map.of("token", token)) : client.query("token", token);
    }

    /** Socket.IO 2 clients also join "/", protected in handshake mode here: they bring a long-lived token for it. */
    private NodeClient nodeOnAdmin(String version, String transport) {
        NodeClient client = NodeClient.of(version, server.url()).namespace("/admin").transports(transport)
                .listen("echo-response");
        return "4".equals(version) ? client : client.query("token", TestTokens.token("root-pass"));
    }

    /** Both modes at once: "/" (handshake) and "/admin" (authenticate), one client each, run side by side. */
    @ParameterizedTest(name = "socket.io-client v{0} over {1}")
    @MethodSource("nodeClients")
    void nodeClientsAreToldTheirSessionExpiredInBothModes(String version, String transport) {
        CompletableFuture<NodeClient.Result> handshakeRun = nodeOnRoot(version, transport,
                expiringIn(NODE_TOKEN_S)).waitFor("connect", 8000).waitFor("unauthorized", 12000)
                .waitFor("disconnect", 5000).maxMs(30_000).runAsync();
        NodeClient.Result authenticate = nodeOnAdmin(version, transport).waitFor("connect", 8000)
                .emit("authenticate", Map.of("token", expiringIn(NODE_TOKEN_S))).waitFor("authenticated", 5000)
                .waitFor("unauthorized", 12000).waitFor("disconnect", 5000).maxMs(30_000).run();
        for (NodeClient.Result result : List.of(handshakeRun.join(), authenticate)) {
            assertTrue(result.timeouts().isEmpty(), result.toString());
            assertEquals(EXPIRED, result.first("unauthorized").orElseThrow().firstArg());
        }
    }

    /** A renewal in each mode keeps each socket past its first token's exp. */
    @ParameterizedTest(name = "socket.io-client v{0} over {1}")
    @MethodSource("nodeClients")
    void nodeClientsRenewingBeforeExpiryStayPastTheFirstExp(String version, String transport) {
        CompletableFuture<NodeClient.Result> handshakeRun = nodeOnRoot(version, transport,
                expiringIn(NODE_TOKEN_S)).waitFor("connect", 8000)
                .emit("authenticate", Map.of("token", expiringIn(60))).waitFor("authenticated", 5000)
                .sleep(NODE_TOKEN_S * 1000 + 1000).emit("echo", "still here").waitFor("echo-response", 5000)
                .maxMs(30_000).runAsync();
        NodeClient.Result authenticate = nodeOnAdmin(version, transport).waitFor("connect", 8000)
                .emit("authenticate", Map.of("token", expiringIn(NODE_TOKEN_S))).waitFor("authenticated", 5000)
                .emit("authenticate", Map.of("token", expiringIn(60))).waitFor("authenticated", 5000)
                .sleep(NODE_TOKEN_S * 1000 + 1000).emit("echo", "still here").waitFor("echo-response", 5000)
                .maxMs(30_000).run();
        for (NodeClient.Result result : List.of(handshakeRun.join(), authenticate)) {
            assertTrue(result.timeouts().isEmpty(), result.toString());
            assertTrue(result.first("unauthorized").isEmpty(), result.toString());
            assertEquals("still here", result.first("echo-response").orElseThrow().firstArg());
        }
    }

    /**
     * While the server broadcasts about every millisecond, a socket receives nothing after its {@code unauthorized}
     * "jwt expired": it leaves the namespace and its rooms before it is told.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"polling", "websocket"})
    void aSocketThatExpiresDuringAHighRateBroadcastReceivesNothingAfterItsExpiry(String transport)
            throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        Thread broadcaster = new Thread(() -> {
            long n = 0;
            while (running.get()) {
                server.server().getNamespace("").getBroadcastOperations().sendEvent("tick", n);
                server.server().getNamespace("").getRoomOperations("lobby").sendEvent("tick", n++);
                LockSupport.parkNanos(1_000_000);
            }
        }, "broadcaster");
        try (JavaClient victim = JavaClient.connect(server.url(), "/", Map.of("token", expiringIn(2)), null, null,
                transport).listen("tick");
             JavaClient control = JavaClient.connect(server.url(), "/", Map.of("token", expiringIn(60)), null,
                     null, transport).listen("tick")) {
            victim.awaitOrFail("connect", WAIT);
            control.awaitOrFail("connect", WAIT);
            broadcaster.start();
            victim.awaitOrFail("unauthorized", WAIT);
            long controlTicksAtExpiry = control.events().stream().filter(e -> e.name().equals("tick")).count();
            victim.awaitOrFail("disconnect", WAIT);
            Thread.sleep(500);
            List<String> names = victim.events().stream().map(JavaClient.Event::name).toList();
            int expiry = names.indexOf("unauthorized");
            assertTrue(names.subList(0, expiry).contains("tick"), "the victim received ticks before: " + names);
            assertFalse(names.subList(expiry, names.size()).contains("tick"), "a tick after expiry: " + names);
            long controlTicks = control.events().stream().filter(e -> e.name().equals("tick")).count();
            assertTrue(controlTicks > controlTicksAtExpiry + 50, "the broadcast went on: " + controlTicksAtExpiry
                    + " then " + controlTicks);
        } finally {
            running.set(false);
            broadcaster.join();
        }
    }
}
