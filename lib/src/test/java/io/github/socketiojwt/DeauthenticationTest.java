package io.github.socketiojwt;

import io.github.socketiojwt.testing.JavaClient;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Logout and kick: the server ends a socket's authentication (one socket, or every socket of a subject), or its
 * token expires, and the socket is told why, leaves the namespace, and is disconnected or quarantined.
 */
class DeauthenticationTest {

    private static final Duration WAIT = Duration.ofSeconds(8);
    private static final Map<String, Object> ENDED = Map.of("message", "The session was ended by the server.",
            "data", Map.of("message", "The session was ended by the server.", "code", "deauthenticated", "type",
                    "UnauthorizedError"));

    private final List<String> hooks = new CopyOnWriteArrayList<>();
    private TestServer server;

    @BeforeEach
    void start() {
        AuthenticationListener listener = new AuthenticationListener() {
            @Override
            public void onExpired(AuthenticationFailure expiry) {
                hooks.add("expired " + expiry.namespace() + " " + expiry.subject() + " " + expiry.detailedCode());
            }

            @Override
            public void onDeauthenticated(AuthenticationFailure deauthentication) {
                hooks.add("deauthenticated " + deauthentication.namespace() + " " + deauthentication.subject());
            }
        };
        server = TestServer.start(s -> {
            SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET).listener(listener)
                    .onExpiry(Deauthentication.QUARANTINE).build()).install(s, "/");
            SocketIoJwt.authorize(JwtAuthOptions.authenticate().secret(TestTokens.SECRET).listener(listener).build())
                    .install(s, "/admin");
            s.addEventListener("logout", String.class, (client, action, ack) ->
                    SocketIoJwt.deauthenticate(client, Deauthentication.valueOf(action)));
        });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private JavaClient signedIn(String subject) {
        JavaClient client = JavaClient.connect(server.url(), "/", Map.of("token", TestTokens.token(subject)), null,
                null);
        client.awaitOrFail("hi", WAIT);
        return client;
    }

    @Test
    void logoutWithDisconnectTellsTheClientAndDisconnectsIt() {
        try (JavaClient alice = signedIn("alice")) {
            alice.emit("logout", "DISCONNECT");
            assertEquals(ENDED, alice.awaitOrFail("unauthorized", WAIT).arg(0));
            alice.awaitOrFail("disconnect", WAIT);
            assertEquals(List.of("deauthenticated / alice"), hooks);
            assertEquals(1, server.appCalls("disconnect / ").size());
        }
    }

    @Test
    void logoutWithQuarantineKeepsTheConnectionUntilTheClientAuthenticatesAgain() {
        try (JavaClient alice = signedIn("alice")) {
            alice.emit("logout", "QUARANTINE");
            assertEquals(ENDED, alice.awaitOrFail("unauthorized", WAIT).arg(0));
            int echoes = server.appCalls("event / echo").size();
            alice.emit("echo", "while quarantined");
            alice.emit("authenticate", Map.of("token", TestTokens.token("alice")));
            alice.awaitOrFail("authenticated", WAIT);
            alice.emit("echo", "back");
            alice.await(e -> e.name().equals("echo-response") && "back".equals(e.arg(0)), WAIT).orElseThrow();
            assertEquals(echoes + 1, server.appCalls("event / echo").size(), "the quarantined echo never arrived");
            assertFalse(alice.has("disconnect"));
            assertEquals(2, server.appCalls("connect / ").size(), "connect listeners ran again after re-authenticating");
        }
    }

    @Test
    void deauthenticatingASubjectEndsEveryOneOfItsSocketsAndNoOtherOne() {
        try (JavaClient alice = signedIn("alice");
             JavaClient bob = signedIn("bob");
             JavaClient aliceAdmin = JavaClient.connect(server.url(), "/admin", null, null, null)) {
            aliceAdmin.awaitOrFail("connect", WAIT);
            aliceAdmin.emit("authenticate", Map.of("token", TestTokens.token("alice")));
            aliceAdmin.awaitOrFail("authenticated", WAIT);
            assertEquals(2, SocketIoJwt.deauthenticateSubject(server.server(), "alice", Deauthentication.DISCONNECT));
            assertEquals(ENDED, alice.awaitOrFail("unauthorized", WAIT).arg(0));
            assertEquals(ENDED, aliceAdmin.awaitOrFail("unauthorized", WAIT).arg(0));
            bob.emit("echo", "bob is fine");
            bob.awaitOrFail("echo-response", WAIT);
            assertFalse(bob.has("unauthorized"));
            assertTrue(hooks.containsAll(List.of("deauthenticated / alice", "deauthenticated /admin alice")), hooks
                    .toString());
        }
    }

    @Test
    void anExpiredSocketIsQuarantinedWhenConfiguredAndCanRenew() {
        String shortLived = TestTokens.token(TestTokens.SECRET, "carol", Instant.now().plusSeconds(2));
        try (JavaClient carol = JavaClient.connect(server.url(), "/", Map.of("token", shortLived), null, null)) {
            carol.awaitOrFail("hi", WAIT);
            assertEquals("jwt expired", ((Map<?, ?>) carol.awaitOrFail("unauthorized", WAIT).arg(0)).get("message"));
            carol.emit("authenticate", Map.of("token", TestTokens.token("carol")));
            carol.awaitOrFail("authenticated", WAIT);
            assertFalse(carol.has("disconnect"));
            assertEquals(List.of("expired / carol token_expired"), hooks);
        }
    }
}
