package io.github.socketiojwt;

import io.github.socketiojwt.testing.JavaClient;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Authenticate mode (two round trips) end to end, with the Java Socket.IO client (protocol v4). */
class AuthenticateModeTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final List<String> hooks = new CopyOnWriteArrayList<>();
    private TestServer server;

    private void start(JwtAuthOptions.Builder options) {
        AuthenticationListener listener = new AuthenticationListener() {
            @Override
            public void onAuthenticated(com.corundumstudio.socketio.SocketIOClient client, JwtPrincipal principal) {
                hooks.add("authenticated " + principal.subject());
            }

            @Override
            public void onFailure(AuthenticationFailure failure) {
                hooks.add("failure " + failure.namespace() + " " + failure.detailedCode() + " " + failure.message());
            }
        };
        server = TestServer.start(s -> SocketIoJwt.authorize(options.secret(TestTokens.SECRET).listener(listener)
                .build()).install(s, "/admin"));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "polling"})
    void authenticatesThenRunsConnectListenersAndDeliversEvents(String transport) {
        start(JwtAuthOptions.authenticate());
        try (JavaClient client = JavaClient.connect(server.url(), "/admin", null, null, null, transport)) {
            client.awaitOrFail("connect", WAIT);
            client.emit("echo", "too early");
            client.emit("authenticate", Map.of("token", TestTokens.token("alice")));
            client.awaitOrFail("authenticated", WAIT);
            client.awaitOrFail("hi", WAIT);
            client.emit("echo", "now");
            assertEquals("now", client.awaitOrFail("echo-response", WAIT).arg(0));
            List<String> names = new ArrayList<>();
            client.events().forEach(e -> names.add(e.name()));
            assertTrue(names.indexOf("authenticated") < names.indexOf("hi"), names.toString());
            assertEquals(1, server.appCalls("event /admin echo").size(), server.appCalls().toString());
            assertEquals(List.of("authenticated alice"), hooks);
        }
    }

    @Test
    void refusesABadTokenWithUnauthorizedAndDisconnects() {
        start(JwtAuthOptions.authenticate());
        try (JavaClient client = JavaClient.connect(server.url(), "/admin", null, null, null)) {
            client.awaitOrFail("connect", WAIT);
            client.emit("authenticate", Map.of("token", "boooooo"));
            JavaClient.Event unauthorized = client.awaitOrFail("unauthorized", WAIT);
            assertEquals(Map.of("message", "jwt malformed", "data",
                    Map.of("message", "jwt malformed", "code", "invalid_token", "type", "UnauthorizedError")),
                    unauthorized.arg(0));
            client.awaitOrFail("disconnect", WAIT);
            assertTrue(server.appCalls("connect /admin").isEmpty(), server.appCalls().toString());
            assertEquals(List.of("failure /admin token_malformed jwt malformed"), hooks);
        }
    }

    @Test
    void refusesATokenThatIsNotAString() {
        start(JwtAuthOptions.authenticate());
        try (JavaClient client = JavaClient.connect(server.url(), "/admin", null, null, null)) {
            client.awaitOrFail("connect", WAIT);
            client.emit("authenticate", Map.of("token", 123));
            @SuppressWarnings("unchecked")
            Map<String, Object> payload = (Map<String, Object>) client.awaitOrFail("unauthorized", WAIT).arg(0);
            assertEquals("invalid token datatype", payload.get("message"));
            assertEquals("invalid_token", ((Map<?, ?>) payload.get("data")).get("code"));
        }
    }

    @Test
    void disconnectsASocketThatDoesNotAuthenticateInTime() {
        start(JwtAuthOptions.authenticate().timeout(Duration.ofMillis(300)));
        try (JavaClient client = JavaClient.connect(server.url(), "/admin", null, null, null)) {
            client.awaitOrFail("connect", WAIT);
            client.awaitOrFail("disconnect", WAIT);
            assertFalse(client.has("unauthorized"));
            assertTrue(server.appCalls("connect /admin").isEmpty(), server.appCalls().toString());
            assertEquals(List.of("failure /admin authentication_timeout authentication timed out"), hooks);
        }
    }

    @Test
    void setsNoTimerWhenNotRequired() throws InterruptedException {
        start(JwtAuthOptions.authenticate().timeout(Duration.ofMillis(200)).required(false));
        try (JavaClient client = JavaClient.connect(server.url(), "/admin", null, null, null)) {
            client.awaitOrFail("connect", WAIT);
            // Waiting for something that must NOT happen: bounded, and the assertion is on the absence.
            assertTrue(client.await("disconnect", Duration.ofMillis(800)).isEmpty());
            client.emit("authenticate", Map.of("token", TestTokens.token("late")));
            client.awaitOrFail("authenticated", WAIT);
        }
    }
}
