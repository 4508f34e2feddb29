package io.github.socketiojwt.example;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.reflect.TypeToken;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import io.socket.client.IO;
import io.socket.client.Socket;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example server end to end: HTTP with {@link HttpClient}, Socket.IO with the Java client (protocol v4). */
class ExampleServerTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final long WAIT_S = 5;
    private static final Gson GSON = new Gson();

    private static ExampleServer server;
    private static String base;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(WAIT_S)).build();

    private final List<Socket> sockets = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        server = start("--mode", "handshake");
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @AfterEach
    void closeSockets() {
        sockets.forEach(Socket::close);
    }

    // --- HTTP ---------------------------------------------------------------------------------------------------

    @Test
    void rootServesTheWebPage() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(page.body().contains("<script type=\"module\" src=\"app.js\">"), page.body());
        assertEquals(page.body(), get("/index.html").body());
    }

    @Test
    void servesWebFilesByTypeAndNothingElse() throws Exception {
        HttpResponse<String> script = get("/app.js");
        assertEquals(200, script.statusCode());
        assertEquals("text/javascript; charset=utf-8", script.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("text/css; charset=utf-8", get("/style.css").headers().firstValue("Content-Type").orElseThrow());
        assertEquals(404, get("/missing.js").statusCode());
        assertEquals(404, get("/%2e%2e/web/index.html").statusCode(), "never a path with ..");
        assertEquals(404, get("/web/../web/app.js").statusCode(), "never a path with ..");
        assertEquals(404, get("/simplelogger.properties").statusCode(), "only .html, .js and .css");
        assertEquals(404, get("/io/github/socketiojwt/example/ExampleServer.class").statusCode());
    }

    @Test
    void modeIsReported() throws Exception {
        HttpResponse<String> mode = get("/mode");
        assertEquals(200, mode.statusCode());
        assertEquals("{\"mode\":\"handshake\",\"leewaySeconds\":0}", mode.body());
    }

    @Test
    void loginIssuesATokenThatVerifies() throws Exception {
        HttpResponse<String> response = postJson("{\"username\":\"alice\",\"password\":\"wonderland\"}");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElseThrow());
        String token = json(response).get("token").getAsString();
        Claims claims = Jwts.parser().verifyWith(Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8)))
                .build().parseSignedClaims(token).getPayload();
        assertEquals("alice", claims.getSubject());
        assertEquals("alice", claims.get("username", String.class));
        assertEquals(3600, (claims.getExpiration().getTime() - claims.getIssuedAt().getTime()) / 1000);
        long now = System.currentTimeMillis() / 1000;
        assertTrue(Math.abs(claims.getIssuedAt().getTime() / 1000 - now) < 60, "iat is now, in seconds");
    }

    @Test
    void loginAcceptsAUrlEncodedForm() throws Exception {
        HttpResponse<String> response = post("username=bob&password=the+builder%21",
                "application/x-www-form-urlencoded");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(json(response).has("token"));
    }

    @Test
    void wrongPasswordOrUnknownUserIs401() throws Exception {
        for (String body : List.of("{\"username\":\"alice\",\"password\":\"wrong\"}",
                "{\"username\":\"mallory\",\"password\":\"wonderland\"}")) {
            HttpResponse<String> response = postJson(body);
            assertEquals(401, response.statusCode(), body);
            assertEquals("{\"error\":\"invalid credentials\"}", response.body());
            assertEquals("no-store", response.headers().firstValue("Cache-Control").orElseThrow());
        }
    }

    @Test
    void malformedBodyIs400() throws Exception {
        for (String body : List.of("{\"username\":\"alice\",", "", "[]", "{\"username\":\"alice\"}",
                "{\"username\":\"alice\",\"password\":42}", "{username:'alice',password:'wonderland'}",
                "{\"username\":\"alice\",\"password\":\"wonderland\"} trailing")) {
            HttpResponse<String> response = postJson(body);
            assertEquals(400, response.statusCode(), body);
            assertTrue(json(response).get("error").getAsString().length() > 0, response.body());
            assertFalse(response.body().contains("wonderland"), "the input is never echoed: " + response.body());
        }
        assertEquals(400, post("username=alice&password=%zz", "application/x-www-form-urlencoded").statusCode());
        assertEquals(415, post("alice:wonderland", "text/plain").statusCode());
    }

    @Test
    void wrongMethodIs405() throws Exception {
        for (String path : List.of("/login", "/refresh")) {
            HttpResponse<String> response = get(path);
            assertEquals(405, response.statusCode(), path);
            assertEquals("POST", response.headers().firstValue("Allow").orElseThrow(), path);
            assertEquals("{\"error\":\"method not allowed\"}", response.body(), path);
        }
        HttpResponse<String> delete = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/refresh"))
                .timeout(Duration.ofSeconds(WAIT_S)).header("Authorization", "Bearer " + login("alice", "wonderland"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, delete.statusCode());
        assertFalse(delete.body().contains("token"), delete.body());
    }

    // --- POST /refresh ------------------------------------------------------------------------------------------

    @Test
    void refreshIssuesAFreshTokenForTheSameSubjectWithTheSameClaims() throws Exception {
        Instant now = Instant.now();
        String loginToken = token(now.minusSeconds(600), now.plusSeconds(60), "alice", Map.of("username", "alice"));
        String teamToken = token(now.minusSeconds(600), now.plusSeconds(60), "bob",
                Map.of("username", "bob", "team", "red"));

        Map<String, Map<String, Object>> expected = Map.of(
                loginToken, Map.of("sub", "alice", "username", "alice"),
                teamToken, Map.of("sub", "bob", "username", "bob", "team", "red"));
        for (Map.Entry<String, Map<String, Object>> entry : expected.entrySet()) {
            HttpResponse<String> response = refresh("Bearer " + entry.getKey());
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("no-store", response.headers().firstValue("Cache-Control").orElseThrow());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            JsonObject body = json(response);
            assertEquals(List.of("token"), List.copyOf(body.keySet()), response.body());
            String renewed = body.get("token").getAsString();
            assertNotEquals(entry.getKey(), renewed);

            Claims claims = verify(renewed);
            Map<String, Object> carried = new HashMap<>(claims);
            carried.keySet().removeAll(List.of("iat", "exp"));
            assertEquals(entry.getValue(), carried, "the same subject and custom claims: " + claims);
            assertEquals(3600, (claims.getExpiration().getTime() - claims.getIssuedAt().getTime()) / 1000,
                    "a fresh lifetime of --token-ttl-s (default 3600): " + claims);
            assertTrue(Math.abs(claims.getIssuedAt().toInstant().getEpochSecond() - now.getEpochSecond()) < 60,
                    "a fresh iat: " + claims);
        }
        String fromLogin = login("alice", "wonderland");
        HttpResponse<String> again = refresh("bearer " + fromLogin);
        assertEquals(200, again.statusCode(), "the scheme is case-insensitive: " + again.body());
        assertEquals("alice", verify(json(again).get("token").getAsString()).getSubject());
    }

    @Test
    void refreshRefusesMissingMalformedExpiredForgedAndGarbageTokensWith401() throws Exception {
        Instant now = Instant.now();
        String expired = token(now.minusSeconds(7200), now.minusSeconds(3600), "alice", Map.of("username", "alice"));
        String justExpired = token(now.minusSeconds(60), now.minusSeconds(1), "alice", Map.of());
        String forged = Jwts.builder().subject("alice").expiration(Date.from(now.plusSeconds(600)))
                .signWith(Keys.hmacShaKeyFor("another secret, not the server's: 0123456789".getBytes(
                        StandardCharsets.UTF_8)), Jwts.SIG.HS256).compact();
        String withoutExp = Jwts.builder().subject("alice").signWith(key(), Jwts.SIG.HS256).compact();
        String withoutSub = Jwts.builder().claim("username", "alice").expiration(Date.from(now.plusSeconds(600)))
                .signWith(key(), Jwts.SIG.HS256).compact();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String unsigned = b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(GSON.toJson(Map.of("sub", "alice", "exp", now.getEpochSecond() + 600))
                        .getBytes(StandardCharsets.UTF_8)) + ".";

        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("Bearer " + expired, "jwt expired");
        cases.put("Bearer " + justExpired, "jwt expired");
        cases.put("Bearer " + forged, "invalid token");
        cases.put("Bearer " + withoutExp, "invalid token");
        cases.put("Bearer " + withoutSub, "invalid token");
        cases.put("Bearer " + unsigned, "invalid token");
        cases.put("Bearer garbage-that-is-no-token", "invalid token");
        cases.put("Bearer", "Format is Authorization: Bearer [token]");
        cases.put("Bearer two tokens", "Format is Authorization: Bearer [token]");
        cases.put("Basic YWxpY2U6d29uZGVybGFuZA==", "Format is Authorization: Bearer [token]");
        cases.put(expired, "Format is Authorization: Bearer [token]");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<String> response = refresh(c.getKey());
            String what = c.getValue() + " for " + c.getKey().substring(0, Math.min(40, c.getKey().length()));
            assertRefused(response, c.getValue(), what);
            assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer error="),
                    what);
        }

        HttpResponse<String> missing = refresh(null);
        assertRefused(missing, "no token provided", "no Authorization header");
        assertEquals("Bearer", missing.headers().firstValue("WWW-Authenticate").orElseThrow());

        HttpResponse<String> twoHeaders = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/refresh"))
                .timeout(Duration.ofSeconds(WAIT_S)).header("Authorization", "Bearer " + login("alice", "wonderland"))
                .header("Authorization", "Bearer " + forged).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertRefused(twoHeaders, "Format is Authorization: Bearer [token]", "two Authorization headers");
    }

    @Test
    void requestsWithHeadersBeyondNettysLimitAre400() throws Exception {
        String huge = "Bearer " + "x".repeat(9000);
        HttpResponse<String> refreshed = refresh(huge);
        assertEquals(400, refreshed.statusCode(), refreshed.body());
        assertEquals("{\"error\":\"malformed or too large request\"}", refreshed.body());
        HttpResponse<String> login = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .timeout(Duration.ofSeconds(WAIT_S)).header("Content-Type", "application/json")
                .header("X-Padding", "x".repeat(9000))
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"alice\",\"password\":\"wonderland\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, login.statusCode(), login.body());
    }

    /** The server's side of renewal: a connected socket emits {@code authenticate} with the token /refresh gave. */
    @Test
    void aRefreshedTokenRenewsAConnectedSocket() throws Exception {
        Instant now = Instant.now();
        String shortLived = token(now, now.plusSeconds(30), "alice", Map.of("username", "alice"));
        Socket alice = socket(base, "/", Map.of("token", shortLived));
        CompletableFuture<Object[]> connected = once(alice, Socket.EVENT_CONNECT);
        alice.connect();
        await(connected);

        HttpResponse<String> response = refresh("Bearer " + shortLived);
        assertEquals(200, response.statusCode(), response.body());
        String renewed = json(response).get("token").getAsString();
        CompletableFuture<Object[]> authenticated = once(alice, "authenticated");
        alice.emit("authenticate", new JSONObject(Map.of("token", renewed)));
        await(authenticated);

        CompletableFuture<Object[]> whoami = new CompletableFuture<>();
        alice.emit("whoami", new Object[] {new JSONObject()}, whoami::complete);
        JSONObject claims = (JSONObject) await(whoami)[0];
        assertEquals(verify(renewed).getExpiration().toInstant().getEpochSecond(), claims.getLong("exp"),
                "the socket now holds the renewed token: " + claims);
        assertTrue(alice.connected());
    }

    // --- Socket.IO ----------------------------------------------------------------------------------------------

    @Test
    void whoamiAnswersTheVerifiedClaimsAndChatReachesEverySocket() throws Exception {
        Socket alice = socket(base, "/", Map.of("token", login("alice", "wonderland")));
        Socket bob = socket(base, "/", Map.of("token", login("bob", "the builder!")));
        CompletableFuture<Object[]> aliceConnected = once(alice, Socket.EVENT_CONNECT);
        CompletableFuture<Object[]> bobConnected = once(bob, Socket.EVENT_CONNECT);
        CompletableFuture<Object[]> aliceChat = once(alice, "chat");
        CompletableFuture<Object[]> bobChat = once(bob, "chat");
        CompletableFuture<Object[]> echo = once(alice, "echo-response");
        alice.connect();
        bob.connect();
        await(aliceConnected);
        await(bobConnected);

        CompletableFuture<Object[]> whoami = new CompletableFuture<>();
        alice.emit("whoami", new Object[] {new JSONObject()}, whoami::complete);
        JSONObject claims = (JSONObject) await(whoami)[0];
        assertEquals("alice", claims.getString("sub"));
        assertEquals("alice", claims.getString("username"));
        assertEquals(3600, claims.getLong("exp") - claims.getLong("iat"), "iat and exp in seconds: " + claims);

        alice.emit("echo", new JSONObject(Map.of("n", 1)));
        assertEquals(1, ((JSONObject) await(echo)[0]).getInt("n"));

        alice.emit("chat", new JSONObject(Map.of("text", "hello")));
        for (CompletableFuture<Object[]> chat : List.of(aliceChat, bobChat)) {
            JSONObject message = (JSONObject) await(chat)[0];
            assertEquals("alice", message.getString("from"));
            assertEquals("hello", message.getString("text"));
        }
    }

    @Test
    void loginPutsTheAccountsChannelsInItsTokensAndRefreshKeepsThem() throws Exception {
        String carol = login("carol", "c4rol");
        assertEquals(List.of("general", "news"), verify(carol).get("channels"), "a JSON array, in order");
        assertFalse(verify(login("alice", "wonderland")).containsKey("channels"), "absent for an account with none");

        Socket pub = socket(base, "/public", null);
        CompletableFuture<Object[]> hi = once(pub, "hi");
        pub.connect();
        await(hi);
        String overSocket = loginOverSocket(pub, "dan", "d4n").getString("token");
        assertEquals(List.of("news"), verify(overSocket).get("channels"), "the WebSocket login too");

        HttpResponse<String> renewed = refresh("Bearer " + carol);
        assertEquals(200, renewed.statusCode(), renewed.body());
        assertEquals(List.of("general", "news"), verify(json(renewed).get("token").getAsString()).get("channels"),
                "POST /refresh keeps them");
    }

    /**
     * Carol and Dan join news, Alice (no channels) may not; Carol's chat to news reaches both members and not Alice.
     * Dan leaves: Carol's next chat to news reaches only her. Each member's messages are checked against a chat for
     * everyone sent after them, so that a message that should not come would have come first.
     */
    @Test
    void joinAndLeaveAChannelAndItsChatReachesOnlyItsMembers() throws Exception {
        Map<String, Socket> people = new LinkedHashMap<>();
        Map<String, BlockingQueue<JSONObject>> chats = new LinkedHashMap<>();
        for (String[] account : List.of(new String[] {"carol", "c4rol"}, new String[] {"dan", "d4n"},
                new String[] {"alice", "wonderland"})) {
            Socket socket = socket(base, "/", Map.of("token", login(account[0], account[1])));
            BlockingQueue<JSONObject> received = new LinkedBlockingQueue<>();
            socket.on("chat", args -> received.add((JSONObject) args[0]));
            CompletableFuture<Object[]> connected = once(socket, Socket.EVENT_CONNECT);
            socket.connect();
            await(connected);
            people.put(account[0], socket);
            chats.put(account[0], received);
        }
        Socket carol = people.get("carol");
        assertEquals(Map.of("ok", true, "room", "news"), ask(carol, "join", Map.of("room", "news")));
        assertEquals(Map.of("ok", true, "room", "news"), ask(people.get("dan"), "join", Map.of("room", "news")));
        assertEquals(Map.of("error", "forbidden", "room", "news"), ask(people.get("alice"), "join",
                Map.of("room", "news")));

        assertEquals(Map.of("ok", true, "room", "news"), ask(carol, "chat", Map.of("text", "one", "room", "news")));
        assertEquals(Map.of("ok", true), ask(carol, "chat", Map.of("text", "for everyone")));
        assertEquals(Map.of("ok", true, "room", "news"), ask(people.get("dan"), "leave", Map.of("room", "news")));
        assertEquals(Map.of("ok", true, "room", "news"), ask(carol, "chat", Map.of("text", "two", "room", "news")));
        assertEquals(Map.of("ok", true), ask(carol, "chat", Map.of("text", "for everyone again")));

        Map<String, List<String>> expected = Map.of(
                "carol", List.of("news/one", "for everyone", "news/two", "for everyone again"),
                "dan", List.of("news/one", "for everyone", "for everyone again"),
                "alice", List.of("for everyone", "for everyone again"));
        for (Map.Entry<String, List<String>> person : expected.entrySet()) {
            List<String> seen = new ArrayList<>();
            while (seen.size() < person.getValue().size()) {
                JSONObject message = chats.get(person.getKey()).poll(WAIT_S, TimeUnit.SECONDS);
                assertTrue(message != null, person.getKey() + " saw only " + seen);
                assertEquals("carol", message.getString("from"));
                seen.add(message.has("room") ? message.getString("room") + "/" + message.getString("text")
                        : message.getString("text"));
            }
            assertEquals(person.getValue(), seen, person.getKey());
        }
    }

    @Test
    void joinLeaveAndChatAnswerMalformedRequestsAndChatsToChannelsNotJoined() throws Exception {
        Socket carol = socket(base, "/", Map.of("token", login("carol", "c4rol")));
        CompletableFuture<Object[]> connected = once(carol, Socket.EVENT_CONNECT);
        carol.connect();
        await(connected);
        assertEquals(Map.of("error", "invalid room"), ask(carol, "join", Map.of()));
        assertEquals(Map.of("error", "invalid room"), ask(carol, "join", Map.of("room", 7)));
        assertEquals(Map.of("error", "invalid room"), ask(carol, "join", Map.of("room", "")));
        assertEquals(Map.of("error", "forbidden", "room", "a b"), ask(carol, "join", Map.of("room", "a b")),
                "not a channel name: no rule allows it");
        assertEquals(Map.of("error", "invalid room"), ask(carol, "leave", Map.of("room", "")),
                "never netty-socketio's room of the namespace");
        assertEquals(Map.of("error", "not joined", "room", "general"), ask(carol, "chat",
                Map.of("text", "hi", "room", "general")), "allowed, but not joined");
        assertEquals(Map.of("error", "invalid message"), ask(carol, "chat", Map.of("text", " ")));
        assertTrue(carol.connected());
    }

    @Test
    void socketWithoutTokenGetsConnectError() throws Exception {
        Socket anonymous = socket(base, "/", null);
        CompletableFuture<Object[]> error = once(anonymous, Socket.EVENT_CONNECT_ERROR);
        CompletableFuture<Object[]> connected = once(anonymous, Socket.EVENT_CONNECT);
        anonymous.connect();
        JSONObject payload = (JSONObject) await(error)[0];
        assertEquals("no token provided", payload.getString("message"));
        assertEquals("credentials_required", payload.getJSONObject("data").getString("code"));
        assertFalse(connected.isDone());
    }

    @Test
    void publicNamespaceLogsInAndAdminNamespacesGreetAuthenticatedSockets() throws Exception {
        Socket pub = socket(base, "/public", null);
        CompletableFuture<Object[]> hi = once(pub, "hi");
        pub.connect();
        await(hi);
        String token = loginOverSocket(pub, "alice", "wonderland").getString("token");
        assertEquals("invalid credentials", loginOverSocket(pub, "alice", "nope").getString("error"));

        Socket admin = socket(base, "/admin", null);
        CompletableFuture<Object[]> adminConnected = once(admin, Socket.EVENT_CONNECT);
        CompletableFuture<Object[]> authenticated = once(admin, "authenticated");
        CompletableFuture<Object[]> hiAdmin = once(admin, "hi admin");
        admin.connect();
        await(adminConnected);
        assertFalse(hiAdmin.isDone(), "no greeting before authentication");
        admin.emit("authenticate", new JSONObject(Map.of("token", token)));
        await(authenticated);
        await(hiAdmin);

        Socket adminHs = socket(base, "/admin_hs", Map.of("token", token));
        CompletableFuture<Object[]> hiAdminHs = once(adminHs, "hi admin");
        adminHs.connect();
        await(hiAdminHs);
    }

    @Test
    void authenticateModeOnTheDefaultNamespace() throws Exception {
        try (ExampleServer twoStep = start("--mode", "authenticate", "--timeout-ms", "2000")) {
            String url = "http://127.0.0.1:" + twoStep.port();
            HttpResponse<String> mode = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/mode")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("{\"mode\":\"authenticate\",\"leewaySeconds\":0}", mode.body());

            Socket socket = socket(url, "/", null);
            CompletableFuture<Object[]> connected = once(socket, Socket.EVENT_CONNECT);
            CompletableFuture<Object[]> authenticated = once(socket, "authenticated");
            socket.connect();
            await(connected);
            socket.emit("authenticate", new JSONObject(Map.of("token", login("bob", "the builder!"))));
            await(authenticated);
            CompletableFuture<Object[]> whoami = new CompletableFuture<>();
            socket.emit("whoami", new Object[] {new JSONObject()}, whoami::complete);
            assertEquals("bob", ((JSONObject) await(whoami)[0]).getString("sub"));
        }
    }

    // --- command line -------------------------------------------------------------------------------------------

    @Test
    void launchExitCodes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, ExampleServer.launch(new String[] {"--help"}, Map.of(), print(out), print(err)));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--token-ttl-s"));

        assertEquals(2, ExampleServer.launch(new String[] {"--secret", "short"}, Map.of(), print(out), print(err)));
        String error = err.toString(StandardCharsets.UTF_8);
        assertEquals("example-server: --secret: 5 bytes (expected: at least 32 bytes for HS256, RFC 7518 §3.2)\n",
                error);
    }

    @Test
    void launchFailsWithStatusOneWhenThePortIsTaken() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = ExampleServer.launch(new String[] {"--port", String.valueOf(taken.getLocalPort()),
                "--secret", SECRET, "--user", "a:b"}, Map.of(), print(new ByteArrayOutputStream()), print(err));
            assertEquals(1, status);
            assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("example-server: cannot listen on 127.0.0.1:"),
                    err.toString(StandardCharsets.UTF_8));
        }
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    private static ExampleServer start(String... extra) {
        List<String> args = new ArrayList<>(List.of("--port", String.valueOf(freePort()), "--secret", SECRET,
                "--user", "alice:wonderland", "--user", "bob:the builder!", "--user", "carol:c4rol:general,news",
                "--user", "dan:d4n:news"));
        args.addAll(List.of(extra));
        return ExampleServer.start(ExampleOptions.parse(args.toArray(new String[0]), Map.of()));
    }

    private Socket socket(String url, String namespace, Map<String, String> auth) {
        io.socket.client.SocketOptionBuilder options = IO.Options.builder().setForceNew(true).setReconnection(false)
                .setTimeout(WAIT_S * 1000);
        if (auth != null) {
            options.setAuth(auth);
        }
        Socket socket = IO.socket(URI.create(url + ("/".equals(namespace) ? "" : namespace)), options.build());
        sockets.add(socket);
        return socket;
    }

    private static CompletableFuture<Object[]> once(Socket socket, String event) {
        CompletableFuture<Object[]> future = new CompletableFuture<>();
        socket.once(event, future::complete);
        return future;
    }

    private static JSONObject loginOverSocket(Socket socket, String username, String password) throws Exception {
        CompletableFuture<Object[]> ack = new CompletableFuture<>();
        socket.emit("login", new Object[] {new JSONObject(Map.of("username", username, "password", password))},
                ack::complete);
        return (JSONObject) await(ack)[0];
    }

    /** Emits an event with an ack and returns the ack's argument. */
    private static Map<String, Object> ask(Socket socket, String event, Map<String, ?> data) throws Exception {
        CompletableFuture<Object[]> ack = new CompletableFuture<>();
        socket.emit(event, new Object[] {new JSONObject(data)}, ack::complete);
        return GSON.fromJson(await(ack)[0].toString(), new TypeToken<Map<String, Object>>() { }.getType());
    }

    private static Object[] await(CompletableFuture<Object[]> future) throws Exception {
        return future.get(WAIT_S, TimeUnit.SECONDS);
    }

    private static String login(String username, String password) throws Exception {
        HttpResponse<String> response = postJson(GSON.toJson(Map.of("username", username, "password", password)));
        assertEquals(200, response.statusCode(), response.body());
        return json(response).get("token").getAsString();
    }

    private static HttpResponse<String> refresh(String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/refresh"))
                .timeout(Duration.ofSeconds(WAIT_S)).POST(HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A 401 whose body is exactly {@code {"error": message}}, not cached, and never echoes a token. */
    private static void assertRefused(HttpResponse<String> response, String message, String what) {
        assertEquals(401, response.statusCode(), what + ": " + response.body());
        assertEquals(GSON.toJson(Map.of("error", message)), response.body(), what);
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElseThrow(), what);
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), what);
    }

    private static SecretKey key() {
        return Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8));
    }

    /** A token signed with the server's secret, as /login signs them, with the given times and claims. */
    private static String token(Instant issuedAt, Instant expiry, String subject, Map<String, ?> claims) {
        return Jwts.builder().subject(subject).claims(claims).issuedAt(Date.from(issuedAt))
                .expiration(Date.from(expiry)).signWith(key(), Jwts.SIG.HS256).compact();
    }

    private static Claims verify(String token) {
        return Jwts.parser().verifyWith(key()).build().parseSignedClaims(token).getPayload();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(WAIT_S)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> postJson(String body) throws Exception {
        return post(body, "application/json");
    }

    private static HttpResponse<String> post(String body, String contentType) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/login")).timeout(Duration.ofSeconds(WAIT_S))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(HttpResponse<String> response) {
        return GSON.fromJson(response.body(), JsonObject.class);
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
