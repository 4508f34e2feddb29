package io.github.socketiojwt.example;

import com.google.gson.Gson;
import io.github.socketiojwt.testing.NodeClient;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The example server as a separate process with its default logging (slf4j-simple at INFO, to standard error, as
 * its {@code simplelogger.properties} configures it): after logins, failed logins, token renewals and refused
 * tokens, through every route that takes one, neither a token nor a password nor the secret appears in what it
 * printed.
 */
class ExampleLoggingTest {

    private static final String SECRET = "logging-test-secret-7f3a9c1e5b2d8f4a6c0e";
    private static final String PASSWORD = "Pa55-word-that-must-not-be-logged-41";
    private static final String WRONG_PASSWORD = "Wrong-pa55-that-must-not-be-logged-92";
    private static final String GARBAGE_TOKEN = "garbage-token-that-must-not-be-logged-63";
    private static final String CHAT_TEXT = "chat-text-that-must-not-be-logged-58";
    private static final long WAIT = 5000;
    private static final Gson GSON = new Gson();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void noTokenPasswordOrSecretReachesTheServersOutput() throws Exception {
        int port = freePort();
        String url = "http://127.0.0.1:" + port;
        Path out = Files.createTempFile("example-server-", ".out");
        Path err = Files.createTempFile("example-server-", ".err");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        // The secret comes from the environment, as --help recommends; authenticate mode for "/", so that "/"
        // takes tokens in `authenticate` events and /admin_hs takes them in the handshake.
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ExampleServer.class.getName(), "--port", String.valueOf(port), "--mode", "authenticate",
                "--user", "alice:" + PASSWORD, "--token-ttl-s", "600")
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("JWT_SECRET", SECRET);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        Process server = builder.start();
        List<String> secrets = new ArrayList<>(List.of(PASSWORD, WRONG_PASSWORD, GARBAGE_TOKEN, SECRET, CHAT_TEXT));
        try {
            awaitOutput(server, err, "Listening on");

            // POST /login: JSON and form, right and wrong, and a malformed body that carries a password.
            String token = login(url, "application/json",
                    GSON.toJson(Map.of("username", "alice", "password", PASSWORD)), 200);
            login(url, "application/x-www-form-urlencoded", "username=alice&password="
                    + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8), 200);
            login(url, "application/json", GSON.toJson(Map.of("username", "alice", "password", WRONG_PASSWORD)),
                    401);
            login(url, "application/x-www-form-urlencoded", "username=alice&password=" + WRONG_PASSWORD, 401);
            login(url, "application/json", GSON.toJson(Map.of("username", PASSWORD, "password", PASSWORD)), 401);
            login(url, "application/json", "{\"username\":\"alice\",\"password\":\"" + PASSWORD + "\"", 400);
            login(url, "text/plain", "alice:" + PASSWORD, 415);

