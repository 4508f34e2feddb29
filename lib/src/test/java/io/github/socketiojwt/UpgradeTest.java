package io.github.socketiojwt;

import io.github.socketiojwt.testing.NodeClient;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Quarantined sockets receive nothing, so nothing would release netty-socketio's stalled polling-to-websocket
 * upgrade by accident (it sends one NOOP after the probe; engine.io sends one every 100 ms, and so does the
 * library's pump). Clients that connect with default transports and emit {@code authenticate} at staggered
 * moments of their upgrade, on a quiet server with pings far away, all authenticate before their timeout.
 * (This machine did not reproduce the stall without the pump either; the test guards the upgrade path.)
 */
class UpgradeTest {

    private static final int CLIENTS = 10;
    /** Far below the 60 s ping interval that alone would release a stalled poll; far above a loaded machine's delays. */
    private static final long WAIT_MS = 15_000;

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "socket.io-client v{0}")
    @ValueSource(strings = {"2", "4"})
    void clientsUpgradingDuringQuarantineStillAuthenticate(String version) {
        // Pings far away, so that no ping can release a stalled poll within the authentication timeout.
        server = TestServer.start(c -> { // an authentication timeout above the waits: only a stall can fail this
            c.setPingInterval(60_000);
            c.setPingTimeout(60_000);
        }, s -> SocketIoJwt.authorize(JwtAuthOptions.authenticate().secret(TestTokens.SECRET)
                .timeout(Duration.ofSeconds(30)).build())
                .install(s, "/"));
        List<CompletableFuture<NodeClient.Result>> runs = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            runs.add(NodeClient.of(version, server.url())
                    .maxMs(3 * WAIT_MS)
                    .waitFor("connect", WAIT_MS)
                    .sleep(20L * i)
                    .emit("authenticate", Map.of("token", TestTokens.token("u" + i)))
                    .waitFor("authenticated", WAIT_MS)
                    .emit("echo", "after-upgrade")
                    .waitFor("echo-response", WAIT_MS)
                    .runAsync());
        }
        List<String> failures = new ArrayList<>();
        for (CompletableFuture<NodeClient.Result> run : runs) {
            NodeClient.Result result = run.join();
            if (!result.timeouts().isEmpty()) {
                failures.add(result.toString());
            }
        }
        assertEquals(List.of(), failures);
    }
}
