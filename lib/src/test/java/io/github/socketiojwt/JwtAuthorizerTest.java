package io.github.socketiojwt;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOServer;
import io.github.socketiojwt.testing.JavaClient;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Installing authorizers: per namespace, server-wide, and the mistakes that fail fast. */
class JwtAuthorizerTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private static JwtAuthOptions handshake() {
        return JwtAuthOptions.handshake().secret(TestTokens.SECRET).build();
    }

    @Test
    void installRefusesNoNamespaceAndNamesWithoutASlash() {
        SocketIOServer server = new SocketIOServer(new Configuration());
        JwtAuthorizer authorizer = SocketIoJwt.authorize(handshake());
        assertThrows(IllegalArgumentException.class, () -> authorizer.install(server, new String[0]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> authorizer.install(server, "admin"));
        assertEquals("namespace: admin (expected: a name starting with /)", e.getMessage());
    }

    @Test
    void installRefusesToProtectANamespaceTwice() {
        SocketIOServer server = new SocketIOServer(new Configuration());
        SocketIoJwt.authorize(handshake()).install(server, "/admin");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SocketIoJwt.authorize(handshake()).install(server, "/admin"));
        assertEquals("install: namespace /admin is already protected", e.getMessage());
    }

    @Test
    void installAfterStartFailsFast() {
        try (TestServer server = TestServer.start(s -> SocketIoJwt.authorize(handshake()).install(s, "/admin"))) {
            assertThrows(IllegalStateException.class,
                    () -> SocketIoJwt.authorize(handshake()).install(server.server(), "/chat"));
        }
    }

    @Test
    void serverWideInstallProtectsEveryNamespaceAndNamedOnesOverrideIt() {
        try (TestServer server = TestServer.start(s -> {
            SocketIoJwt.authorize(handshake()).install(s);
            SocketIoJwt.authorize(JwtAuthOptions.authenticate().secret(TestTokens.SECRET).build()).install(s, "/admin");
        })) {
            try (JavaClient chat = JavaClient.connect(server.url(), "/chat", null, null, null);
                 JavaClient admin = JavaClient.connect(server.url(), "/admin", null, null, null)) {
                HandshakeModeTest.assertConnectError(chat.awaitOrFail("connect_error", WAIT), "no token provided",
                        "credentials_required");
                admin.awaitOrFail("connect", WAIT); // authenticate mode: connects, then quarantined
                assertFalse(admin.has("hi"));
            }
            assertTrue(server.appCalls("connect /chat").isEmpty());
        }
    }

    @Test
    void namespacesNotNamedStayPublic() {
        try (TestServer server = TestServer.start(s -> SocketIoJwt.authorize(handshake()).install(s, "/admin_hs"));
             JavaClient root = JavaClient.connect(server.url(), "/", null, null, null);
             JavaClient chat = JavaClient.connect(server.url(), "/chat", null, null, null)) {
            root.awaitOrFail("hi", WAIT);
            chat.awaitOrFail("hi", WAIT);
        }
    }

    @Test
    void eachNamespaceTimerStartsAtThatNamespacesConnect() {
        // "/" requires authenticate within 300 ms; a v4 client that only asked for "/chat" is never timed out.
        try (TestServer server = TestServer.start(s -> SocketIoJwt.authorize(JwtAuthOptions.authenticate()
                .secret(TestTokens.SECRET).timeout(Duration.ofMillis(300)).build()).install(s, "/"));
             JavaClient chat = JavaClient.connect(server.url(), "/chat", null, null, null)) {
            chat.awaitOrFail("hi", WAIT);
            assertTrue(chat.await("disconnect", Duration.ofMillis(900)).isEmpty(), chat.events().toString());
            chat.emit("echo", "still here");
            assertEquals("still here", chat.awaitOrFail("echo-response", WAIT).arg(0));
        }
    }

    @Test
    void aRefusedNamespaceLeavesTheClientsOtherNamespacesConnected() {
        try (TestServer server = TestServer.start(s -> SocketIoJwt.authorize(handshake()).install(s, "/admin_hs"));
             JavaClient root = JavaClient.connect(server.url(), "/", null, null, null)) {
            root.awaitOrFail("hi", WAIT);
            try (JavaClient bad = JavaClient.connect(server.url(), "/admin_hs", Map.of("token", "boooooo"), null,
                    null)) {
                bad.awaitOrFail("connect_error", WAIT);
            }
            root.emit("echo", 1);
            root.awaitOrFail("echo-response", WAIT);
        }
    }
}
