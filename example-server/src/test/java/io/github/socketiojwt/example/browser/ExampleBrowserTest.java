package io.github.socketiojwt.example.browser;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.github.socketiojwt.example.ExampleOptions;
import io.github.socketiojwt.example.ExampleServer;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.support.ui.Select;

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
import java.util.Date;
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
 * watch the token renew itself before it expires (or expire when it cannot be renewed) and sign in again, join a
 * chat channel and try one the token does not list, sign out.
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
            "--user", "bob:the builder!", "--user", "carol:c4rol:general,news"}, Map.of()));
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

    /**
     * Carol's token lists general and news: the page shows both; she joins news and chats there, which she sees and
     * Alice (no channels) does not; she tries staff, which her token does not list, and the page says that the
     * server refused it, as a join and as a message, while she stays connected.
     */
    @ParameterizedTest(name = "--mode {0}")
    @ValueSource(strings = {"handshake", "authenticate"})
    void joinsAChannelTheTokenListsChatsThereAndSeesAForbiddenOneRefused(String mode) {
        start(mode, 3600);
        Browser carol = browser();
        Browser alice = browser();
        signIn(carol, "carol", "c4rol", "#login-http");
        signIn(alice, "alice", "wonderland", "#login-ws");
        assertEquals(List.of("general", "news"), channels(carol), carol.state());
        assertEquals(List.of(), channels(alice));
        assertTrue(alice.visible("#rooms-none"), "a token without channels says so: " + alice.state());
        assertFalse(carol.visible("#rooms-none"));

        carol.click("#rooms li[data-room='news'] button");
        carol.await("news to be joined", b -> "true".equals(joined(b, "news")));
        assertEquals("joined", carol.find("#room-status").getAttribute("data-outcome"), carol.state());
        assertEquals("Joined “news”.", carol.text("#room-status"));
        assertEquals("false", joined(carol, "general"));

        new Select(carol.find("#chat-room")).selectByValue("news");
        carol.type("#chat-input", "hello news");
        carol.click("#chat-send");
        carol.await("the channel's message", b -> b.text("#chat-log").contains("[news] carol: hello news"));
        carol.type("#chat-input", "hello everyone");
        new Select(carol.find("#chat-room")).selectByValue("");
        carol.click("#chat-send");
        alice.await("the message for everyone", b -> b.text("#chat-log").contains("carol: hello everyone"));
        assertFalse(alice.text("#chat-log").contains("hello news"), "the channel's message came before, not to a"
                + " non-member: " + alice.text("#chat-log"));

        assertEquals("staff", carol.find("#room-other").getAttribute("value"), "the page offers a channel to try");
        carol.click("#room-try");
        carol.await("the refusal of staff", b -> "forbidden".equals(b.find("#room-status")
                .getAttribute("data-outcome")));
        assertEquals("Forbidden: you may not join “staff”. Your token's channels claim does not list it, so the"
                + " server refused.", carol.text("#room-status"));
        assertEquals(List.of("general", "news"), channels(carol), "staff is not added");

        carol.click("#room-try-chat");
        carol.await("the refusal of a message to staff", b -> b.text("#room-status").startsWith(
                "Forbidden (event not allowed): the server refused your message to “staff”."));
        assertEquals("authenticated", carol.text("#connection-state"), "still connected: " + carol.state());
        carol.type("#chat-input", "still in news");
        new Select(carol.find("#chat-room")).selectByValue("news");
        carol.click("#chat-send");
        carol.await("a message in news after the refusals", b -> b.text("#chat-log").contains(
                "[news] carol: still in news"));
        carol.screenshot(Path.of(System.getProperty("screenshotDir", "target/screenshots"), "channels-" + mode
                + ".png"));
    }

    /**
     * The page renews Carol's token (6 s tokens) and gets one that lists only general (the test answers its POST
     * /refresh with such a token, signed with the server's secret): the server takes her out of news, and the page
     * says so and shows only general.
     */
    @Test
    void aRenewedTokenThatDropsAChannelTakesThePageOutOfIt() {
        start("handshake", SHORT_TTL_S);
        Browser carol = browser();
        Instant now = Instant.now();
        String generalOnly = Jwts.builder().subject("carol").claim("username", "carol")
                .claim("channels", List.of("general")).issuedAt(Date.from(now))
                .expiration(Date.from(now.plusSeconds(3600)))
                .signWith(Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8)), Jwts.SIG.HS256).compact();
        carol.script("const realFetch = window.fetch.bind(window);"
                + "window.fetch = (input, init) => String(input).endsWith('/refresh')"
                + " ? Promise.resolve(new Response(JSON.stringify({ token: '" + generalOnly + "' }),"
                + " { headers: { 'Content-Type': 'application/json' } }))"
                + " : realFetch(input, init);");
        signIn(carol, "carol", "c4rol", "#login-http");
        carol.click("#rooms li[data-room='news'] button");
        carol.await("news to be joined", b -> "joined".equals(b.find("#room-status").getAttribute("data-outcome")));

        carol.await("the server to take carol out of news", LONG_WAIT, b -> "forbidden".equals(
                b.find("#room-status").getAttribute("data-outcome")));
        assertEquals("Forbidden (room no longer allowed): you are no longer in “news”. Your renewed token does not"
                + " list it, so the server took you out.", carol.text("#room-status"));
        assertEquals(List.of("general"), channels(carol), carol.state());
        assertEquals("authenticated", carol.text("#connection-state"), carol.state());
        assertEquals(List.of(""), carol.script("return [...document.getElementById('chat-room').options]"
                + ".map(option => option.value)"), "news is no longer offered to chat in");
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

    /**
     * A channel's {@code data-joined}, read in one script: the page redraws {@code #rooms} when channels change, so
     * an element found a moment earlier may be gone.
     */
    private static String joined(Browser browser, String room) {
        return (String) browser.script("const item = document.querySelector(\"#rooms li[data-room='" + room + "']\");"
                + " return item === null ? null : item.dataset.joined;");
    }

    /** The channels the page lists, from {@code #rooms}. */
    @SuppressWarnings("unchecked")
    private static List<String> channels(Browser browser) {
        return (List<String>) browser.script("return [...document.querySelectorAll('#rooms li')]"
                + ".map(li => li.dataset.room)");
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
