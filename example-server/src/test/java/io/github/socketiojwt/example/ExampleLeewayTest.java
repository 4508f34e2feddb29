package io.github.socketiojwt.example;

import io.github.socketiojwt.testing.JavaClient;
import io.github.socketiojwt.testing.NodeClient;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --leeway-s} end to end: the example passes it to the library, so a token whose {@code exp} passed 2 s ago
 * connects and works in both modes, with socket.io-client 2 and 4, its socket is expired at {@code exp} plus the
 * leeway and not before, and a token 10 s past its {@code exp} is refused as {@code jwt expired}; {@code POST /refresh} renews
 * exactly the tokens the namespaces accept, and {@code GET /mode} tells the page the leeway.
 */
class ExampleLeewayTest {

    private static final String SECRET = "example-leeway-test-secret-0123456789";
    private static final int LEEWAY_S = 5;
    /**
     * The leeway for Node clients: a token 2 s past its exp stays acceptable for 6 s more, long enough for a slow
     * machine to start Node; 10 s past is still beyond it.
     */
    private static final int NODE_LEEWAY_S = 8;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Map<String, Object> EXPIRED = Map.of("message", "jwt expired", "data",
            Map.of("message", "jwt expired", "code", "invalid_token", "type", "UnauthorizedError"));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final List<AutoCloseable> open = new ArrayList<>();
    private String url;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    private void start(String mode) {
        start(mode, LEEWAY_S);
    }

    private void start(String mode, int leewaySeconds) {
        int port = freePort();
        open.add(ExampleServer.start(ExampleOptions.parse(new String[] {"--port", String.valueOf(port),
            "--mode", mode, "--secret", SECRET, "--user", "alice:wonderland",
            "--leeway-s", String.valueOf(leewaySeconds)}, Map.of())));
        url = "http://127.0.0.1:" + port;
    }

