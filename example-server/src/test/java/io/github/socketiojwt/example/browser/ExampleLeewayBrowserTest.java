package io.github.socketiojwt.example.browser;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.github.socketiojwt.example.ExampleOptions;
import io.github.socketiojwt.example.ExampleServer;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page in headless Chromium against a server started with {@code --leeway-s}: it learns the leeway from
 * {@code GET /mode} and keeps a token as long as the server accepts it, {@code exp} plus the leeway, rather than
 * dropping it at {@code exp}.
 */
class ExampleLeewayBrowserTest {

    private static final String SECRET = "an example secret of at least 32 bytes!";
    /** Generous, so that starting Chromium cannot take the token past it. */
    private static final int LEEWAY_S = 30;
    private static final Duration LONG_WAIT = Duration.ofSeconds(20);

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    /**
     * A token kept from an earlier visit whose {@code exp} passed 2 s ago: the page does not call the session
     * expired; it connects with it and renews it at once ({@code POST /refresh} takes it within the leeway).
     */
    @ParameterizedTest(name = "--mode {0}")
    @ValueSource(strings = {"handshake", "authenticate"})
    void aKeptTokenTwoSecondsPastItsExpIsUsedAndRenewedWithinTheServersLeeway(String mode) {
        int port = freePort();
        open.add(ExampleServer.start(ExampleOptions.parse(new String[] {"--port", String.valueOf(port), "--secret",
            SECRET, "--mode", mode, "--user", "alice:wonderland", "--leeway-s", String.valueOf(LEEWAY_S)},
                Map.of())));
        String url = "http://127.0.0.1:" + port + "/";
        Browser browser = new Browser();
        open.add(browser);
        browser.open(url);
        browser.await("the page to learn the server's mode", b -> !b.text("#mode").isEmpty());

        Instant exp = Instant.ofEpochSecond(Instant.now().getEpochSecond() - 2);
        String kept = Jwts.builder().subject("alice").claim("username", "alice")
                .issuedAt(Date.from(exp.minusSeconds(600))).expiration(Date.from(exp))
                .signWith(Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8)), Jwts.SIG.HS256).compact();
        browser.script("localStorage.setItem('socketiojwt.token', '" + kept + "')");
        browser.open(url); // a later visit

        browser.await("the kept token to be renewed", LONG_WAIT,
                b -> "1".equals(b.text("#token-renewals")) && "authenticated".equals(b.text("#connection-state")));
        assertFalse(browser.visible("#session-expired"), browser.state());
        assertTrue(browser.visible("#session"), browser.state());
        assertEquals("alice", browser.text("#user"));
        String renewed = (String) browser.script("return localStorage.getItem('socketiojwt.token')");
        assertNotEquals(kept, renewed, "the renewed token is kept");
        assertTrue(expiry(renewed) > Instant.now().getEpochSecond(), browser.state());
        assertTrue(browser.text("#last-error").isEmpty(), browser.state());
    }

    /** The token's {@code exp}, in seconds, decoded (not verified). */
    private static long expiry(String token) {
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        return new Gson().fromJson(payload, JsonObject.class).get("exp").getAsLong();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
