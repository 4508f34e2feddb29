package io.github.socketiojwt;

import io.github.socketiojwt.testing.JavaClient;
import io.github.socketiojwt.testing.NodeClient;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real clients (Node socket.io-client v2 and v4, the Java client) sending a 1 MB {@code Authorization} header to a
 * protected server, over polling and over websocket (where it comes with the upgrade request): each sees a
 * transport {@code connect_error} at once, not its own connect timeout: one that names the {@code 431}. A valid
 * client connects afterwards.
 */
class OversizedHeaderClientsTest {

    /** Well under the clients' own connect timeouts (20 s for Node, 5 s for the Java harness). */
    private static final long ERROR_WAIT_MS = 4_000;
    private static final String HUGE_BEARER = "Bearer " + "x".repeat(1 << 20);
    private static final Map<AuthMode, TestServer> SERVERS = new EnumMap<>(AuthMode.class);

    @BeforeAll
    static void start() {
        for (AuthMode mode : AuthMode.values()) {
            SERVERS.put(mode, TestServer.start(s -> SocketIoJwt.authorize(JwtAuthOptions.builder(mode)
                    .secret(TestTokens.SECRET).build()).install(s)));
        }
    }

    @AfterAll
    static void stop() {
        SERVERS.values().forEach(TestServer::close);
    }

    static Stream<Arguments> nodeClients() {
        return Stream.of(AuthMode.values()).flatMap(mode -> Stream.of("2", "4").flatMap(version -> Stream.of(
                "polling", "websocket").map(transport -> Arguments.of(mode, version, transport))));
    }

    static Stream<Arguments> javaClients() {
        return Stream.of(AuthMode.values()).flatMap(mode -> Stream.of("polling", "websocket")
                .map(transport -> Arguments.of(mode, transport)));
    }

    @ParameterizedTest(name = "{0} socket.io-client v{1} over {2}")
    @MethodSource("nodeClients")
    void aNodeClientWithAOneMegabyteAuthorizationHeaderGetsAPromptConnectError(AuthMode mode, String version,
            String transport) {
        String url = SERVERS.get(mode).url();
        NodeClient.Result refused = NodeClient.of(version, url).transports(transport)
                .header("Authorization", HUGE_BEARER)
                .waitFor("connect_error", ERROR_WAIT_MS)
                .maxMs(ERROR_WAIT_MS + 2_000)
                .run();
        assertTrue(refused.has("connect_error"), refused.toString());
        assertFalse(refused.has("connect"), refused.toString());
        Map<?, ?> error = (Map<?, ?>) refused.first("connect_error").orElseThrow().firstArg();
        // The client saw the status: 431 from polling, "Unexpected server response: 431" from the ws package.
        assertTrue(String.valueOf(error.get("description")).contains("431"), refused.toString());

        NodeClient valid = NodeClient.of(version, url).transports(transport).waitFor("connect", 5_000);
        if (mode == AuthMode.HANDSHAKE) {
            valid.query("token", TestTokens.token("after"));
        }
        NodeClient.Result connected = valid.run();
        assertTrue(connected.has("connect"), connected.toString());
    }

    @ParameterizedTest(name = "{0} Java client over {1}")
    @MethodSource("javaClients")
    void aJavaClientWithAOneMegabyteAuthorizationHeaderGetsAPromptConnectError(AuthMode mode, String transport) {
        String url = SERVERS.get(mode).url();
        try (JavaClient refused = JavaClient.connect(url, "/", null, null, Map.of("Authorization", HUGE_BEARER),
                transport)) {
            JavaClient.Event error = refused.awaitOrFail("connect_error", Duration.ofMillis(ERROR_WAIT_MS));
            assertFalse(refused.has("connect"), refused.events().toString());
            // The transport error's cause names the status: "431" (polling), "... but was '431 ...'" (websocket).
            assertTrue(String.valueOf(((Map<?, ?>) error.arg(0)).get("cause")).contains("431"),
                    String.valueOf(error.arg(0)));
        }
        String query = mode == AuthMode.HANDSHAKE ? "token=" + TestTokens.token("after") : null;
        try (JavaClient valid = JavaClient.connect(url, "/", null, query, Map.of(), transport)) {
            valid.awaitOrFail("connect", Duration.ofSeconds(5));
        }
    }
}
