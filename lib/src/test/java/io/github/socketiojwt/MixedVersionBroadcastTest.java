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
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Socket.IO v2 (Engine.IO v3) and v4 (Engine.IO v4) clients on one protected server, Node's socket.io-client and raw
 * Engine.IO clients, on long polling and on websocket, each receive every namespace, room and server-wide broadcast of
 * a storm intact and in order, text and binary alike. netty-socketio 2.0.14 alone shares one packet among the
 * recipients of a broadcast and encodes it for whichever version the packet last held, so a polling client of the
 * other version gets the wrong framing, and every recipient but the first of a binary event gets it without its
 * arguments.
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
        });
        server.server().getNamespace("").getBroadcastOperations().sendEvent("done");

        List<String> expected = new ArrayList<>();
        List<String> expectedRaw = new ArrayList<>();
        for (int i = 0; i < STORM; i++) {
            String kind = KINDS.get(i % KINDS.size());
            expected.add(kind + " " + i + " " + TEXT);
            expectedRaw.add("42[\"bcast\",\"" + kind + "\"," + i + ",\"" + TEXT + "\"]");
        }
        fleet.checkRaw(eio -> expectedRaw, p -> p.contains("bcast"));
        fleet.checkNode("bcast", expected, e -> e.arg(0) + " " + ((Number) e.arg(1)).intValue() + " " + e.arg(2));
        assertEquals(Map.of(), fleet.problems, "what went wrong, by client");
    }

    @Test
    void everyClientOfEitherVersionGetsEveryBinaryBroadcastOfAStormIntactOnPollingAndWebsocket() throws Exception {
        Fleet fleet = connectFleet("bin");
        storm(i -> broadcastOf(KINDS.get(i % KINDS.size())).sendEvent("bin", i, bytes(i)));
        server.server().getNamespace("").getBroadcastOperations().sendEvent("done");

        fleet.checkRaw(eio -> {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < STORM; i++) {
                expected.add("451-[\"bin\"," + i + ",{\"_placeholder\":true,\"num\":0}]");
                expected.add("b" + Base64.getEncoder().encodeToString(eio == 3 ? prefixed(bytes(i)) : bytes(i)));
            }
            return expected;
        }, p -> p.contains("bin") || p.startsWith("b"));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < STORM; i++) {
            expected.add(i + " " + Base64.getEncoder().encodeToString(bytes(i)));
        }
        fleet.checkNode("bin", expected,
                e -> ((Number) e.arg(0)).intValue() + " " + ((Map<?, ?>) e.arg(1)).get("binary"));
        assertEquals(Map.of(), fleet.problems, "what went wrong, by client");
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
    private static void storm(IntConsumer broadcast) {
        long next = System.nanoTime();
        for (int i = 0; i < STORM; i++) {
            broadcast.accept(i);
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

    /** How a received list differs from the expected one, or {@code null} when it does not. */
    private static String difference(List<String> expected, List<String> received) {
        if (expected.equals(received)) {
            return null;
        }
        int i = 0;
        while (i < expected.size() && i < received.size() && expected.get(i).equals(received.get(i))) {
            i++;
        }
        return "received " + received.size() + " of " + expected.size() + ", the first difference at " + i
                + ": expected " + (i < expected.size() ? shortened(expected.get(i)) : "nothing")
                + " but got " + (i < received.size() ? shortened(received.get(i)) : "nothing");
    }

    private static String shortened(Object text) {
        String s = String.valueOf(text);
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    /** The clients of one test, by a name that says what they are, and what went wrong for each. */
    private static final class Fleet {
        final Map<String, CompletableFuture<NodeClient.Result>> node = new LinkedHashMap<>();
        final Map<String, RawClient> raw = new LinkedHashMap<>();
        final Map<String, String> problems = new LinkedHashMap<>();
        private final long deadline = System.nanoTime() + CONNECT_WAIT.plus(DONE_WAIT).toNanos();

        private Duration left() {
            return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        }

        /** Waits for each raw client's {@code done} and compares the packets the filter picks with the expected. */
        void checkRaw(IntFunction<List<String>> expectedForEio, Predicate<String> filter) {
            raw.forEach((name, client) -> {
                Optional<String> done = client.await(p -> p.contains("\"done\""), left());
                List<String> received = client.received().stream().filter(filter).toList();
                String problem = difference(expectedForEio.apply(client.eio()), received);
                if (done.isEmpty()) {
                    problem = "no 'done'; " + problem;
                }
                if (!client.errors().isEmpty() || client.isClosed()) {
                    problem = "closed: " + client.closeReason() + ", errors: " + shortened(client.errors()) + "; "
                            + problem;
                }
                if (problem != null) {
                    problems.put(name, problem);
                }
            });
        }

        /** Waits for each Node client's result and compares the named events, as the mapper shows them. */
        void checkNode(String event, List<String> expected, Function<NodeClient.Event, String> mapper)
                throws Exception {
            for (Map.Entry<String, CompletableFuture<NodeClient.Result>> run : node.entrySet()) {
                NodeClient.Result result;
                try {
                    result = run.getValue().get(left().plusSeconds(20).toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    // The client crashed: its first line and its error, not the scenario (which holds the token).
                    String[] lines = String.valueOf(e.getCause().getMessage()).split("\\R");
                    problems.put(run.getKey(), lines[0] + " " + Arrays.stream(lines)
                            .filter(l -> l.startsWith("client.js:")).findFirst().orElse(""));
                    continue;
                }
                String problem = difference(expected, result.events(event).stream().map(mapper).toList());
                List<NodeClient.Event> trouble = result.events().stream().filter(e -> List.of("disconnect", "error",
                        "connect_error").contains(e.name())).toList();
                if (!result.timeouts().isEmpty() || !trouble.isEmpty()) {
                    problem = "timed out: " + result.timeouts() + ", " + trouble + "; " + problem;
                }
                if (problem != null) {
                    problems.put(run.getKey(), problem);
                }
            }
        }
    }
}
