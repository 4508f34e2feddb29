package io.github.socketiojwt.example;

import com.sun.net.httpserver.HttpServer;
import io.github.socketiojwt.testing.JavaClient;
import io.github.socketiojwt.testing.TestKeys;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The example server verifying tokens from another issuer: {@code --public-key-file}, {@code --jwks-uri},
 * {@code --issuer}, {@code --audience}, {@code --leeway-s}.
 */
class ExampleVerificationTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final KeyPair ISSUER = TestKeys.P_256;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    private String start(String... verification) {
        int port = freePort();
        List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port), "--secret",
                "an example secret of at least 32 bytes!", "--user", "alice:wonderland"));
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

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
