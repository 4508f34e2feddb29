package io.github.socketiojwt;

import com.corundumstudio.socketio.BroadcastOperations;
import com.corundumstudio.socketio.SocketIOServer;
import io.github.socketiojwt.testing.NodeClient;
import io.github.socketiojwt.testing.RawClient;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Socket.IO v2 (Engine.IO v3) and v4 (Engine.IO v4) clients on one protected server, on long polling and on
 * websocket, each receive every namespace, room and server-wide broadcast of a storm intact, text and binary alike.
 * netty-socketio 2.0.14 alone shares one packet among the recipients of a broadcast and encodes it for whichever
 * protocol the last recipient spoke, so a polling client of the other version gets the wrong framing and drops.
 */
class MixedVersionBroadcastTest {

    /** Broadcasts in a storm: one a millisecond, so about two seconds. */
    private static final int STORM = 2000;
    private static final Duration CONNECT_WAIT = Duration.ofSeconds(30);
    private static final Duration DONE_WAIT = Duration.ofSeconds(60);
    private static final String TEXT = "framing-like text: 0:1 b4 12345";
    private static final List<String> KINDS = List.of("namespace", "room", "server");

    private TestServer server;
    private final List<RawClient> rawClients = new ArrayList<>();

    @BeforeEach
    void start() {
        server = TestServer.start(s -> SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET)
                .build()).install(s, "/"));
    }

    @AfterEach
    void stop() {
        rawClients.forEach(RawClient::close);
        server.close();
    }

    @Test
    void everyClientOfEitherVersionGetsEveryBroadcastOfAStormIntactOnPollingAndWebsocket() throws Exception {
        Fleet fleet = connectFleet("bcast");
        storm(i -> {
            String kind = KINDS.get(i % KINDS.size());
            broadcastOf(kind).sendEvent("bcast", kind, i, TEXT);
            return null;
        });
        server.server().getNamespace("").getBroadcastOperations().sendEvent("done");

        List<String> expected = new ArrayList<>();
        List<String> expectedRaw = new ArrayList<>();
        for (int i = 0; i < STORM; i++) {
            String kind = KINDS.get(i % KINDS.size());
            expected.add(kind + " " + i + " " + TEXT);
            expectedRaw.add("42[\"bcast\",\"" + kind + "\"," + i + ",\"" + TEXT + "\"]");
        }
        for (Map.Entry<String, RawClient> raw : fleet.raw.entrySet()) {
            List<String> received = awaitDone(raw.getKey(), raw.getValue()).stream()
                    .filter(p -> p.contains("bcast")).toList();
            assertEquals(expectedRaw, received, raw.getKey());
        }
        for (Map.Entry<String, CompletableFuture<NodeClient.Result>> node : fleet.node.entrySet()) {
            NodeClient.Result result = finished(node.getKey(), node.getValue());
            List<String> received = result.events("bcast").stream()
                    .map(e -> e.arg(0) + " " + ((Number) e.arg(1)).intValue() + " " + e.arg(2)).toList();
            assertEquals(expected, received, node.getKey());
        }
    }

    @Test
    void everyClientOfEitherVersionGetsEveryBinaryBroadcastOfAStormIntactOnPollingAndWebsocket() throws Exception {
        Fleet fleet = connectFleet("bin");
        storm(i -> {
            broadcastOf(KINDS.get(i % KINDS.size())).sendEvent("bin", i, bytes(i));
            return null;
        });
        server.server().getNamespace("").getBroadcastOperations().sendEvent("done");

        for (Map.Entry<String, RawClient> raw : fleet.raw.entrySet()) {
            int eio = raw.getValue().eio();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < STORM; i++) {
                expected.add("451-[\"bin\"," + i + ",{\"_placeholder\":true,\"num\":0}]");
                expected.add("b" + Base64.getEncoder().encodeToString(eio == 3 ? prefixed(bytes(i)) : bytes(i)));
            }
            List<String> received = awaitDone(raw.getKey(), raw.getValue()).stream()
                    .filter(p -> p.contains("bin") || p.startsWith("b")).toList();
            assertEquals(expected, received, raw.getKey());
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < STORM; i++) {
            expected.add(i + " " + Base64.getEncoder().encodeToString(bytes(i)));
        }
        for (Map.Entry<String, CompletableFuture<NodeClient.Result>> node : fleet.node.entrySet()) {
            NodeClient.Result result = finished(node.getKey(), node.getValue());
            List<String> received = result.events("bin").stream()
                    .map(e -> ((Number) e.arg(0)).intValue() + " " + ((Map<?, ?>) e.arg(1)).get("binary")).toList();
            assertEquals(expected, received, node.getKey());
        }
    }

    /** Eight bytes that differ per message and include each of the framing bytes of both protocols. */
    private static byte[] bytes(int i) {
        return new byte[] {(byte) i, (byte) (i >> 8), 0x00, (byte) 0xff, 0x1e, ':', 'b', 0x04};
    }

    /** An Engine.IO v3 binary message: the message type 4, then the bytes. */
    private static byte[] prefixed(byte[] data) {
        byte[] framed = new byte[data.length + 1];
        framed[0] = 4;
        System.arraycopy(data, 0, framed, 1, data.length);
        return framed;
    }

    private BroadcastOperations broadcastOf(String kind) {
        SocketIOServer s = server.server();
        switch (kind) {
            case "namespace":
                return s.getNamespace("").getBroadcastOperations();
            case "room":
                return s.getNamespace("").getRoomOperations("lobby");
            default:
                return s.getBroadcastOperations();
        }
    }

    /** Sends {@link #STORM} broadcasts at about one a millisecond. */
    private static void storm(IntFunction<Void> broadcast) {
        long next = System.nanoTime();
        for (int i = 0; i < STORM; i++) {
            broadcast.apply(i);
            next += TimeUnit.MILLISECONDS.toNanos(1);
            LockSupport.parkNanos(next - System.nanoTime());
        }
    }

    /** Four Node clients (v2 and v4, polling and websocket) and four raw ones (EIO3 and EIO4, likewise). */
    private Fleet connectFleet(String event) throws InterruptedException {
        String token = TestTokens.token("alice");
        Fleet fleet = new Fleet();
        for (String version : List.of("2", "4")) {
            for (String transport : List.of("polling", "websocket")) {
                fleet.node.put("socket.io-client v" + version + " " + transport, NodeClient.of(version, server.url())
                        .transports(transport).query("token", token).listen(event, "done")
                        .waitFor("connect", CONNECT_WAIT.toMillis()).waitFor("done", DONE_WAIT.toMillis())
                        .maxMs(CONNECT_WAIT.plus(DONE_WAIT).toMillis()).runAsync());
            }
        }
        for (int eio : List.of(3, 4)) {
            for (String transport : List.of("polling", "websocket")) {
                RawClient raw = "polling".equals(transport)
                        ? RawClient.polling(server.url(), eio, Map.of("token", token), Map.of())
                        : RawClient.websocket(server.url(), eio, Map.of("token", token), Map.of());
                rawClients.add(raw);
                if (eio == 4) {
                    raw.send("40");
                }
                String name = "raw EIO" + eio + " " + transport;
                raw.await(p -> p.startsWith("40"), CONNECT_WAIT).orElseThrow(() -> new AssertionError(name + raw));
                fleet.raw.put(name, raw);
            }
        }
        long deadline = System.nanoTime() + CONNECT_WAIT.toNanos();
        while (server.appCalls("connect / ").size() < fleet.node.size() + fleet.raw.size()) {
            assertTrue(System.nanoTime() < deadline, "not every client connected: " + server.appCalls());
            fleet.node.forEach((name, f) -> assertFalse(f.isDone(), name + " ended early: " + f.getNow(null)));
            Thread.sleep(50);
        }
        return fleet;
    }

    private static List<String> awaitDone(String name, RawClient raw) {
        raw.await(p -> p.contains("\"done\""), DONE_WAIT).orElseThrow(() -> new AssertionError(
                name + " got no 'done' (closed: " + raw.closeReason() + ", errors: " + raw.errors() + ")"));
        assertEquals(List.of(), raw.errors(), name);
        assertFalse(raw.isClosed(), name + ": " + raw.closeReason());
        return raw.received();
    }

    private static NodeClient.Result finished(String name, CompletableFuture<NodeClient.Result> run)
            throws Exception {
        NodeClient.Result result = run.get(CONNECT_WAIT.plus(DONE_WAIT).plusSeconds(20).toMillis(),
                TimeUnit.MILLISECONDS);
        assertTrue(result.timeouts().isEmpty(), name + " timed out: " + result.timeouts() + " "
                + result.events().stream().filter(e -> !e.name().equals("bcast") && !e.name().equals("bin"))
                .toList());
        assertFalse(result.has("disconnect"), name + ": " + result.events("disconnect"));
        assertFalse(result.has("error") || result.has("connect_error"), name + ": " + result.events("error"));
        return result;
    }

    /** The clients of one test, by a name that says what they are. */
    private static final class Fleet {
        final Map<String, CompletableFuture<NodeClient.Result>> node = new LinkedHashMap<>();
        final Map<String, RawClient> raw = new LinkedHashMap<>();
    }
}
