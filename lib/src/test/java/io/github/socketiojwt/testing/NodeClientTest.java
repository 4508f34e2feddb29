package io.github.socketiojwt.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.corundumstudio.socketio.AckCallback;
import com.corundumstudio.socketio.AuthTokenResult;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIONamespace;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.namespace.Namespace;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proves the {@link NodeClient} harness against a bare netty-socketio server: both Node client versions,
 * with polling-only, websocket-only and default transports.
 */
class NodeClientTest {

    private static final long WAIT_MS = 4000;
    /**
     * ASCII only: netty-socketio 2.0.14 double-UTF-8-encodes non-ASCII text it sends over the base64/text
     * polling encoding, which the Node v2 client always requests ({@code b64=1}, xmlhttprequest-ssl has no
     * XHR2), so v2 polling clients would see mojibake.
     */
    private static final Map<String, Object> PAYLOAD = Map.of(
            "a", 1L,
            "text", "hello \"quoted\" <tag> & 'x'",
            "nested", Map.of("list", List.of(1L, 2.5, true, -7L), "none", "x"));

    /** Servers are stopped in the background (netty's graceful shutdown takes 2-4 s); joined after all. */
    private static final List<CompletableFuture<Void>> STOPPING = new CopyOnWriteArrayList<>();

    private SocketIOServer server;
    private String url;
    private final Queue<Object> authTokens = new ConcurrentLinkedQueue<>();
    private final Queue<Map<String, String>> handshakes = new ConcurrentLinkedQueue<>();
    private final Queue<String> unauthorizedAcks = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void startServer() throws Exception {
        IOException lastFailure = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            Configuration config = new Configuration();
            config.setHostname("127.0.0.1");
            config.setPort(port);
            config.setBossThreads(1);
            config.setWorkerThreads(2);
            SocketIOServer candidate = new SocketIOServer(config);
            configure(candidate);
            try {
                candidate.startAsync().syncUninterruptibly();
                server = candidate;
                url = "http://127.0.0.1:" + port;
                return;
            } catch (Exception e) {
                candidate.stop();
                lastFailure = new IOException("cannot bind port " + port, e);
            }
        }
        throw lastFailure;
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            SocketIOServer s = server;
            server = null;
            STOPPING.add(CompletableFuture.runAsync(s::stop));
        }
    }

    @AfterAll
    static void awaitServersStopped() throws Exception {
        CompletableFuture.allOf(STOPPING.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
        STOPPING.clear();
    }

    private void configure(SocketIOServer s) {
        s.addEventListener("echo", Object.class, (client, data, ackRequest) -> {
            client.sendEvent("echo-response", data);
            if (ackRequest.isAckRequested()) {
                ackRequest.sendAckData(data);
            }
        });
        s.getNamespace(Namespace.DEFAULT_NAME).addAuthTokenListener((authToken, client) -> {
            authTokens.add(authToken);
            if (authToken instanceof Map<?, ?> map && "bad".equals(map.get("token"))) {
                return new AuthTokenResult(false, Map.of("message", "bad token", "data", Map.of("code", 42)));
            }
            return AuthTokenResult.AuthTokenResultSuccess;
        });
        s.addConnectListener(client -> handshakes.add(Map.of(
                "token", String.valueOf(client.getHandshakeData().getSingleUrlParam("token")),
                "header", String.valueOf(client.getHandshakeData().getHttpHeaders().get("X-Test-Token")))));
        // socketio-jwt style: "authenticate" -> "authenticated" or "unauthorized" (with ack, then disconnect)
        s.addEventListener("authenticate", Object.class, (client, data, ackRequest) -> {
            if (data instanceof Map<?, ?> map && "good".equals(map.get("token"))) {
                client.sendEvent("authenticated");
                return;
            }
            client.sendEvent("unauthorized", new AckCallback<>(Object.class, 2) {
                @Override
                public void onSuccess(Object result) {
                    unauthorizedAcks.add("acked");
                    client.disconnect();
                }
            }, Map.of("message", "jwt malformed", "code", "invalid_token", "type", "UnauthorizedError"));
        });
        SocketIONamespace chat = s.addNamespace("/chat");
        chat.addConnectListener(client -> client.sendEvent("hi", "welcome"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** Client version x transports: polling only, websocket only, client default. */
    static Stream<Arguments> clients() {
        List<Arguments> out = new ArrayList<>();
        for (String version : List.of("2", "4")) {
            for (String transport : List.of("polling", "websocket", "default")) {
                out.add(Arguments.of(version, transport));
            }
        }
        return out.stream();
    }

    private NodeClient client(String version, String transport) {
        NodeClient c = NodeClient.of(version, url);
        if (!"default".equals(transport)) {
            c.transports(transport);
        }
        return c;
    }

    private static void assertTransport(String transport, NodeClient.Result r) {
        if ("default".equals(transport)) {
            assertTrue(List.of("polling", "websocket").contains(r.transport()), r.toString());
        } else {
            assertEquals(transport, r.transport(), r.toString());
        }
    }

    @ParameterizedTest(name = "v{0} {1}")
    @MethodSource("clients")
    void connectAndEchoRoundTrip(String version, String transport) {
        NodeClient.Result r = client(version, transport)
                .waitFor("connect", WAIT_MS)
                .emit("echo", PAYLOAD)
                .waitFor("echo-response", WAIT_MS)
                .run();

        assertEquals(List.of(), r.timeouts(), r.toString());
        assertEquals(1, r.count("connect"), r.toString());
        assertEquals(List.of(PAYLOAD), r.first("echo-response").orElseThrow().args(), r.toString());
        assertFalse(r.has("connect_error"), r.toString());
        assertFalse(r.has("disconnect"), "closing at the end is not recorded: " + r);
        assertTransport(transport, r);
    }

    @ParameterizedTest(name = "v{0} {1}")
    @MethodSource("clients")
    void ackRoundTrip(String version, String transport) {
        NodeClient.Result r = client(version, transport)
                .emitWithAck("echo", PAYLOAD)
                .waitFor("ack:echo", WAIT_MS)
                .run();

        assertEquals(List.of(), r.timeouts(), r.toString());
        assertTrue(r.has("connect"), r.toString());
        assertEquals(List.of(PAYLOAD), r.first("ack:echo").orElseThrow().args(), r.toString());
        assertTransport(transport, r);
    }

    @ParameterizedTest(name = "v{0} {1}")
    @MethodSource("clients")
    void namespaceConnectListenerSendsHi(String version, String transport) {
        NodeClient.Result r = client(version, transport)
                .namespace("/chat")
                .waitFor("connect", WAIT_MS)
                .waitFor("hi", WAIT_MS)
                .run();

        assertEquals(List.of(), r.timeouts(), r.toString());
        assertEquals(List.of("welcome"), r.first("hi").orElseThrow().args(), r.toString());
    }

    @ParameterizedTest(name = "v{0} {1}")
    @MethodSource("clients")
    void queryAndExtraHeadersReachTheServer(String version, String transport) {
        NodeClient.Result r = client(version, transport)
                .query("token", "q-1")
                .header("X-Test-Token", "h-1")
                .waitFor("connect", WAIT_MS)
                .run();

        assertEquals(List.of(), r.timeouts(), r.toString());
        assertEquals(List.of(Map.of("token", "q-1", "header", "h-1")), List.copyOf(handshakes), r.toString());
    }

    static Stream<Arguments> versionsAndAckSetting() {
        return Stream.of(Arguments.of("2", true), Arguments.of("2", false),
                Arguments.of("4", true), Arguments.of("4", false));
    }

    @ParameterizedTest(name = "v{0} ackUnauthorized={1}")
    @MethodSource("versionsAndAckSetting")
    void unauthorizedWithAckIsAcknowledgedOnlyWhenAsked(String version, boolean ack) {
        NodeClient.Result r = NodeClient.of(version, url)
                .ackUnauthorized(ack)
                .waitFor("connect", WAIT_MS)
                .emit("authenticate", Map.of("token", "bad"))
                .waitFor("unauthorized", WAIT_MS)
                .waitFor("disconnect", ack ? WAIT_MS : 500)
                .run();

        NodeClient.Event unauthorized = r.first("unauthorized").orElseThrow();
        assertEquals(List.of(Map.of("message", "jwt malformed", "code", "invalid_token", "type", "UnauthorizedError")),
                unauthorized.args(), r.toString());
        assertTrue(unauthorized.hasAck(), r.toString());
        if (ack) {
            assertEquals(List.of(), r.timeouts(), r.toString());
            assertEquals(List.of("io server disconnect"), r.first("disconnect").orElseThrow().args(), r.toString());
            assertEquals(List.of("acked"), List.copyOf(unauthorizedAcks));
        } else {
            assertEquals(List.of("disconnect"), r.timeouts(), r.toString());
            assertTrue(unauthorizedAcks.isEmpty());
        }
    }

    @ParameterizedTest(name = "v{0}")
    @ValueSource(strings = {"2", "4"})
    void authenticateRoundTrip(String version) {
        NodeClient.Result r = NodeClient.of(version, url)
                .emit("authenticate", Map.of("token", "good"))
                .waitFor("authenticated", WAIT_MS)
                .run();

        assertEquals(List.of(), r.timeouts(), r.toString());
        assertEquals(List.of(), r.first("authenticated").orElseThrow().args(), r.toString());
        assertFalse(r.has("unauthorized"), r.toString());
    }

    @ParameterizedTest(name = "v4 {0}")
    @ValueSource(strings = {"polling", "websocket", "default"})
    void v4AuthReachesAuthTokenListener(String transport) {
        NodeClient.Result r = client("4", transport)
                .auth(Map.of("token", "t-123"))
                .waitFor("connect", WAIT_MS)
                .run();

        assertEquals(List.of(), r.timeouts(), r.toString());
        assertEquals(List.of(Map.of("token", "t-123")), List.copyOf(authTokens));
    }

    @Test
    void v4AuthRejectionIsConnectErrorWithMessageAndData() {
        NodeClient.Result r = NodeClient.v4(url)
                .auth(Map.of("token", "bad"))
                .waitFor("connect_error", WAIT_MS)
                .sleep(200)
                .run();

        assertFalse(r.has("connect"), r.toString());
        assertEquals(List.of(Map.of("message", "bad token", "data", Map.of("code", 42L))),
                r.first("connect_error").orElseThrow().args(), r.toString());
    }

    @ParameterizedTest(name = "v{0}")
    @ValueSource(strings = {"2", "4"})
    void unknownNamespaceIsReported(String version) {
        NodeClient c = NodeClient.of(version, url).namespace("/nope");
        NodeClient.Result r = ("2".equals(version) ? c.waitFor("error", WAIT_MS) : c.waitFor("connect_error", WAIT_MS))
                .sleep(200)
                .run();

        assertEquals(List.of(), r.timeouts(), r.toString());
        if ("2".equals(version)) {
            // v2: the server's ERROR packet payload arrives as-is on "error"
            assertEquals(List.of("Invalid namespace"), r.first("error").orElseThrow().args(), r.toString());
        } else {
            // v4: CONNECT_ERROR payloads are read as {message, data}; the plain string gives an empty message
            assertEquals(List.of(Map.of("message", "")), r.first("connect_error").orElseThrow().args(), r.toString());
        }
        assertFalse(r.has("connect"), r.toString());
    }

    @ParameterizedTest(name = "v{0}")
    @ValueSource(strings = {"2", "4"})
    void clientsRunConcurrently(String version) throws Exception {
        List<CompletableFuture<NodeClient.Result>> futures = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            futures.add(NodeClient.of(version, url)
                    .transports(i % 2 == 0 ? "websocket" : "polling")
                    .waitFor("connect", WAIT_MS)
                    .emit("echo", Map.of("client", (long) i))
                    .waitFor("echo-response", WAIT_MS)
                    // stay connected until all clients are in
                    .sleep(500)
                    .runAsync());
        }
        CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);

        for (int i = 0; i < futures.size(); i++) {
            NodeClient.Result r = futures.get(i).get();
            assertEquals(List.of(), r.timeouts(), r.toString());
            assertEquals(List.of(Map.of("client", (long) i)), r.first("echo-response").orElseThrow().args(),
                    r.toString());
        }
    }

    @Test
    void waitForTimeoutStopsTheScenario() {
        long start = System.nanoTime();
        NodeClient.Result r = NodeClient.v4(url)
                .waitFor("connect", WAIT_MS)
                .waitFor("never", 300)
                .emit("echo", "must not be sent")
                .waitFor("echo-response", WAIT_MS)
                .run();

        assertEquals(List.of("never"), r.timeouts(), r.toString());
        assertFalse(r.has("echo-response"), r.toString());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < WAIT_MS, r.toString());
    }
}
