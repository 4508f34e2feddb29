package io.github.socketiojwt;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.github.socketiojwt.testing.JavaClient;
import io.github.socketiojwt.testing.RawClient;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With every logger at TRACE (except netty-socketio's AuthorizeHandler, which the README says to keep at INFO
 * because it prints every handshake's query and headers), no token and no secret appears in any log line or
 * logged exception, whatever clients send.
 */
class SecretsStayOutOfLogsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final List<Runnable> restore = new ArrayList<>();
    private TestServer server;

    @BeforeEach
    void captureEverything() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        appender.setContext(context);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level rootLevel = root.getLevel();
        root.setLevel(Level.TRACE);
        root.addAppender(appender);
        restore.add(() -> {
            root.setLevel(rootLevel);
            root.detachAppender(appender);
        });
        for (String quiet : List.of("com.corundumstudio.socketio.handler.AuthorizeHandler", "io.netty", "okhttp3",
                "io.socket", "jdk.internal", "sun.net")) {
            Logger logger = context.getLogger(quiet);
            Level level = logger.getLevel();
            logger.setLevel(quiet.startsWith("com.") ? Level.INFO : Level.WARN);
            restore.add(() -> logger.setLevel(level));
        }
        Logger pollingTransport = context.getLogger("com.corundumstudio.socketio.transport.PollingTransport");
        Level pollingLevel = pollingTransport.getLevel();
        pollingTransport.setLevel(Level.TRACE);
        restore.add(() -> pollingTransport.setLevel(pollingLevel));
        server = TestServer.start(s -> {
            SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET).build()).install(s, "/");
            SocketIoJwt.authorize(JwtAuthOptions.authenticate().secret(TestTokens.SECRET)
                    .timeout(Duration.ofMillis(500)).build()).install(s, "/admin");
        });
    }

    @AfterEach
    void stop() {
        server.close();
        restore.forEach(Runnable::run);
    }

    @Test
    void noTokenOrSecretAppearsInAnyLogLine() throws Exception {
        String good = TestTokens.token("alice");
        String bad = TestTokens.token(TestTokens.OTHER_SECRET, "mallory", Instant.now().plusSeconds(60));
        String expired = TestTokens.token(TestTokens.SECRET, "old", Instant.now().minusSeconds(60));
        List<String> secrets = List.of(good, bad, expired, TestTokens.SECRET, signature(good), signature(bad));

        // Handshakes with tokens in every source, good and bad.
        for (Map<String, ?> auth : List.of(Map.of("token", good), Map.of("token", bad), Map.of("token", expired))) {
            try (JavaClient client = JavaClient.connect(server.url(), "/", auth, null, null)) {
                client.await(e -> e.name().equals("connect") || e.name().equals("connect_error"), WAIT)
                        .orElseThrow();
            }
        }
        try (JavaClient client = JavaClient.connect(server.url(), "/", null, "token=" + bad,
                Map.of("Authorization", "Bearer " + expired), "polling")) {
            client.awaitOrFail("connect_error", WAIT);
        }
        // Authenticate mode: a good token, a bad one.
        for (String token : List.of(good, bad)) {
            try (JavaClient client = JavaClient.connect(server.url(), "/admin", Map.of("token", good), null, null)) {
                client.awaitOrFail("connect", WAIT);
                client.emit("authenticate", Map.of("token", token));
                client.await(e -> e.name().equals("authenticated") || e.name().equals("unauthorized"), WAIT)
                        .orElseThrow();
            }
        }
        // Hostile input that makes netty-socketio log whole requests or packets.
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> unknownTransport = http.send(HttpRequest.newBuilder(URI.create(server.url()
                + "/socket.io/?EIO=4&transport=foo&token=" + bad)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, unknownTransport.statusCode());
        http.send(HttpRequest.newBuilder(URI.create(server.url() + "/socket.io/?EIO=4&token=" + bad)).build(),
                HttpResponse.BodyHandlers.ofString());
        try (RawClient raw = RawClient.polling(server.url(), 4)) {
            raw.sendRawBody("40\"" + bad + "\"");
            raw.sendRawBody("40/admin,[\"" + bad + "\"]");
            raw.sendRawBody("42[\"authenticate\",{\"token\":\"" + bad + "\"");
            raw.sendRawBody("43/admin,1000000000[\"" + bad + "\"]");
        }
        Thread.sleep(300); // lets the server finish logging the last requests

        List<String> lines = new ArrayList<>();
        for (ILoggingEvent event : new ArrayList<>(appender.list)) {
            lines.add(event.getLoggerName() + " " + event.getFormattedMessage() + throwableText(event.getThrowableProxy()));
        }
        assertTrue(lines.size() > 10, "the test saw the logs: " + lines.size());
        for (String line : lines) {
            for (String secret : secrets) {
                assertTrue(!line.contains(secret), "a secret in the log: " + line);
            }
        }
    }

    private static String signature(String token) {
        return token.substring(token.lastIndexOf('.') + 1);
    }

    private static String throwableText(IThrowableProxy proxy) {
        StringBuilder text = new StringBuilder();
        for (IThrowableProxy p = proxy; p != null; p = p.getCause()) {
            text.append(' ').append(p.getClassName()).append(": ").append(p.getMessage());
        }
        return text.toString();
    }
}
