package io.github.socketiojwt;

import com.corundumstudio.socketio.AckMode;
import com.corundumstudio.socketio.SocketIONamespace;
import io.github.socketiojwt.testing.JavaClient;
import io.github.socketiojwt.testing.NodeClient;
import io.github.socketiojwt.testing.RawClient;
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
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WebSocket login flow: a quarantined socket may send only the events its namespace allows ({@code login}),
 * which reach the application through a client that is in no room; the server then authenticates the socket with
 * a token it signed, and the client receives {@code authenticated {token}}.
 */
class ServerIssuedTokenTest {

    private static final Duration WAIT = Duration.ofSeconds(8);
    private static final Duration SETTLE = Duration.ofMillis(300);

    private final List<String> issued = new CopyOnWriteArrayList<>();
    private final List<String> outcomes = new CopyOnWriteArrayList<>();
    private final List<String> logins = new CopyOnWriteArrayList<>();
    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(config -> config.setAckMode(AckMode.MANUAL), s -> {
            SocketIoJwt.authorize(JwtAuthOptions.authenticate().secret(TestTokens.SECRET)
                    .timeout(Duration.ofSeconds(10)).allowUnauthenticatedEvents("login").build())
                    .install(s, "/", "/admin");
            SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET).build())
                    .install(s, "/admin_hs");
            for (String name : List.of("/", "/admin", "/admin_hs")) {
                SocketIONamespace ns = "/".equals(name) ? s.getNamespace("") : s.getNamespace(name);
                ns.addEventListener("login", Map.class, (client, credentials, ack) -> {
                    logins.add(name + " principal=" + SocketIoJwt.principal(client).isPresent());
                    client.joinRoom("lobby-attack"); // must not put an unauthenticated socket in a real room
                    Object password = credentials.get("password");
                    if (!"right".equals(password) && !"expired".equals(password)) {
                        ack.sendAckData(Map.of("error", "wrong username or password"));
                        return;
                    }
                    String user = String.valueOf(credentials.get("username"));
                    String token = "expired".equals(password)
                            ? TestTokens.token(TestTokens.SECRET, user, Instant.now().minusSeconds(60))
                            : TestTokens.token(user);
                    issued.add(token);
                    SocketIoJwt.authenticate(client, token).whenComplete((principal, error) -> {
                        if (error == null) {
                            outcomes.add("ok " + principal.subject());
                            ack.sendAckData(Map.of("ok", true));
                        } else {
                            Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                            outcomes.add("failed " + (cause instanceof UnauthorizedException
                                    ? ((UnauthorizedException) cause).errorCode().wireCode()
                                    : cause.getClass().getName()));
                        }
                    });
                });
            }
        });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static Map<String, Object> login(String user, String password) {
        return Map.of("username", user, "password", password);
    }

    @ParameterizedTest(name = "namespace {0}")
    @ValueSource(strings = {"/", "/admin"})
    void aLoginEventAuthenticatesTheSocketWithAServerIssuedToken(String namespace) {
        try (JavaClient client = JavaClient.connect(server.url(), namespace, null, null, null)) {
            client.awaitOrFail("connect", WAIT);
            client.emitWithAck("login", login("alice", "right"));
            Map<?, ?> authenticated = (Map<?, ?>) client.awaitOrFail("authenticated", WAIT).arg(0);
            assertEquals(issued.get(0), authenticated.get("token"), "the client receives the token to store");
            assertEquals(Map.of("ok", true), client.awaitOrFail("ack:login", WAIT).arg(0));
            assertEquals(List.of(namespace + " principal=false"), logins);
            assertEquals(List.of("ok alice"), outcomes);

            client.emitWithAck("whoami", Map.of());
            assertEquals("alice", ((Map<?, ?>) client.awaitOrFail("ack:whoami", WAIT).arg(0)).get("sub"));
            assertEquals(1, server.appCalls("connect " + namespace + " ").size(), "connect listeners ran once");
        }
    }

    @Test
    void aQuarantinedSocketReachesOnlyTheAllowedEventsAndIsInNoRoomMeanwhile() throws InterruptedException {
        try (JavaClient client = JavaClient.connect(server.url(), "/admin", null, null, null).listen("leak")) {
            client.awaitOrFail("connect", WAIT);
            client.emit("echo", "not allowed yet");
            client.emitWithAck("whoami", Map.of());
            client.emitWithAck("login", login("alice", "wrong"));
            assertEquals(Map.of("error", "wrong username or password"), client.awaitOrFail("ack:login", WAIT).arg(0));
            assertEquals(List.of("/admin principal=false"), logins);

            server.server().getNamespace("/admin").getRoomOperations("lobby-attack").sendEvent("leak", "room");
            server.server().getNamespace("/admin").getBroadcastOperations().sendEvent("leak", "namespace");
            server.server().getBroadcastOperations().sendEvent("leak", "server");
            Thread.sleep(SETTLE.toMillis());
            assertTrue(server.appCalls("event").isEmpty(), server.appCalls().toString());
            assertTrue(server.appCalls("connect").isEmpty(), server.appCalls().toString());
            assertFalse(client.has("leak") || client.has("echo-response") || client.has("ack:whoami"),
                    client.events().toString());
            assertTrue(server.server().getNamespace("/admin").getAllClients().isEmpty());
            assertTrue(server.server().getNamespace("/admin").getRoomOperations("lobby-attack").getClients()
                    .isEmpty());
        }
    }

    static Stream<Arguments> wires() {
        return Stream.of("polling", "websocket").flatMap(t -> Stream.of(3, 4).map(v -> Arguments.of(t, v)));
    }

    @ParameterizedTest(name = "{0} EIO{1}")
    @MethodSource("wires")
    void rawFramesCannotSmuggleOtherEventsAlongsideAnAllowedOne(String transport, int eio) {
        try (RawClient raw = "polling".equals(transport) ? RawClient.polling(server.url(), eio)
                : RawClient.websocket(server.url(), eio)) {
            raw.send(eio == 4 ? "40/admin," : "40/admin");
            raw.await(p -> p.startsWith("40/admin"), WAIT).orElseThrow(() -> new AssertionError(raw.toString()));
            // One message: events that are not allowed around an allowed one, with and without acks, and binary.
            raw.send("42/admin,[\"echo\",\"before\"]", "42/admin,5[\"login\",{\"username\":\"m\",\"password\":\"x\"}]",
                    "42/admin,6[\"whoami\",{}]", "451-/admin,[\"echo\",{\"_placeholder\":true,\"num\":0}]",
                    "42/admin,[\"LOGIN\",{}]", "42/admin,[\"login \",{}]", "42/admin,[\"echo\",\"after\"]");
            raw.await(p -> p.startsWith("43/admin,5"), WAIT).orElseThrow(() -> new AssertionError(raw.toString()));
            assertEquals(List.of("/admin principal=false"), logins);
            assertTrue(server.appCalls("event").isEmpty(), server.appCalls().toString());
            assertFalse(raw.received().stream().anyMatch(p -> p.contains("echo-response")
                    || p.startsWith("43/admin,6")), raw.received().toString());
            UUID sid = UUID.fromString(raw.sid());
            assertTrue(server.server().getNamespace("/admin").getAllClients().stream()
                    .noneMatch(c -> c.getSessionId().equals(sid)));
        }
    }

    @Test
    void aServerIssuedTokenTheNamespaceRefusesEndsTheSocketLikeABadAuthenticate() {
        try (JavaClient client = JavaClient.connect(server.url(), "/admin", null, null, null)) {
            client.awaitOrFail("connect", WAIT);
            client.emitWithAck("login", login("alice", "expired"));
            assertEquals("jwt expired", ((Map<?, ?>) client.awaitOrFail("unauthorized", WAIT).arg(0)).get("message"));
            client.awaitOrFail("disconnect", WAIT);
            assertEquals(List.of("failed invalid_token"), outcomes);
            assertFalse(client.has("authenticated"));
        }
    }

    @Test
    void theServerCanPushARenewedTokenToAnAuthenticatedSocket() {
        try (JavaClient client = JavaClient.connect(server.url(), "/admin_hs",
                Map.of("token", TestTokens.token("alice")), null, null)) {
            client.awaitOrFail("connect", WAIT);
            client.emitWithAck("login", login("alice", "right")); // an authenticated socket's ordinary event
            Map<?, ?> authenticated = (Map<?, ?>) client.awaitOrFail("authenticated", WAIT).arg(0);
            assertEquals(issued.get(0), authenticated.get("token"));
            client.awaitOrFail("ack:login", WAIT);
            assertEquals(List.of("/admin_hs principal=true"), logins);
            assertEquals(List.of("ok alice"), outcomes);
        }
    }

    @Test
    void authenticatingASocketOfAnUnprotectedNamespaceFailsWithoutSideEffects() {
        server.server().getNamespace("/chat").addEventListener("claim", Object.class, (client, data, ack) ->
                SocketIoJwt.authenticate(client, TestTokens.token("alice")).whenComplete((p, e) ->
                        outcomes.add(e == null ? "ok" : "failed " + e.getClass().getSimpleName())));
        try (JavaClient client = JavaClient.connect(server.url(), "/chat", null, null, null)) {
            client.awaitOrFail("connect", WAIT);
            client.emit("claim", "x");
            client.emit("echo", "served");
            client.awaitOrFail("echo-response", WAIT);
            assertEquals(List.of("failed IllegalStateException"), outcomes);
            assertFalse(client.has("authenticated"));
        }
    }

    @ParameterizedTest(name = "socket.io-client v{0}")
    @ValueSource(strings = {"2", "4"})
    void nodeClientsLogInOverTheSocket(String version) {
        NodeClient.Result result = NodeClient.of(version, server.url()).namespace("/admin")
                .waitFor("connect", 5000).emitWithAck("login", login("bob", "right"))
                .waitFor("authenticated", 5000).waitFor("ack:login", 5000)
                .emitWithAck("whoami", Map.of()).waitFor("ack:whoami", 5000).run();
        assertTrue(result.timeouts().isEmpty(), result.toString());
        assertEquals(Map.of("token", issued.get(0)), result.first("authenticated").orElseThrow().firstArg());
        assertEquals("bob", ((Map<?, ?>) result.first("ack:whoami").orElseThrow().firstArg()).get("sub"));
    }
}
