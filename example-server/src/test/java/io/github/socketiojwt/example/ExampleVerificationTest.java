package io.github.socketiojwt.example;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.sun.net.httpserver.HttpServer;
import io.github.socketiojwt.testing.JavaClient;
import io.github.socketiojwt.testing.TestKeys;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.Keys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example server verifying tokens from another issuer: {@code --public-key-file}, {@code --jwks-uri},
 * {@code --issuer}, {@code --audience}, {@code --leeway-s}; and its own tokens ({@code POST /login},
 * {@code POST /refresh}, the {@code /public} namespace's {@code login}), which satisfy its own {@code --issuer} and
 * {@code --audience} checks.
 */
class ExampleVerificationTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String SECRET = "an example secret of at least 32 bytes!";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(WAIT).build();
    private static final KeyPair ISSUER = TestKeys.P_256;
    private static final Gson GSON = new Gson();

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    private String start(String... verification) {
        int port = freePort();
        List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port), "--secret", SECRET,
                "--user", "alice:wonderland"));
        args.addAll(List.of(verification));
        open.add(ExampleServer.start(ExampleOptions.parse(args.toArray(new String[0]), Map.of())));
        return "http://127.0.0.1:" + port;
    }

    private static String token(String audience, Instant expiry) {
        return Jwts.builder().header().keyId("k1").and().subject("alice").issuer("https://issuer").audience()
                .add(audience).and().expiration(Date.from(expiry)).signWith(ISSUER.getPrivate(), Jwts.SIG.ES256)
                .compact();
    }

    private Map<?, ?> connectError(String url, String token) {
        JavaClient client = JavaClient.connect(url, "/", Map.of("token", token), null, null);
        open.add(client);
        return (Map<?, ?>) ((Map<?, ?>) client.awaitOrFail("connect_error", WAIT).arg(0)).get("data");
    }

    private void connects(String url, String token) {
        JavaClient client = JavaClient.connect(url, "/", Map.of("token", token), null, null);
        open.add(client);
        client.awaitOrFail("connect", WAIT);
    }

    @Test
    void verifiesWithAPublicKeyFileAndChecksIssuerAudienceAndLeeway() throws IOException {
        Path pem = Files.createTempFile("issuer", ".pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(ISSUER.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        String url = start("--public-key-file", pem.toString(), "--issuer", "https://issuer", "--audience", "api",
                "--audience", "web", "--leeway-s", "30");
        connects(url, token("web", Instant.now().plusSeconds(60)));
        connects(url, token("api", Instant.now().minusSeconds(10))); // expired, within the 30 s leeway
        assertEquals("jwt audience invalid. expected: api or web",
                connectError(url, token("admin", Instant.now().plusSeconds(60))).get("message"));
        assertEquals("jwt expired", connectError(url, token("api", Instant.now().minusSeconds(60))).get("message"));
        // With a key option, only tokens that key verifies are accepted: not the HS256 tokens of POST /login.
        String hs256 = Jwts.builder().subject("alice").signWith(io.jsonwebtoken.security.Keys.hmacShaKeyFor(
                "an example secret of at least 32 bytes!".getBytes(StandardCharsets.UTF_8))).compact();
        assertEquals("invalid algorithm", connectError(url, hs256).get("message"));
    }

    @Test
    void verifiesWithAJwksEndpoint() throws IOException {
        HttpServer jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String set = "{\"keys\":[" + Jwks.json(Jwks.builder().key((java.security.interfaces.ECPublicKey)
                ISSUER.getPublic()).id("k1").build()) + "]}";
        jwks.createContext("/jwks.json", exchange -> {
            byte[] body = set.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        jwks.start();
        open.add(() -> jwks.stop(0));
        String url = start("--jwks-uri", "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json",
                "--issuer", "https://issuer");
        connects(url, token("api", Instant.now().plusSeconds(60)));
        String otherKey = Jwts.builder().header().keyId("k1").and().subject("mallory").issuer("https://issuer")
                .signWith(TestKeys.P_256 == ISSUER ? TestKeys.P_384.getPrivate() : TestKeys.P_256.getPrivate(),
                        Jwts.SIG.ES384).compact();
        assertEquals("invalid_token", connectError(url, otherKey).get("code"));
    }

    // --- the server's own tokens and its own claim checks ----------------------------------------------------------

    static Stream<Arguments> audiencesAndModes() {
        return Stream.of(List.of("api"), List.of("api", "web")).flatMap(audiences ->
                Stream.of("handshake", "authenticate").map(mode -> Arguments.of(audiences, mode)));
    }

    /**
     * Started with two {@code --issuer} and one or several {@code --audience}, the server's tokens from all three
     * sources carry the first issuer and every audience ({@code aud} a JSON string for one, an array for several),
     * and connect to {@code /} (in either mode), {@code /admin} (authenticate mode) and {@code /admin_hs}
     * (handshake mode).
     */
    @ParameterizedTest(name = "--audience {0}, --mode {1}")
    @MethodSource("audiencesAndModes")
    void theServersOwnTokensCarryItsIssuerAndAudiencesAndConnectToEveryProtectedNamespace(List<String> audiences,
            String mode) throws Exception {
        List<String> args = new ArrayList<>(List.of("--mode", mode, "--issuer", "https://example",
                "--issuer", "https://other"));
        audiences.forEach(audience -> args.addAll(List.of("--audience", audience)));
        String url = start(args.toArray(new String[0]));

        String login = login(url);
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("POST /login", login);
        tokens.put("POST /refresh", refreshed(url, login));
        tokens.put("/public login", loginOverPublic(url));
        JsonElement expectedAud = audiences.size() == 1 ? new JsonPrimitive("api") : GSON.toJsonTree(audiences);
        for (Map.Entry<String, String> token : tokens.entrySet()) {
            JsonObject claims = payload(token.getValue());
            assertEquals(new JsonPrimitive("https://example"), claims.get("iss"), token.getKey() + ": " + claims);
            assertEquals(expectedAud, claims.get("aud"), token.getKey() + ": " + claims);
            assertEquals(new JsonPrimitive("alice"), claims.get("sub"), token.getKey() + ": " + claims);

            if ("handshake".equals(mode)) {
                connects(url, token.getValue());
            } else {
                authenticates(url, "/", token.getValue());
            }
            authenticates(url, "/admin", token.getValue());
            JavaClient adminHs = JavaClient.connect(url, "/admin_hs", Map.of("token", token.getValue()), null, null);
            open.add(adminHs);
            adminHs.awaitOrFail("connect", WAIT);
        }
    }

    /**
     * {@code POST /refresh} renews what the namespaces accept and nothing more: a token signed with the server's
     * secret but without an accepted {@code iss} or {@code aud} is refused, as the namespaces refuse it; an accepted
     * one is renewed with the server's own {@code iss} and {@code aud}.
     */
    @Test
    void refreshRenewsOnlyTokensWithAnAcceptedIssuerAndAudience() throws Exception {
        String url = start("--issuer", "https://example", "--issuer", "https://other", "--audience", "api",
                "--audience", "web");
        Instant exp = Instant.now().plusSeconds(60);
        String noIssuer = signed(Map.of("aud", "api"), exp);
        String otherIssuer = signed(Map.of("iss", "https://elsewhere", "aud", "api"), exp);
        String noAudience = signed(Map.of("iss", "https://example"), exp);
        String otherAudience = signed(Map.of("iss", "https://example", "aud", List.of("admin")), exp);
        for (String refused : List.of(noIssuer, otherIssuer, noAudience, otherAudience)) {
            HttpResponse<String> response = refresh(url, refused);
            assertEquals(401, response.statusCode(), "renewed " + payload(refused));
            assertEquals("{\"error\":\"invalid token\"}", response.body());
        }
        assertEquals("jwt issuer invalid. expected: https://example,https://other",
                connectError(url, noIssuer).get("message"), "the namespaces refuse it too");

        JsonObject renewed = payload(refreshed(url, signed(Map.of("iss", "https://other", "aud", "web"), exp)));
        assertEquals(new JsonPrimitive("https://example"), renewed.get("iss"), renewed.toString());
        assertEquals(GSON.toJsonTree(List.of("api", "web")), renewed.get("aud"), renewed.toString());
    }

    private void authenticates(String url, String namespace, String token) {
        JavaClient client = JavaClient.connect(url, namespace, null, null, null);
        open.add(client);
        client.awaitOrFail("connect", WAIT);
        client.emit("authenticate", Map.of("token", token));
        client.awaitOrFail("authenticated", WAIT);
    }

    private static String login(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/login")).timeout(WAIT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"alice\",\"password\":\"wonderland\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return GSON.fromJson(response.body(), JsonObject.class).get("token").getAsString();
    }

    private static HttpResponse<String> refresh(String url, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + "/refresh")).timeout(WAIT)
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String refreshed(String url, String token) throws Exception {
        HttpResponse<String> response = refresh(url, token);
        assertEquals(200, response.statusCode(), response.body());
        return GSON.fromJson(response.body(), JsonObject.class).get("token").getAsString();
    }

    private String loginOverPublic(String url) {
        JavaClient pub = JavaClient.connect(url, "/public", null, null, null);
        open.add(pub);
        pub.awaitOrFail("connect", WAIT);
        pub.emitWithAck("login", Map.of("username", "alice", "password", "wonderland"));
        Map<?, ?> answer = (Map<?, ?>) pub.awaitOrFail("ack:login", WAIT).arg(0);
        assertTrue(answer.get("token") instanceof String, answer.toString());
        return (String) answer.get("token");
    }

    /** A token for alice signed with the server's secret, with these claims. */
    private static String signed(Map<String, ?> claims, Instant expiry) {
        return Jwts.builder().claims(claims).subject("alice").expiration(Date.from(expiry))
                .signWith(Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8)), Jwts.SIG.HS256).compact();
    }

    /** The payload as JSON, as it is on the wire: strings, numbers and arrays as they are. */
    private static JsonObject payload(String token) {
        return GSON.fromJson(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]),
                StandardCharsets.UTF_8), JsonObject.class);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
