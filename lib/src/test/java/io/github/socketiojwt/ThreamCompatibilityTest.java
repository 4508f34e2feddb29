package io.github.socketiojwt;

import io.github.socketiojwt.testing.NodeClient;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.Serializable;
import java.security.Key;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * @thream/socketio-jwt's scenarios ({@code auth: {token: "Bearer …"}}, an asynchronous secret function,
 * {@code onAuthentication} attaching a user or refusing), with Node's socket.io-client 4.8, over polling and
 * websocket. Codes and messages are socketio-jwt's (Thream's single generic message is not reproduced: clients
 * can tell an expired token from a forged one).
 */
class ThreamCompatibilityTest {

    private static final long WAIT = 5000;

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start() {
        KeyResolver asyncSecret = request -> CompletableFuture.supplyAsync(() -> (Key) TestTokens.key(TestTokens.SECRET));
        AuthenticationValidator onAuthentication = (principal, handshake) -> CompletableFuture.supplyAsync(() -> {
            if ("ghost".equals(principal.subject())) {
                throw new UnauthorizedException("user_not_found", "User not found");
            }
            return (Serializable) Map.of("name", principal.subject());
        });
        server = TestServer.start(s -> {
            SocketIoJwt.authorize(JwtAuthOptions.handshake().keyResolver(asyncSecret).validator(onAuthentication)
                    .build()).install(s, "/");
            s.addEventListener("user", Object.class, (client, data, ack) ->
                    ack.sendAckData((Object) SocketIoJwt.principal(client).orElseThrow().user()));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket"})
    void connectsWithABearerAuthTokenAndAttachesTheUser(String transport) {
        start();
        NodeClient.Result result = NodeClient.v4(server.url()).transports(transport)
                .auth(Map.of("token", "Bearer " + TestTokens.token("jane")))
                .waitFor("connect", WAIT).emitWithAck("user", 1).waitFor("ack:user", WAIT).run();
        assertTrue(result.timeouts().isEmpty(), result.toString());
        assertEquals(Map.of("name", "jane"), result.first("ack:user").orElseThrow().firstArg());
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket"})
    void refusesMissingBadlyFormattedAndInvalidTokens(String transport) {
        start();
        assertRefused(transport, Map.of(), "no token provided", "credentials_required");
        assertRefused(transport, Map.of("token", "Bearer"), "Format is Authorization: Bearer [token]",
                "credentials_bad_format");
        assertRefused(transport, Map.of("token", "Bearer " + TestTokens.tampered("jane")), "invalid signature",
                "invalid_token");
        assertRefused(transport, Map.of("token", 42), "invalid token datatype", "invalid_token");
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket"})
    void onAuthenticationRefusesWithItsOwnCodeAndMessage(String transport) {
        start();
        assertRefused(transport, Map.of("token", "Bearer " + TestTokens.token("ghost")), "User not found",
                "user_not_found");
    }

    private void assertRefused(String transport, Map<String, ?> auth, String message, String code) {
        NodeClient client = NodeClient.v4(server.url()).transports(transport);
        if (!auth.isEmpty()) {
            client.auth(auth);
        }
        NodeClient.Result result = client.waitFor("connect_error", WAIT).run();
        assertTrue(result.timeouts().isEmpty(), result.toString());
        assertFalse(result.has("connect"), result.toString());
        assertEquals(Map.of("message", message, "data", Map.of("message", message, "code", code, "type",
                "UnauthorizedError")), result.first("connect_error").orElseThrow().firstArg(), result.toString());
    }
}
