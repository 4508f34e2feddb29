package io.github.socketiojwt.example.browser;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.github.socketiojwt.example.ExampleOptions;
import io.github.socketiojwt.example.ExampleServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web client in real headless Chromium against the real example server: what a person does in the first
 * five minutes — sign in over HTTP and over the WebSocket, chat with another signed-in person, mistype a password,
 * watch the token renew itself before it expires (or expire when it cannot be renewed) and sign in again, sign
 * out.
 */
class ExampleBrowserTest {

    private static final String SECRET = "an example secret of at least 32 bytes!";
    /** Short enough to see tokens renewed and expire within a test: renewal starts 1.2 s before expiry. */
    private static final int SHORT_TTL_S = 6;
    /** Far above anything a renewal or an expiry needs, for a loaded machine. */
    private static final Duration LONG_WAIT = Duration.ofSeconds(20);

    private final List<AutoCloseable> open = new ArrayList<>();
    private ExampleServer server;
    private String url;

    private void start(String mode, int tokenTtlSeconds) {
        int port = freePort();
        server = ExampleServer.start(ExampleOptions.parse(new String[] {"--port", String.valueOf(port), "--secret",
            SECRET, "--mode", mode, "--token-ttl-s", String.valueOf(tokenTtlSeconds), "--user", "alice:wonderland",
            "--user", "bob:the builder!"}, Map.of()));
        url = "http://127.0.0.1:" + port + "/";
    }