            String foreign = Jwts.builder().subject("alice").claim("username", "alice")
                    .expiration(Date.from(Instant.now().plusSeconds(600)))
                    .signWith(Keys.hmacShaKeyFor("some-other-secret-for-a-forged-token!".getBytes(
                            StandardCharsets.UTF_8)), Jwts.SIG.HS256).compact();
            String expired = Jwts.builder().subject("alice").claim("username", "alice")
                    .issuedAt(Date.from(Instant.now().minusSeconds(7200)))
                    .expiration(Date.from(Instant.now().minusSeconds(3600)))
                    .signWith(Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8)), Jwts.SIG.HS256)
                    .compact();
            secrets.addAll(List.of(token, signature(token), foreign, signature(foreign), expired, signature(expired)));

            // POST /refresh: a good token, then every kind of refused one, in the Authorization header.
            String renewed = refresh(url, "Bearer " + token, 200);
            secrets.addAll(List.of(renewed, signature(renewed)));
            for (String bad : List.of("Bearer " + GARBAGE_TOKEN, "Bearer " + foreign, "Bearer " + expired,
                    "Basic " + GARBAGE_TOKEN, GARBAGE_TOKEN + " " + PASSWORD)) {
                refresh(url, bad, 401);
            }

            // Socket.IO, v4 only (never v2 and v4 on one server): /public logins, "/" authenticate with good and
            // bad tokens, /admin_hs refusing tokens in auth, in the query string and in the Authorization header.
            List<CompletableFuture<NodeClient.Result>> runs = new ArrayList<>();
            runs.add(NodeClient.v4(url).namespace("/public").waitFor("hi", WAIT)
                    .emitWithAck("login", Map.of("username", "alice", "password", WRONG_PASSWORD))
                    .waitFor("ack:login", WAIT)
                    .emitWithAck("login", Map.of("username", "alice", "password", PASSWORD))
                    .waitFor("ack:login", WAIT).runAsync());
            runs.add(NodeClient.v4(url).waitFor("connect", WAIT).emit("authenticate", Map.of("token", token))
                    .waitFor("authenticated", WAIT).emitWithAck("whoami").waitFor("ack:whoami", WAIT).runAsync());
            // Access rules: a channel alice's token does not list, joined and written to (a payload to keep out).
            runs.add(NodeClient.v4(url).waitFor("connect", WAIT).emit("authenticate", Map.of("token", token))
                    .waitFor("authenticated", WAIT).emitWithAck("join", Map.of("room", "staff"))
                    .waitFor("ack:join", WAIT).emitWithAck("chat", Map.of("text", CHAT_TEXT, "room", "staff"))
                    .waitFor("ack:chat", WAIT).runAsync());
            for (String bad : List.of(GARBAGE_TOKEN, foreign, expired)) {
                runs.add(NodeClient.v4(url).transports("websocket").waitFor("connect", WAIT)
                        .emit("authenticate", Map.of("token", bad)).waitFor("unauthorized", WAIT)
                        .waitFor("disconnect", WAIT).runAsync());
            }
            runs.add(NodeClient.v4(url).namespace("/admin_hs").auth(Map.of("token", foreign))
                    .waitFor("connect_error", WAIT).runAsync());
            runs.add(NodeClient.v4(url).namespace("/admin_hs").query("token", expired)
                    .waitFor("connect_error", WAIT).runAsync());
            runs.add(NodeClient.v4(url).namespace("/admin_hs").header("Authorization", "Bearer " + GARBAGE_TOKEN)
                    .waitFor("connect_error", WAIT).runAsync());
            runs.add(NodeClient.v4(url).namespace("/admin").waitFor("connect", WAIT)
                    .emit("authenticate", Map.of("token", foreign)).waitFor("unauthorized", WAIT).runAsync());
            for (CompletableFuture<NodeClient.Result> run : runs) {
                NodeClient.Result r = run.join();
                assertTrue(r.timeouts().isEmpty(), r.toString());
            }
            // An Engine.IO handshake with an unknown transport: netty-socketio logs its whole URL at ERROR.
            HTTP.send(HttpRequest.newBuilder(URI.create(url + "/socket.io/?EIO=4&transport=carrier-pigeon&token="
                    + expired)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());

            // The audit log proves that the server did log these events, at its default level.
            awaitOutput(server, err, "Refused a socket on /admin_hs");
            awaitOutput(server, err, "Refused a socket on /admin ");
            Thread.sleep(300);
        } finally {
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
        String printed = Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);

        assertTrue(printed.contains("alice logged in over HTTP"), printed);
        assertTrue(printed.contains("alice logged in over /public"), printed);
        assertTrue(printed.contains("alice authenticated on /"), printed);
        assertTrue(printed.contains("Failed HTTP login"), printed);
        assertTrue(printed.contains("alice renewed a token over HTTP"), printed);
        assertTrue(printed.contains("Refused a token renewal"), printed);
        assertTrue(printed.contains("Refused a socket on / "), printed);
        assertTrue(printed.contains("Forbidden on /: 'alice' may not join room 'staff'"), printed);
        assertTrue(printed.contains("Forbidden on /: 'alice' may not send event 'chat'"), printed);
        Map<String, Integer> leaks = new LinkedHashMap<>();
        for (String secret : secrets) {
            int at = printed.indexOf(secret);
            if (at >= 0) {
                leaks.put(secret, at);
            }
        }
        assertEquals(Map.of(), leaks, "secrets in the server's output:\n" + printed);
        assertFalse(printed.contains("Demo account"), "--user given: no demo account");
    }

    private static String login(String url, String type, String body, int expectedStatus) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/login"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expectedStatus, response.statusCode(), response.body());
        if (expectedStatus != 200) {
            return null;
        }
        String token = GSON.fromJson(response.body(), Map.class).get("token").toString();
        assertFalse(token.isEmpty());
        return token;
    }

    private static String refresh(String url, String authorization, int expectedStatus) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/refresh"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expectedStatus, response.statusCode(), response.body());
        return expectedStatus == 200 ? GSON.fromJson(response.body(), Map.class).get("token").toString() : null;
    }

    private static String signature(String token) {
        return token.substring(token.lastIndexOf('.') + 1);
    }

    private static void awaitOutput(Process process, Path file, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            if (content.contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                fail("the server exited with " + process.exitValue() + ":\n" + content);
            }
            Thread.sleep(50);
        }
        fail("no \"" + text + "\" in the server's output:\n" + Files.readString(file, StandardCharsets.UTF_8));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
