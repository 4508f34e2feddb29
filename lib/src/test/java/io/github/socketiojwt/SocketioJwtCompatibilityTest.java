package io.github.socketiojwt;

import io.github.socketiojwt.testing.NodeClient;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.corundumstudio.socketio.SocketIOServer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * socketio-jwt 4.6.2's test suite ({@code test/authorizer*.test.js}), ported: the same scenarios, codes and
 * messages, run by Node's socket.io-client 2.5.0 (what socketio-jwt users have) and 4.8 against a real server, over
 * polling, websocket and the default upgrade. Fixture as socketio-jwt's: {@code /} per test, {@code /admin} in
 * authenticate mode, {@code /admin_hs} in handshake mode, {@code /chat} public.
 */
class SocketioJwtCompatibilityTest {

    private static final long WAIT = 5000;

    private TestServer server;

    static Stream<Arguments> clients() {
        return Stream.of("2", "4").flatMap(v -> Stream.of("polling", "websocket", "default")
                .map(t -> Arguments.of(v, t)));
    }

    private void start(Consumer<SocketIOServer> root) {
        server = TestServer.start(s -> {
            root.accept(s);
            SocketIoJwt.authorize(JwtAuthOptions.authenticate().secret(TestTokens.SECRET)
                    .timeout(Duration.ofMillis(1500)).build()).install(s, "/admin");
            SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET).build()).install(s, "/admin_hs");
        });
    }

    private NodeClient client(String version, String transport) {
        NodeClient client = NodeClient.of(version, server.url()).listen("hi", "echo-response", "error");
        return "default".equals(transport) ? client : client.transports(transport);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    // ---------------------------------------------------------------- authorizer.test.js (authenticate mode)

    @ParameterizedTest(name = "v{0} {1}")
    @MethodSource("clients")
    void authenticateModeClosesTheConnectionAfterATimeoutWithoutAuthentication(String version, String transport) {
        start(s -> SocketIoJwt.authorize(JwtAuthOptions.authenticate().secret(TestTokens.SECRET)
                .timeout(Duration.ofMillis(500)).build()).install(s, "/"));
        NodeClient.Result result = client(version, transport)
                .waitFor("connect", WAIT).emit("echo", Map.of("hi", 1)).waitFor("disconnect", WAIT).run();
        assertTrue(result.timeouts().isEmpty(), result.toString());
        assertFalse(result.has("echo-response"), result.toString());
        assertTrue(server.appCalls().isEmpty(), server.appCalls().toString());
    }

    @ParameterizedTest(name = "v{0} {1}")
    @MethodSource("clients")
    void authenticateModeConnectsAndEchoesOnceAuthenticated(String version, String transport) {
        start(s -> SocketIoJwt.authorize(JwtAuthOptions.authenticate().secret(TestTokens.SECRET).build())
                .install(s, "/"));
        NodeClient.Result result = client(version, transport)
                .waitFor("connect", WAIT)
                .emit("authenticate", Map.of("token", TestTokens.token("jose")))
                .waitFor("authenticated", WAIT)
                .emit("echo", Map.of("hi", 123))
                .waitFor("echo-response", WAIT).run();
        assertTrue(result.timeouts().isEmpty(), result.toString());
        assertEquals(Map.of("hi", 123L), result.first("echo-response").orElseThrow().firstArg());
    }

    @ParameterizedTest(name = "v{0} {1}")
    @MethodSource("clients")
    void authenticateModeRefusesAnUnsignedToken(String version, String transport) {
        start(s -> SocketIoJwt.authorize(JwtAuthOptions.authenticate().secret(TestTokens.SECRET).build())
                .install(s, "/"));
        NodeClient.Result result = client(version, transport)
                .waitFor("connect", WAIT)
                .emit("authenticate", Map.of("token", TestTokens.UNSIGNED))
                .waitFor("unauthorized", WAIT).waitFor("disconnect", WAIT).run();
        assertTrue(result.timeouts().isEmpty(), result.toString());
        assertEquals(Map.of("message", "jwt signature is required", "data", Map.of("message",
                "jwt signature is required", "code", "invalid_token", "type", "UnauthorizedError")),
                result.first("unauthorized").orElseThrow().firstArg());
        assertTrue(result.first("unauthorized").orElseThrow().hasAck(), "unauthorized carries an ack callback");
        assertTrue(server.appCalls().isEmpty(), server.appCalls().toString());
    }

    @ParameterizedTest(name = "v{0} {1}")
    @MethodSource("clients")
    void authenticateModeDisconnectsAClientThatNeverAcksUnauthorized(String version, String transport) {
        start(s -> SocketIoJwt.authorize(JwtAuthOptions.authenticate().secret(TestTokens.SECRET).build())
                .install(s, "/"));
        NodeClient.Result result = client(version, transport).ackUnauthorized(false)
                .waitFor("connect", WAIT)
                .emit("authenticate", Map.of("token", "boooooo"))
                .waitFor("unauthorized", WAIT).waitFor("disconnect", WAIT).run();
        assertTrue(result.timeouts().isEmpty(), result.toString());
        long gap = result.first("disconnect").orElseThrow().t() - result.first("unauthorized").orElseThrow().t();
        assertTrue(gap < 1500, "disconnected " + gap + " ms after unauthorized");
    }

    // ---------------------------------------------------------------- authorizer_noqs / handshake tests

    @ParameterizedTest(name = "v{0} {1}")
    @MethodSource("clients")
    void handshakeModeConnectsWithAQueryToken(String version, String transport) {
        start(s -> SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET).build())
                .install(s, "/"));
        NodeClient.Result result = client(version, transport).query("token", TestTokens.token("jose"))
                .waitFor("connect", WAIT).emit("echo", Map.of("hi", 123)).waitFor("echo-response", WAIT).run();
        assertTrue(result.timeouts().isEmpty(), result.toString());
        assertEquals(1, server.appCalls("connect / ").size(), server.appCalls().toString());
    }

    @ParameterizedTest(name = "v{0} {1}")
    @MethodSource("clients")
    void handshakeModeConnectsWithABearerHeader(String version, String transport) {
        start(s -> SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET).build())
                .install(s, "/"));
        NodeClient.Result result = client(version, transport)
                .header("Authorization", "Bearer " + TestTokens.token("jose"))
                .waitFor("connect", WAIT).emit("echo", "x").waitFor("echo-response", WAIT).run();
        assertTrue(result.timeouts().isEmpty(), result.toString());
    }

    @ParameterizedTest(name = "v{0} {1}")
    @MethodSource("clients")
    void handshakeModeRefusesAMissingToken(String version, String transport) {
        start(s -> SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET).build())
                .install(s, "/"));
        assertRefused(version, client(version, transport), "no token provided", "credentials_required");
    }

    @ParameterizedTest(name = "v{0} {1}")
    @MethodSource("clients")
    void handshakeModeRefusesAMalformedToken(String version, String transport) {
        start(s -> SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET).build())
                .install(s, "/"));
        assertRefused(version, client(version, transport).query("token", "boooooo"), "jwt malformed",
                "invalid_token");
    }

    @ParameterizedTest(name = "v{0} {1}")
    @MethodSource("clients")
    void handshakeModeRefusesAnUnsignedToken(String version, String transport) {
        start(s -> SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET).build())
                .install(s, "/"));
        assertRefused(version, client(version, transport).query("token", TestTokens.UNSIGNED),
                "jwt signature is required", "invalid_token");
    }

    @ParameterizedTest(name = "v{0} {1}")
    @MethodSource("clients")
    void authHeaderRequiredRefusesAQueryTokenAndAcceptsTheHeader(String version, String transport) {
        start(s -> SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET)
                .authHeaderRequired(true).build()).install(s, "/"));
        assertRefused(version, client(version, transport).query("token", TestTokens.token("jose")),
                "Server requires Authorization Header", "missing_authorization_header");
        NodeClient.Result ok = client(version, transport).header("Authorization", "bearer " + TestTokens.token("j"))
                .waitFor("connect", WAIT).run();
        assertTrue(ok.timeouts().isEmpty(), ok.toString());
    }

    @ParameterizedTest(name = "v2 {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"polling", "websocket"})
    void aV2ClientRefusedOnTheDefaultNamespaceMayStillUseAPublicOne(String transport) {
        // Engine.IO v3 clients are put on "/" by the server: they are refused there at once, and must still reach
        // a public namespace (to log in over the WebSocket, say) without the connection being closed under them.
        start(s -> SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET).build())
                .install(s, "/"));
        NodeClient.Result result = client("2", transport).namespace("/chat")
                .waitFor("error", WAIT).waitFor("connect", WAIT).sleep(1200)
                .emit("echo", "still served").waitFor("echo-response", WAIT).run();
        assertTrue(result.timeouts().isEmpty(), result.toString());
        assertFalse(result.has("disconnect"), result.toString());
        assertTrue(server.appCalls("connect / ").isEmpty(), server.appCalls().toString());
    }

    // ---------------------------------------------------------------- authorizer_namespaces.test.js

    @ParameterizedTest(name = "v{0} {1}")
    @MethodSource("clients")
    void namespacesKeepTheDefaultPublicAndProtectAdminInBothModes(String version, String transport) {
        start(s -> { });
        String token = TestTokens.token("jose");
        NodeClient.Result open = client(version, transport).waitFor("connect", WAIT).emit("echo", "x")
                .waitFor("echo-response", WAIT).run();
        assertTrue(open.timeouts().isEmpty(), "/ is public: " + open);

        NodeClient.Result admin = client(version, transport).namespace("/admin").waitFor("connect", WAIT)
                .emit("authenticate", Map.of("token", token)).waitFor("authenticated", WAIT)
                .waitFor("hi", WAIT).run();
        assertTrue(admin.timeouts().isEmpty(), admin.toString());

        NodeClient.Result adminHs = client(version, transport).namespace("/admin_hs").query("token", token)
                .waitFor("connect", WAIT).waitFor("hi", WAIT).run();
        assertTrue(adminHs.timeouts().isEmpty(), adminHs.toString());

        assertRefused(version, client(version, transport).namespace("/admin_hs").query("token", "boooooo"),
                "jwt malformed", "invalid_token");
    }

    // ---------------------------------------------------------------- authorizer_secret_function*.test.js

    @ParameterizedTest(name = "v{0} {1}")
    @MethodSource("clients")
    void secretFunctionVerifiesWithThePerUserSecretAndRefusesAnotherUsersToken(String version, String transport) {
        Map<Object, String> secrets = Map.of(1L, TestTokens.SECRET, 2L, TestTokens.OTHER_SECRET);
        KeyResolver perUser = KeyResolver.of(request -> {
            String secret = secrets.get(request.unverifiedClaims().get("id"));
            return secret == null ? null : TestTokens.key(secret);
        });
        start(s -> {
            SocketIoJwt.authorize(JwtAuthOptions.handshake().keyResolver(perUser).build()).install(s, "/");
            SocketIoJwt.authorize(JwtAuthOptions.authenticate().keyResolver(perUser).build()).install(s, "/chat");
        });
        String user1 = TestTokens.token(TestTokens.key(TestTokens.SECRET), Map.of("id", 1, "sub", "u1"));
        String forged = TestTokens.token(TestTokens.key(TestTokens.SECRET), Map.of("id", 2, "sub", "u2"));

        NodeClient.Result ok = client(version, transport).query("token", user1).waitFor("connect", WAIT).run();
        assertTrue(ok.timeouts().isEmpty(), ok.toString());
        assertRefused(version, client(version, transport).query("token", forged), "invalid signature",
                "invalid_token");

        NodeClient.Result noQs = client(version, transport).query("token", user1).namespace("/chat")
                .waitFor("connect", WAIT).emit("authenticate", Map.of("token", forged))
                .waitFor("unauthorized", WAIT).run();
        assertTrue(noQs.timeouts().isEmpty(), noQs.toString());
        assertEquals("invalid signature", ((Map<?, ?>) noQs.first("unauthorized").orElseThrow().firstArg())
                .get("message"));
    }

    // ---------------------------------------------------------------- helpers

    /** v4 clients get connect_error {message, data}; v2 clients get error {message, code, type}; never connect. */
    private void assertRefused(String version, NodeClient client, String message, String code) {
        String event = "4".equals(version) ? "connect_error" : "error";
        NodeClient.Result result = client.waitFor(event, WAIT).sleep(300).run();
        assertTrue(result.timeouts().isEmpty(), result.toString());
        assertFalse(result.has("connect"), "a refused socket never connects: " + result);
        Map<String, Object> data = Map.of("message", message, "code", code, "type", "UnauthorizedError");
        Object payload = result.first(event).orElseThrow().firstArg();
        if ("4".equals(version)) {
            assertEquals(Map.of("message", message, "data", data), payload, result.toString());
        } else {
            assertEquals(data, payload, result.toString());
        }
    }
}
