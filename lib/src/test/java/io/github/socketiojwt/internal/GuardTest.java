package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.SocketIOChannelInitializer;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.handler.ClientsBox;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.transport.NamespaceClient;
import io.github.socketiojwt.JwtAuthOptions;
import io.github.socketiojwt.SocketIoJwt;
import io.github.socketiojwt.testing.RawClient;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guard's defences on "/" that end-to-end traffic cannot reach deterministically: netty-socketio's implicit
 * connect racing the tear-down of a parked session.
 */
class GuardTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(s -> SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET)
                .build()).install(s, "/"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anImplicitConnectToRootThatRacesTearDownNeverReachesConnectListeners() throws Exception {
        try (RawClient raw = RawClient.polling(server.url(), 4)) {
            ClientHead head = head(server.server(), UUID.fromString(raw.sid()));
            Namespace root = (Namespace) server.server().getNamespace("");
            NamespaceClient parked = head.getChildClient(root);
            assertNotSame(root, parked.getNamespace(), "an unauthenticated session is parked on /");

            // What netty-socketio does when a poll races the session's tear-down: the parked client is gone,
            // and AuthorizeHandler.connect attaches the socket to the real "/" and runs its connect listeners.
            head.getNamespaces().remove(root);
            NamespaceClient attached = head.addNamespaceClient(root);
            root.onConnect(attached);

            assertTrue(server.appCalls().isEmpty(), server.appCalls().toString());
            assertNull(root.getClient(attached.getSessionId()), "taken out of the namespace's clients");
            assertFalse(root.getRoomClients("").iterator().hasNext(), "taken out of the namespace's room");
            assertNotSame(root, head.getChildClient(root).getNamespace(), "parked again");
        }
    }

    @Test
    void authenticatedSocketsStillReachConnectListeners() {
        try (RawClient raw = RawClient.websocket(server.url(), 4)) {
            raw.send("40{\"token\":\"" + TestTokens.token("ok") + "\"}");
            raw.await(p -> p.startsWith("42[\"hi\""), WAIT).orElseThrow(() -> new AssertionError(raw.toString()));
            assertEquals(1, server.appCalls("connect / ").size());
        }
    }

    @Test
    void forgetsASessionWhenNettySocketioDoes() throws Exception {
        RawClient raw = RawClient.websocket(server.url(), 4);
        raw.send("40{\"token\":\"boooooo\"}");
        assertTrue(raw.awaitClosed(WAIT), raw.toString());
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (io.github.socketiojwt.JwtAuthorizer.trackedSessions(server.server()) > 0
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, io.github.socketiojwt.JwtAuthorizer.trackedSessions(server.server()));
    }

    private static ClientHead head(SocketIOServer server, UUID sid) throws ReflectiveOperationException {
        Field factory = SocketIOServer.class.getDeclaredField("pipelineFactory");
        factory.setAccessible(true);
        Field box = SocketIOChannelInitializer.class.getDeclaredField("clientsBox");
        box.setAccessible(true);
        return ((ClientsBox) box.get(factory.get(server))).get(sid);
    }

}