    private Browser browser() {
        Browser browser = new Browser();
        open.add(browser);
        browser.open(url);
        browser.await("the page to learn the server's mode", b -> !b.text("#mode").isEmpty());
        return browser;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static void signIn(Browser browser, String user, String password, String button) {
        browser.type("#username", user);
        browser.type("#password", password);
        browser.click(button);
        browser.await(user + " to be signed in and authenticated",
                b -> b.visible("#session") && "authenticated".equals(b.text("#connection-state")));
    }

    @ParameterizedTest(name = "--mode {0}")
    @ValueSource(strings = {"handshake", "authenticate"})
    void signsInOverHttpAndShowsTheUserAndTheTokensLifetime(String mode) throws IOException {
        start(mode, 3600);
        Browser browser = browser();
        assertEquals(mode, browser.text("#mode"));
        signIn(browser, "alice", "wonderland", "#login-http");
        assertEquals("alice", browser.text("#user"));
        long remaining = Long.parseLong(browser.text("#token-remaining"));
        assertTrue(remaining > 3500 && remaining <= 3600, "remaining " + remaining);
        assertFalse(browser.visible("#login-form"), "the login form is hidden while signed in");
        assertTrue(browser.text("#last-error").isEmpty(), browser.state());
        Path shot = browser.screenshot(Path.of(System.getProperty("screenshotDir", "target/screenshots"),
                "signed-in-" + mode + ".png"));
        assertTrue(Files.size(shot) > 10_000, "a real screenshot: " + shot);
    }

    @Test
    void signsInOverTheWebSocketLoginFlow() {
        start("handshake", 3600);
        Browser browser = browser();
        signIn(browser, "bob", "the builder!", "#login-ws");
        assertEquals("bob", browser.text("#user"));
    }

    @ParameterizedTest(name = "--mode {0}")
    @ValueSource(strings = {"handshake", "authenticate"})
    void twoSignedInPeopleChat(String mode) {
        start(mode, 3600);
        Browser alice = browser();
        Browser bob = browser();
        signIn(alice, "alice", "wonderland", "#login-http");
        signIn(bob, "bob", "the builder!", "#login-ws");
        alice.type("#chat-input", "hello bob");
        alice.click("#chat-send");
        bob.await("bob to see alice's message", b -> b.text("#chat-log").contains("alice: hello bob"));
        alice.await("alice to see her own message", b -> b.text("#chat-log").contains("alice: hello bob"));
    }

    @Test
    void aWrongPasswordShowsAnErrorAndNoSession() {
        start("handshake", 3600);
        Browser browser = browser();
        browser.type("#username", "alice");
        browser.type("#password", "not the password");
        browser.click("#login-http");
        String error = browser.await("an error message", b -> b.text("#login-error").isEmpty() ? null
                : b.text("#login-error"));
        assertFalse(error.isBlank());
        assertFalse(browser.visible("#session"));
        assertTrue(browser.visible("#login-form"));
    }

    /**
     * With tokens of 6 s, the page renews before each expiry (POST /refresh, then {@code authenticate} on the
     * socket): past the first token's {@code exp} the session is still there, the token has changed, and a chat
     * message still goes through the server, which would have disconnected a socket that had not renewed.
     */
    @ParameterizedTest(name = "--mode {0}")
    @ValueSource(strings = {"handshake", "authenticate"})
    void theTokenIsRenewedBeforeItExpiresAndTheConnectionOutlivesIt(String mode) {
        start(mode, SHORT_TTL_S);
        Browser browser = browser();
        signIn(browser, "alice", "wonderland", "#login-http");
        String first = storedToken(browser);
        long firstExp = expiry(first);
        long shown = remaining(browser);
        assertTrue(shown >= 1 && shown <= SHORT_TTL_S, "the countdown shows the token's lifetime: " + browser.state());
        browser.await("the countdown to go down", b -> remaining(b) < shown);
        assertTrue(browser.text("#renewal-state").matches("scheduled|renewing"), browser.state());

        browser.await("the first token's expiry to pass", LONG_WAIT,
                b -> Instant.now().getEpochSecond() > firstExp + 1);
        assertTrue(browser.visible("#session") && !browser.visible("#session-expired"), browser.state());
        assertEquals("authenticated", browser.text("#connection-state"), browser.state());
        String current = storedToken(browser);
        assertNotEquals(first, current, "a renewed token is kept");
        assertTrue(expiry(current) > firstExp, "with a later expiry: " + browser.state());
        assertTrue(Integer.parseInt(browser.text("#token-renewals")) >= 1, browser.state());
        assertTrue(remaining(browser) >= 1, "the countdown follows the renewed token: " + browser.state());
        assertTrue(browser.text("#renewal-error").isEmpty(), browser.state());

        browser.type("#chat-input", "still here after the first token expired");
        browser.click("#chat-send");
        browser.await("the chat message to come back from the server",
                b -> b.text("#chat-log").contains("alice: still here after the first token expired"));
        assertEquals("authenticated", browser.text("#connection-state"), browser.state());
    }

    /**
     * When renewal fails — the network refuses POST /refresh, or the server answers it 401 — the page says so and
     * keeps the session until the token expires, then shows "Session expired" and the login form, which works.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"network error", "401 from the server"})
    void whenRenewalFailsTheSessionExpiresClearlyAtTheTokensExpiryAndAReloginWorks(String failure) {
        start("handshake", SHORT_TTL_S);
        Browser browser = browser();
        // Only the page's POST /refresh is touched: rejected as fetch does without a network, or sent to the real
        // server with a token it cannot verify, so that the real server answers 401.
        String refresh = failure.startsWith("network")
                ? "Promise.reject(new TypeError('Failed to fetch (test: no network)'))"
                : "realFetch(input, { ...init, headers: { ...init.headers, Authorization: 'Bearer not-a-token' } })";
        browser.script("const realFetch = window.fetch.bind(window);"
                + "window.fetch = (input, init) => String(input).endsWith('/refresh') ? " + refresh
                + " : realFetch(input, init);");
        signIn(browser, "alice", "wonderland", "#login-http");
        long exp = expiry(storedToken(browser));

        browser.await("the renewal to fail", LONG_WAIT, b -> "failed".equals(b.text("#renewal-state")));
        assertTrue(browser.text("#renewal-error").startsWith("Automatic renewal failed:"), browser.state());
        assertTrue(browser.visible("#session") && !browser.visible("#session-expired"),
                "the session goes on until the token expires: " + browser.state());

        browser.await("the session to expire", LONG_WAIT, b -> b.visible("#session-expired"));
        assertTrue(Instant.now().getEpochSecond() >= exp, "not before the token's exp " + exp);
        assertTrue(browser.text("#session-expired").contains("Session expired"), browser.state());
        assertTrue(browser.visible("#login-form"), "the page offers to sign in again");
        assertFalse(browser.visible("#session"));
        assertEquals("disconnected", browser.text("#connection-state"));
        assertNull(browser.script("return localStorage.getItem('socketiojwt.token')"), "the token is gone");

        signIn(browser, "alice", "wonderland", "#login-http");
        assertFalse(browser.visible("#session-expired"), "hidden again after signing in");
        assertEquals("0", browser.text("#token-renewals"), "a new session counts its own renewals");
    }

    @Test
    void logoutDropsTheTokenAndTheConnection() {
        start("handshake", 3600);
        Browser browser = browser();
        signIn(browser, "alice", "wonderland", "#login-http");
        browser.click("#logout");
        browser.await("the login form", b -> b.visible("#login-form"));
        assertFalse(browser.visible("#session"));
        assertEquals("disconnected", browser.text("#connection-state"));
        assertEquals(0L, browser.script("return Object.keys(localStorage).filter(k => "
                + "(localStorage.getItem(k) || '').split('.').length === 3).length"));
        browser.open(url); // a reload stays signed out
        browser.await("the login form after a reload", b -> b.visible("#login-form"));
        assertFalse(browser.visible("#session"));
    }

    private static String storedToken(Browser browser) {
        Object token = browser.script("return localStorage.getItem('socketiojwt.token')");
        assertTrue(token instanceof String && ((String) token).split("\\.").length == 3, "a token is kept: " + token);
        return (String) token;
    }

    /** The token's {@code exp}, in seconds, decoded (not verified). */
    private static long expiry(String token) {
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        return new Gson().fromJson(payload, JsonObject.class).get("exp").getAsLong();
    }

    private static long remaining(Browser browser) {
        return Long.parseLong(browser.text("#token-remaining"));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
