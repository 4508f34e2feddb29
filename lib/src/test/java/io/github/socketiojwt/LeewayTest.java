package io.github.socketiojwt;

import com.corundumstudio.socketio.SocketIOClient;
import io.github.socketiojwt.testing.JavaClient;
import io.github.socketiojwt.testing.MutableClock;
import io.github.socketiojwt.testing.NodeClient;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code leeway(...)} applies wherever {@code exp} is read: a token a little past its {@code exp} connects in both
 * modes, a connected socket keeps its rights until {@code exp} plus the leeway and not a moment less, and a token
 * past that is refused as expired. The server's clock is frozen at a whole second {@code NOW}, so that a token's
 * age is exact; the library's timer runs in real time from there.
 */
class LeewayTest {

    private static final Duration WAIT = Duration.ofSeconds(8);
    private static final Map<String, Object> EXPIRED = Map.of("message", "jwt expired", "data",
            Map.of("message", "jwt expired", "code", "invalid_token", "type", "UnauthorizedError"));
    /** A margin for the expiry timer, which never fires early: the gaps asserted are far from the wrong ones. */
    private static final long MARGIN_MS = 1000;

    private final Instant now = Instant.ofEpochSecond(Instant.now().getEpochSecond());
    /** When each namespace authenticated and expired a socket of subject "alice", in System.nanoTime(). */
    private final Map<String, Long> authenticatedAt = new ConcurrentHashMap<>();
    private final Map<String, Long> expiredAt = new ConcurrentHashMap<>();
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** "/" in handshake mode and "/admin" in authenticate mode, both with this leeway and the frozen clock. */
    private void start(Duration leeway) {
        MutableClock clock = new MutableClock(now);
        AuthenticationListener hooks = new AuthenticationListener() {
            @Override
            public void onAuthenticated(SocketIOClient client, JwtPrincipal principal) {
                if ("alice".equals(principal.subject())) {
                    authenticatedAt.put(principal.namespace(), System.nanoTime());
                }
            }

            @Override
            public void onExpired(AuthenticationFailure expiry) {
                expiredAt.put(expiry.namespace(), System.nanoTime());
            }
        };
        server = TestServer.start(s -> {
            SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET).leeway(leeway).clock(clock)
                    .listener(hooks).build()).install(s, "/");
            SocketIoJwt.authorize(JwtAuthOptions.authenticate().secret(TestTokens.SECRET).leeway(leeway)
                    .clock(clock).listener(hooks).build()).install(s, "/admin");
        });
    }

    /** A token for alice whose exp is this many seconds after the server's frozen now (negative: before). */
    private String expiringAt(long secondsFromNow) {
        return TestTokens.token(TestTokens.SECRET, "alice", now.plusSeconds(secondsFromNow));
    }

    /** How long after its authentication a namespace expired alice's socket. */
    private long millisToExpiry(String namespace) {
        return (expiredAt.get(namespace) - authenticatedAt.get(namespace)) / 1_000_000;
    }

    private NodeClient nodeOnRoot(String version, String token) {
        NodeClient client = NodeClient.of(version, server.url()).listen("echo-response");
        return "4".equals(version) ? client.auth(Map.of("token", token)) : client.query("token", token);
    }

    /** Socket.IO 2 clients also join "/", protected in handshake mode here: they bring a long-lived token for it. */
    private NodeClient nodeOnAdmin(String version) {
        NodeClient client = NodeClient.of(version, server.url()).namespace("/admin").listen("echo-response");
        return "4".equals(version) ? client : client.query("token", TestTokens.token("root-pass"));
    }

    @ParameterizedTest(name = "socket.io-client v{0}")
    @ValueSource(strings = {"2", "4"})
    void aTokenTwoSecondsPastExpConnectsWorksAndExpiresFiveSecondsAfterExpWithFiveSecondsOfLeeway(String version) {
        start(Duration.ofSeconds(5));
        CompletableFuture<NodeClient.Result> handshakeRun = nodeOnRoot(version, expiringAt(-2))
                .waitFor("connect", 8000).emit("echo", "late but welcome").waitFor("echo-response", 5000)
                .waitFor("unauthorized", 12000).waitFor("disconnect", 5000).maxMs(30_000).runAsync();
        NodeClient.Result authenticate = nodeOnAdmin(version).waitFor("connect", 8000)
                .emit("authenticate", Map.of("token", expiringAt(-2))).waitFor("authenticated", 5000)
                .emit("echo", "late but welcome").waitFor("echo-response", 5000)
                .waitFor("unauthorized", 12000).waitFor("disconnect", 5000).maxMs(30_000).run();
        for (NodeClient.Result result : List.of(handshakeRun.join(), authenticate)) {
            assertTrue(result.timeouts().isEmpty(), result.toString());
            assertEquals("late but welcome", result.first("echo-response").orElseThrow().firstArg());
            assertEquals(EXPIRED, result.first("unauthorized").orElseThrow().firstArg());
        }
        for (String namespace : List.of("/", "/admin")) {
            // exp + 5 s is 3 s after the frozen now: never at exp, which had passed when the socket connected.
            assertTrue(millisToExpiry(namespace) >= 3000 - MARGIN_MS, namespace + " expired the socket "
                    + millisToExpiry(namespace) + " ms after it authenticated (expected: about 3000)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"handshake", "authenticate"})
    void aTokenTenSecondsPastExpIsRefusedAsExpiredWithFiveSecondsOfLeeway(String mode) {
        start(Duration.ofSeconds(5));
        try (JavaClient client = connect(mode, expiringAt(-10))) {
            assertEquals(EXPIRED, refusal(client, mode));
            assertFalse(authenticatedAt.containsKey(namespace(mode)), authenticatedAt.toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"handshake", "authenticate"})
    void aTokenOneSecondPastExpConnectsWithASubSecondLeewayOfOneAndAHalfSecondsAndExpiresAWholeSecondLater(
            String mode) {
        start(Duration.ofMillis(1500));
        try (JavaClient client = connect(mode, expiringAt(-1))) {
            client.awaitOrFail("handshake".equals(mode) ? "connect" : "authenticated", WAIT);
            // floor(now) >= exp + 1.5 s from exp + 2 s on: 1 s after the frozen now.
            assertEquals(EXPIRED, client.awaitOrFail("unauthorized", WAIT).arg(0));
            client.awaitOrFail("disconnect", WAIT);
            assertTrue(millisToExpiry(namespace(mode)) >= 1000 - MARGIN_MS / 2,
                    millisToExpiry(namespace(mode)) + " ms (expected: about 1000)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"handshake", "authenticate"})
    void aTokenValidUntilTheYear9999StaysConnectedWithLeeway(String mode) throws InterruptedException {
        start(Duration.ofSeconds(5));
        try (JavaClient client = connect(mode, TestTokens.token(TestTokens.SECRET, "alice",
                Instant.parse("9999-12-31T23:59:59Z")))) {
            client.awaitOrFail("handshake".equals(mode) ? "connect" : "authenticated", WAIT);
            client.emit("echo", "for ever");
            assertEquals("for ever", client.awaitOrFail("echo-response", WAIT).arg(0));
            Thread.sleep(300); // anything wrong would have come by now
            assertFalse(client.has("unauthorized") || client.has("disconnect"), client.events().toString());
        }
    }

    private JavaClient connect(String mode, String token) {
        if ("handshake".equals(mode)) {
            return JavaClient.connect(server.url(), "/", Map.of("token", token), null, null);
        }
        JavaClient client = JavaClient.connect(server.url(), "/admin", null, null, null);
        client.awaitOrFail("connect", WAIT);
        client.emit("authenticate", Map.of("token", token));
        return client;
    }

    private static Object refusal(JavaClient client, String mode) {
        return client.awaitOrFail("handshake".equals(mode) ? "connect_error" : "unauthorized", WAIT).arg(0);
    }

    private static String namespace(String mode) {
        return "handshake".equals(mode) ? "/" : "/admin";
    }
}
