package io.github.socketiojwt;

import io.github.socketiojwt.testing.JavaClient;
import io.github.socketiojwt.testing.NodeClient;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On long polling, a burst of packets larger than one poll response (50 packets in netty-socketio) reaches the
 * client whole and in order, and the library's own {@code unauthorized} after such a burst is not lost: netty-socketio
 * 2.0.14 alone drops one packet in every full response.
 */
class LongPollingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int BURST = 300;
    private static final List<Integer> ALL = IntStream.range(0, BURST).boxed().toList();

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(s -> {
            SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET).build()).install(s, "/");
            // A burst of BURST events, then the end of the socket's authentication, queued right behind them.
            s.addEventListener("burst", String.class, (client, then, ack) -> {
                for (int i = 0; i < BURST; i++) {
                    client.sendEvent("n", i);
                }
                if ("logout".equals(then)) {
                    SocketIoJwt.deauthenticate(client, Deauthentication.DISCONNECT);
                } else {
                    client.sendEvent("done", then);
                }
            });
        });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Fails naming the lost numbers first (a short message), then on any reordering. */
    private static void assertAllInOrder(List<Integer> expected, List<?> values) {
        List<Integer> received = new ArrayList<>();
        values.forEach(v -> received.add(((Number) v).intValue()));
        List<Integer> lost = new ArrayList<>(expected);
        received.forEach(lost::remove);
        assertEquals(List.of(), lost, "lost");
        assertEquals(expected, received);
    }

    @Test
    void aBurstLargerThanOnePollResponseArrivesWholeAndInOrder() {
        try (JavaClient client = JavaClient.connect(server.url(), "/", Map.of("token", TestTokens.token("alice")),
                null, null, "polling").listen("n", "done")) {
            client.awaitOrFail("connect", WAIT);
            List<Integer> expected = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                String marker = "round " + round;
                client.emit("burst", marker);
                client.await(e -> e.name().equals("done") && marker.equals(e.arg(0)), WAIT)
                        .orElseThrow(() -> new AssertionError("no 'done' after the burst of " + marker));
                expected.addAll(ALL);
                List<Object> received = client.events().stream().filter(e -> e.name().equals("n"))
                        .map(e -> e.arg(0)).toList();
                assertAllInOrder(expected, received);
            }
        }
    }

    @Test
    void theUnauthorizedBehindABurstReachesAJavaPollingClient() {
        try (JavaClient client = JavaClient.connect(server.url(), "/", Map.of("token", TestTokens.token("alice")),
                null, null, "polling").listen("n")) {
            client.awaitOrFail("connect", WAIT);
            client.emit("burst", "logout");
            client.awaitOrFail("unauthorized", WAIT);
            client.awaitOrFail("disconnect", WAIT);
            List<String> names = client.events().stream().map(JavaClient.Event::name).toList();
            List<Object> received = client.events().stream().filter(e -> e.name().equals("n"))
                    .map(e -> e.arg(0)).toList();
            assertAllInOrder(ALL, received);
            assertTrue(names.lastIndexOf("n") < names.indexOf("unauthorized"), names.toString());
        }
    }

    @ParameterizedTest(name = "socket.io-client v{0}")
    @ValueSource(strings = {"2", "4"})
    void theUnauthorizedBehindABurstReachesNodePollingClients(String version) {
        String token = TestTokens.token("alice");
        NodeClient client = NodeClient.of(version, server.url()).transports("polling").listen("n");
        client = "4".equals(version) ? client.auth(Map.of("token", token)) : client.query("token", token);
        NodeClient.Result result = client.waitFor("connect", 8000).emit("burst", "logout")
                .waitFor("unauthorized", 10_000).waitFor("disconnect", 5000).maxMs(30_000).run();
        assertTrue(result.timeouts().isEmpty(), result.toString());
        assertAllInOrder(ALL, result.events("n").stream().map(NodeClient.Event::firstArg).toList());
    }
}