    /** A token for alice, signed with the server's secret, whose exp is this many seconds from now (whole seconds). */
    private static String expiringIn(long seconds) {
        Instant exp = Instant.ofEpochSecond(Instant.now().getEpochSecond() + seconds);
        return Jwts.builder().subject("alice").claim("username", "alice").issuedAt(Date.from(exp.minusSeconds(60)))
                .expiration(Date.from(exp))
                .signWith(Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8)), Jwts.SIG.HS256).compact();
    }

    private static long exp(String token) {
        return Jwts.parser().verifyWith(Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8)))
                .clockSkewSeconds(3600).build().parseSignedClaims(token).getPayload().getExpiration().getTime()
                / 1000;
    }

    static Stream<Arguments> versionsAndModes() {
        return Stream.of("2", "4").flatMap(v -> Stream.of("handshake", "authenticate").map(m -> Arguments.of(v, m)));
    }

    /** Namespace / in the server's mode, with the version's own way of sending the token. */
    private NodeClient client(String version, String mode, String token) {
        NodeClient client = NodeClient.of(version, url).listen("echo-response");
        if (!"handshake".equals(mode)) {
            return client.waitFor("connect", 8000).emit("authenticate", Map.of("token", token))
                    .waitFor("authenticated", 5000);
        }
        return ("4".equals(version) ? client.auth(Map.of("token", token)) : client.query("token", token))
                .waitFor("connect", 8000);
    }

    @ParameterizedTest(name = "socket.io-client v{0}, --mode {1}")
    @MethodSource("versionsAndModes")
    void aTokenTwoSecondsPastExpConnectsAndWorksUntilItsLiveExpiryAndOneTenSecondsPastIsRefused(String version,
            String mode) {
        start(mode, NODE_LEEWAY_S);
        CompletableFuture<NodeClient.Result> late = client(version, mode, expiringIn(-2))
                .emit("echo", "within the leeway").waitFor("echo-response", 5000)
                .waitFor("unauthorized", 12_000).waitFor("disconnect", 5000).maxMs(30_000).runAsync();
        NodeClient refused = NodeClient.of(version, url);
        String tooLate = expiringIn(-10);
        if ("handshake".equals(mode)) {
            ("4".equals(version) ? refused.auth(Map.of("token", tooLate)) : refused.query("token", tooLate))
                    .waitFor("4".equals(version) ? "connect_error" : "error", 8000);
        } else {
            refused.waitFor("connect", 8000).emit("authenticate", Map.of("token", tooLate))
                    .waitFor("unauthorized", 5000);
        }
        NodeClient.Result r = refused.sleep(300).run();
        NodeClient.Result l = late.join();

        assertTrue(l.timeouts().isEmpty(), l.toString());
        assertEquals("within the leeway", l.first("echo-response").orElseThrow().firstArg(), l.toString());
        assertEquals(EXPIRED, l.first("unauthorized").orElseThrow().firstArg(), l.toString());

        assertTrue(r.timeouts().isEmpty(), r.toString());
        assertFalse(r.has("authenticated"), r.toString());
        Object refusal = "handshake".equals(mode)
                ? r.first("4".equals(version) ? "connect_error" : "error").orElseThrow().firstArg()
                : r.first("unauthorized").orElseThrow().firstArg();
        assertEquals("2".equals(version) && "handshake".equals(mode) ? EXPIRED.get("data") : EXPIRED, refusal,
                r.toString());
        if ("handshake".equals(mode)) {
            assertFalse(r.has("connect"), r.toString());
        }
    }

    /**
     * The socket's {@code unauthorized} "jwt expired" arrives at {@code exp + 5 s} or later, never at {@code exp}
     * (which had passed when it connected): the arrival is timed in this process, after the server sent it.
     */
    @ParameterizedTest(name = "--mode {0}")
    @ValueSource(strings = {"handshake", "authenticate"})
    void theLiveExpiryOfASocketConnectedWithinTheLeewayComesAtExpPlusTheLeeway(String mode) {
        start(mode);
        String token = expiringIn(-2);
        JavaClient client = "handshake".equals(mode)
                ? JavaClient.connect(url, "/", Map.of("token", token), null, null)
                : JavaClient.connect(url, "/", null, null, null);
        open.add(client);
        AtomicLong expiredAt = new AtomicLong();
        client.socket().on("unauthorized", args -> expiredAt.compareAndSet(0, System.currentTimeMillis()));
        client.awaitOrFail("connect", WAIT);
        if (!"handshake".equals(mode)) {
            client.emit("authenticate", Map.of("token", token));
            client.awaitOrFail("authenticated", WAIT);
        }
        long connectedAt = System.currentTimeMillis();
        assertEquals(EXPIRED, client.awaitOrFail("unauthorized", WAIT).arg(0));
        client.awaitOrFail("disconnect", WAIT);
        long deadline = (exp(token) + LEEWAY_S) * 1000;
        assertTrue(connectedAt < deadline, "connected within the leeway");
        // 50 ms for the granularity of the clocks; the wrong answer, an expiry at exp, is seconds away.
        assertTrue(expiredAt.get() >= deadline - 50, "expired " + (deadline - expiredAt.get())
                + " ms before exp + " + LEEWAY_S + " s");
    }

    @Test
    void refreshRenewsATokenWithinTheLeewayAndRefusesOnePastItAsExpired() throws Exception {
        start("handshake");
        HttpResponse<String> renewed = refresh(expiringIn(-2));
        assertEquals(200, renewed.statusCode(), renewed.body());
        assertTrue(renewed.body().startsWith("{\"token\":\""), renewed.body());
        for (String token : List.of(expiringIn(-LEEWAY_S), expiringIn(-10))) {
            HttpResponse<String> refused = refresh(token);
            assertEquals(401, refused.statusCode(), refused.body());
            assertEquals("{\"error\":\"jwt expired\"}", refused.body());
        }
    }

    @Test
    void modeTellsThePageTheLeeway() throws Exception {
        start("authenticate");
        HttpResponse<String> mode = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/mode"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, mode.statusCode());
        assertEquals("{\"mode\":\"authenticate\",\"leewaySeconds\":5}", mode.body());
    }

    private HttpResponse<String> refresh(String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + "/refresh")).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
