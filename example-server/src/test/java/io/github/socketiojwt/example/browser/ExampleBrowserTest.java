package io.github.socketiojwt.example.browser;

import io.github.socketiojwt.example.ExampleOptions;
import io.github.socketiojwt.example.ExampleServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web client in real headless Chromium against the real example server: what a person does in the first
 * five minutes — sign in over HTTP and over the WebSocket, chat with another signed-in person, mistype a password,
 * watch the token expire and sign in again, sign out.
 */
class ExampleBrowserTest {

    private static final String SECRET = "an example secret of at least 32 bytes!";

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

    @Test
    void aTokenThatExpiresWhileThePageIsOpenEndsTheSessionClearlyAndAReloginWorks() {
        start("handshake", 4);
        Browser browser = browser();
        signIn(browser, "alice", "wonderland", "#login-http");
        browser.await("the session to expire", Duration.ofSeconds(15), b -> b.visible("#session-expired"));
        assertTrue(browser.text("#session-expired").contains("Session expired"), browser.state());
        assertTrue(browser.visible("#login-form"));
        assertFalse(browser.visible("#session"));
        assertEquals("disconnected", browser.text("#connection-state"));
        signIn(browser, "alice", "wonderland", "#login-http");
        assertFalse(browser.visible("#session-expired"), "hidden again after signing in");
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

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
