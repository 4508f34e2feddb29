package io.github.socketiojwt;

import io.github.socketiojwt.testing.JavaClient;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.Serializable;
import java.security.Key;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Key resolvers and validators that answer later hold only their own connection: other clients keep being
 * served meanwhile (the event loop is never blocked), and a resolver that never answers refuses the socket.
 */
class AsynchronousAuthenticationTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final LinkedBlockingQueue<CompletableFuture<Key>> pendingKeys = new LinkedBlockingQueue<>();
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(JwtAuthOptions.Builder rootOptions) {
        KeyResolver later = request -> {
            CompletableFuture<Key> key = new CompletableFuture<>();
            pendingKeys.add(key);
            return key;
        };
        server = TestServer.start(s -> SocketIoJwt.authorize(rootOptions.keyResolver(later).build())
                .install(s, "/", "/admin"));
    }

    @Test
    void handshakeWaitsForTheResolverWhileOtherClientsAreServed() throws Exception {
        start(JwtAuthOptions.handshake());
        try (JavaClient waiting = JavaClient.connect(server.url(), "/", Map.of("token", TestTokens.token("slow")),
                null, null)) {
            CompletableFuture<Key> key = pendingKeys.poll(5, TimeUnit.SECONDS);
            assertNotNull(key, "the resolver was called");
            try (JavaClient other = JavaClient.connect(server.url(), "/chat", null, null, null)) {
                other.emit("echo", "served while a resolver is pending");
                other.awaitOrFail("echo-response", WAIT);
            }
            assertFalse(waiting.has("connect"), "still waiting for its key");
            key.complete(TestTokens.key(TestTokens.SECRET));
            waiting.awaitOrFail("connect", WAIT);
            waiting.awaitOrFail("hi", WAIT);
        }
    }

    @Test
    void authenticateWaitsForTheResolverWhileOtherClientsAreServed() throws Exception {
        start(JwtAuthOptions.authenticate());
        try (JavaClient waiting = JavaClient.connect(server.url(), "/admin", null, null, null)) {
            waiting.awaitOrFail("connect", WAIT);
            waiting.emit("authenticate", Map.of("token", TestTokens.token("slow")));
            CompletableFuture<Key> key = pendingKeys.poll(5, TimeUnit.SECONDS);
            assertNotNull(key);
            try (JavaClient other = JavaClient.connect(server.url(), "/chat", null, null, null)) {
                other.emit("echo", 1);
                other.awaitOrFail("echo-response", WAIT);
            }
            assertFalse(waiting.has("authenticated"));
            CompletableFuture.runAsync(() -> key.complete(TestTokens.key(TestTokens.SECRET)));
            waiting.awaitOrFail("authenticated", WAIT);
            waiting.awaitOrFail("hi", WAIT);
        }
    }

    @Test
    void aResolverThatNeverAnswersRefusesWithInvalidSecret() {
        start(JwtAuthOptions.handshake().resolutionTimeout(Duration.ofMillis(200)));
        try (JavaClient client = JavaClient.connect(server.url(), "/", Map.of("token", TestTokens.token("x")), null,
                null)) {
            HandshakeModeTest.assertConnectError(client.awaitOrFail("connect_error", WAIT),
                    "secret could not be resolved", "invalid_secret");
        }
    }

    @Test
    void aValidatorRejectsWithItsOwnCodeOrAttachesAUser() {
        AuthenticationValidator validator = (principal, handshake) -> CompletableFuture.supplyAsync(() -> {
            if ("banned".equals(principal.subject())) {
                throw new UnauthorizedException("user_banned", "user is banned");
            }
            return (Serializable) ("user:" + principal.subject());
        });
        server = TestServer.start(s -> {
            SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET).validator(validator).build())
                    .install(s, "/");
            s.addEventListener("user", Object.class, (client, data, ack) ->
                    ack.sendAckData((Object) SocketIoJwt.principal(client).orElseThrow().user()));
        });
        try (JavaClient banned = JavaClient.connect(server.url(), "/", Map.of("token", TestTokens.token("banned")),
                null, null);
             JavaClient fine = JavaClient.connect(server.url(), "/", Map.of("token", TestTokens.token("fine")),
                     null, null)) {
            HandshakeModeTest.assertConnectError(banned.awaitOrFail("connect_error", WAIT), "user is banned",
                    "user_banned");
            fine.awaitOrFail("connect", WAIT);
            fine.emitWithAck("user", 0);
            assertEquals("user:fine", fine.awaitOrFail("ack:user", WAIT).arg(0));
        }
    }
}
