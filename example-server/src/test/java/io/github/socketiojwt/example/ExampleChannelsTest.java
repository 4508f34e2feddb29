package io.github.socketiojwt.example;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.ToNumberPolicy;
import com.google.gson.reflect.TypeToken;
import io.github.socketiojwt.testing.NodeClient;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chat channels of namespace {@code /} end to end, driven by Node's socket.io-client 2.5.0 and 4.8 over polling
 * and websocket, in both modes: {@code join} is answered by the token's {@code channels} claim, a channel's chat
 * reaches only its members, and a chat to a channel the token does not list is refused {@code forbidden} while the
 * socket stays connected; a renewal whose token drops a channel takes the socket out of it.
 */
class ExampleChannelsTest {

    private static final String SECRET = "example-channels-test-secret-0123456789";
    private static final long WAIT = 5000;
    /** How long the client that chats waits for its concurrently started peers to have joined. */
    private static final long PEERS_SETTLE_MS = 1000;
    /** How long a client keeps listening after what it waited for, to catch anything that should not come. */
    private static final long LINGER_MS = 500;
    private static final Gson GSON = new GsonBuilder().setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE)
            .create();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ExampleServer server;
    private String url;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    static Stream<Arguments> versionsTransportsModes() {
        return Stream.of("2", "4").flatMap(v -> Stream.of("polling", "websocket").flatMap(t ->
                Stream.of("handshake", "authenticate").map(m -> Arguments.of(v, t, m))));
    }

    /** Every pair of version, transport and mode values, in four runs. */
    static Stream<Arguments> pairwise() {
        return Stream.of(Arguments.of("2", "polling", "handshake"), Arguments.of("2", "websocket", "authenticate"),
                Arguments.of("4", "polling", "authenticate"), Arguments.of("4", "websocket", "handshake"));
    }

    /**
     * Alice (general, news) and Carol (news) join news; Alice may not join staff. Bob (general) joins general, may
     * not join news, and is refused {@code forbidden} when he chats to news, as an event without an ack and as the
     * ack's answer with one; he still echoes afterwards. Alice's chat to news reaches Alice and Carol, never Bob;
     * her chat to general, which she may join but has not, is refused as {@code not joined}.
     */
    @ParameterizedTest(name = "v{0} {1} {2}")
    @MethodSource("versionsTransportsModes")
    void joinFollowsTheClaimAndAChannelsChatReachesOnlyItsMembers(String version, String transport, String mode)
            throws Exception {
        start(mode);
        NodeClient alice = connected(version, transport, mode, login("alice", "alice-pw"))
                .emitWithAck("join", Map.of("room", "news")).waitFor("ack:join", WAIT)
                .emitWithAck("join", Map.of("room", "staff")).waitFor("ack:join", WAIT)
                .sleep(PEERS_SETTLE_MS)
                .emitWithAck("chat", Map.of("text", "news from alice", "room", "news")).waitFor("ack:chat", WAIT)
                .waitFor("chat", WAIT)
                .emitWithAck("chat", Map.of("text", "to general", "room", "general")).waitFor("ack:chat", WAIT)
                .sleep(LINGER_MS);
        NodeClient carol = connected(version, transport, mode, login("carol", "carol-pw"))
                .emitWithAck("join", Map.of("room", "news")).waitFor("ack:join", WAIT)
                .waitFor("chat", WAIT + PEERS_SETTLE_MS).sleep(LINGER_MS);
        NodeClient bob = connected(version, transport, mode, login("bob", "bob-pw"))
                .emitWithAck("join", Map.of("room", "general")).waitFor("ack:join", WAIT)
                .emitWithAck("join", Map.of("room", "news")).waitFor("ack:join", WAIT)
                .emit("chat", Map.of("text", "bob to news", "room", "news")).waitFor("forbidden", WAIT)
                .emitWithAck("chat", Map.of("text", "bob to news, with an ack", "room", "news"))
                .waitFor("ack:chat", WAIT)
                .emit("echo", "still here").waitFor("echo-response", WAIT)
                .sleep(PEERS_SETTLE_MS + LINGER_MS);

        CompletableFuture<NodeClient.Result> aliceRun = alice.runAsync();
        CompletableFuture<NodeClient.Result> carolRun = carol.runAsync();
        CompletableFuture<NodeClient.Result> bobRun = bob.runAsync();
        NodeClient.Result a = aliceRun.join();
        NodeClient.Result c = carolRun.join();
        NodeClient.Result b = bobRun.join();
        for (NodeClient.Result r : List.of(a, b, c)) {
            assertTrue(r.timeouts().isEmpty(), r.toString());
            assertFalse(r.has("disconnect") || r.has("unauthorized"), "everyone stays connected: " + r);
        }

        assertEquals(List.of(Map.of("ok", true, "room", "news"), Map.of("error", "forbidden", "room", "staff")),
                args(a, "ack:join"), a.toString());
        assertEquals(List.of(Map.of("ok", true, "room", "news"), Map.of("error", "not joined", "room", "general")),
                args(a, "ack:chat"), a.toString());
        Map<String, Object> newsFromAlice = Map.of("from", "alice", "text", "news from alice", "room", "news");
        assertEquals(List.of(newsFromAlice), args(a, "chat"), "the sender is a member: " + a);
        assertEquals(List.of(newsFromAlice), args(c, "chat"), "exactly the channel's chat: " + c);

        assertEquals(List.of(Map.of("ok", true, "room", "general"), Map.of("error", "forbidden", "room", "news")),
                args(b, "ack:join"), b.toString());
        Map<String, Object> refusal = Map.of("message", "event not allowed", "data", Map.of("message",
                "event not allowed", "code", "forbidden", "type", "ForbiddenError", "event", "chat"));
        assertEquals(List.of(refusal), args(b, "forbidden"), "without an ack: a forbidden event: " + b);
        assertEquals(List.of(refusal), args(b, "ack:chat"), "with an ack: the refusal as its answer: " + b);
        assertEquals(List.of("still here"), args(b, "echo-response"), b.toString());
        assertFalse(b.has("chat"), "nothing of news for a non-member, and his refused chats went nowhere: " + b);
    }

    /**
     * A socket in news and general renews with a token that lists only general: the server takes it out of news
     * and says so ({@code forbidden} with the room), refuses its chat to news, and its chat to general still works.
     */
    @ParameterizedTest(name = "v{0} {1} {2}")
    @MethodSource("pairwise")
    void aRenewalThatDropsAChannelTakesTheSocketOutOfIt(String version, String transport, String mode)
            throws Exception {
        start(mode);
        Instant now = Instant.now();
        String both = token("alice", List.of("general", "news"), now);
        String generalOnly = token("alice", List.of("general"), now);
        NodeClient.Result r = connected(version, transport, mode, both)
                .emitWithAck("join", Map.of("room", "news")).waitFor("ack:join", WAIT)
                .emitWithAck("join", Map.of("room", "general")).waitFor("ack:join", WAIT)
                .emit("authenticate", Map.of("token", generalOnly)).waitFor("authenticated", WAIT)
                .waitFor("forbidden", WAIT)
                .emitWithAck("chat", Map.of("text", "to news", "room", "news")).waitFor("ack:chat", WAIT)
                .emitWithAck("chat", Map.of("text", "to general", "room", "general")).waitFor("ack:chat", WAIT)
                .waitFor("chat", WAIT).sleep(LINGER_MS).run();

        assertTrue(r.timeouts().isEmpty(), r.toString());
        assertFalse(r.has("disconnect") || r.has("unauthorized"), r.toString());
        assertEquals(List.of(Map.of("ok", true, "room", "news"), Map.of("ok", true, "room", "general")),
                args(r, "ack:join"), r.toString());
        assertEquals(List.of(Map.of("message", "room no longer allowed", "data", Map.of("message",
                "room no longer allowed", "code", "forbidden", "type", "ForbiddenError", "room", "news"))),
                args(r, "forbidden"), r.toString());
        List<Object> chatAnswers = args(r, "ack:chat");
        assertEquals("forbidden", ((Map<?, ?>) ((Map<?, ?>) chatAnswers.get(0)).get("data")).get("code"),
                r.toString());
        assertEquals(Map.of("ok", true, "room", "general"), chatAnswers.get(1), r.toString());
        assertEquals(List.of(Map.of("from", "alice", "text", "to general", "room", "general")), args(r, "chat"),
                r.toString());
    }

    // --- helpers ----------------------------------------------------------------------------------------------------

    private void start(String mode) {
        server = ExampleServer.start(ExampleOptions.parse(new String[] {"--port", String.valueOf(freePort()),
            "--mode", mode, "--secret", SECRET, "--user", "alice:alice-pw:general,news", "--user", "bob:bob-pw:general",
            "--user", "carol:carol-pw:news"}, Map.of()));
        url = "http://127.0.0.1:" + server.port();
    }

    /** A client of {@code /} that is authenticated once its first steps have run, in the mode's way. */
    private NodeClient connected(String version, String transport, String mode, String token) {
        NodeClient client = NodeClient.of(version, url).transports(transport)
                .listen("chat", "forbidden", "echo-response");
        if ("authenticate".equals(mode)) {
            return client.waitFor("connect", WAIT).emit("authenticate", Map.of("token", token))
                    .waitFor("authenticated", WAIT);
        }
        NodeClient withToken = "4".equals(version) ? client.auth(Map.of("token", token)) : client.query("token", token);
        return withToken.waitFor("connect", WAIT);
    }

    private String login(String username, String password) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/login"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(GSON.toJson(Map.of("username", username, "password",
                        password)))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        Map<String, Object> body = GSON.fromJson(response.body(), new TypeToken<Map<String, Object>>() { }.getType());
        return (String) body.get("token");
    }

    /** A token signed with the server's secret, shaped like the ones /login issues, with these channels. */
    private static String token(String username, List<String> channels, Instant now) {
        return Jwts.builder().subject(username).claim("username", username).claim("channels", channels)
                .issuedAt(Date.from(now)).expiration(Date.from(now.plusSeconds(600)))
                .signWith(Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8)), Jwts.SIG.HS256).compact();
    }

    /** The first argument of every recorded event of a name, in arrival order. */
    private static List<Object> args(NodeClient.Result result, String event) {
        return result.events(event).stream().map(NodeClient.Event::firstArg).toList();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
