package io.github.socketiojwt;

import io.github.socketiojwt.testing.RawClient;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests that Netty cannot decode (a 1 MB header, a 1 MB request line, a malformed header, a body over
 * netty-socketio's limit), written over a plain socket to a protected server, for Engine.IO v3 and v4, on the
 * polling handshake, a poll, a POST and a websocket upgrade: each is answered with an HTTP error status and its
 * connection closed, and the server goes on serving valid clients.
 */
class OversizedRequestsTest {

    /** How long a request may go unanswered before the test calls it silence (the fix answers at once). */
    private static final int ANSWER_TIMEOUT_MS = 10_000;
    private static final String HUGE = "x".repeat(1 << 20);
    private static final String UPGRADE_HEADERS = "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    private static final Map<AuthMode, TestServer> SERVERS = new EnumMap<>(AuthMode.class);

    @BeforeAll
    static void start() {
        for (AuthMode mode : AuthMode.values()) {
            SERVERS.put(mode, TestServer.start(s -> SocketIoJwt.authorize(JwtAuthOptions.builder(mode)
                    .secret(TestTokens.SECRET).build()).install(s)));
        }
    }

    @AfterAll
    static void stop() {
        SERVERS.values().forEach(TestServer::close);
    }

    static Stream<Arguments> modesAndVersions() {
        return Stream.of(AuthMode.values()).flatMap(mode -> Stream.of(3, 4).map(eio -> Arguments.of(mode, eio)));
    }

    @ParameterizedTest(name = "{0} EIO={1}")
    @MethodSource("modesAndVersions")
    void aPollingHandshakeWithAOneMegabyteAuthorizationHeaderGets431(AuthMode mode, int eio) {
        String request = "GET /socket.io/?EIO=" + eio + "&transport=polling&t=a HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + HUGE + "\r\n\r\n";
        assertAnsweredAndClosed(mode, request, 431);
    }

    @ParameterizedTest(name = "{0} EIO={1}")
    @MethodSource("modesAndVersions")
    void aPollWithAOneMegabyteAuthorizationHeaderGets431(AuthMode mode, int eio) {
        try (RawClient live = liveClient(mode, eio)) {
            String request = "GET /socket.io/?EIO=" + eio + "&transport=polling&t=b&sid=" + live.sid()
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + HUGE + "\r\n\r\n";
            assertAnsweredAndClosed(mode, request, 431);
        }
    }

    @ParameterizedTest(name = "{0} EIO={1}")
    @MethodSource("modesAndVersions")
    void aPostWithAOneMegabyteAuthorizationHeaderGets431(AuthMode mode, int eio) {
        try (RawClient live = liveClient(mode, eio)) {
            String body = RawClient.encodePayload(eio, "3");
            String request = "POST /socket.io/?EIO=" + eio + "&transport=polling&t=c&sid=" + live.sid()
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\nAuthorization: Bearer " + HUGE
                    + "\r\n\r\n" + body;
            assertAnsweredAndClosed(mode, request, 431);
        }
    }

    @ParameterizedTest(name = "{0} EIO={1}")
    @MethodSource("modesAndVersions")
    void aWebsocketUpgradeWithAOneMegabyteAuthorizationHeaderGets431(AuthMode mode, int eio) {
        String request = "GET /socket.io/?EIO=" + eio + "&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + UPGRADE_HEADERS + "Authorization: Bearer " + HUGE + "\r\n\r\n";
        assertAnsweredAndClosed(mode, request, 431);
    }

    @ParameterizedTest(name = "{0} EIO={1}")
    @MethodSource("modesAndVersions")
    void aPollingHandshakeWithAOneMegabyteQueryTokenGets414(AuthMode mode, int eio) {
        String request = "GET /socket.io/?EIO=" + eio + "&transport=polling&t=d&token=" + HUGE
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        assertAnsweredAndClosed(mode, request, 414);
    }

    @ParameterizedTest(name = "{0} EIO={1}")
    @MethodSource("modesAndVersions")
    void aWebsocketUpgradeWithAOneMegabyteQueryTokenGets414(AuthMode mode, int eio) {
        String request = "GET /socket.io/?EIO=" + eio + "&transport=websocket&token=" + HUGE
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + UPGRADE_HEADERS + "\r\n";
        assertAnsweredAndClosed(mode, request, 414);
    }

    @ParameterizedTest(name = "{0} EIO={1}")
    @MethodSource("modesAndVersions")
    void aHandshakeWithAMalformedContentLengthGets400(AuthMode mode, int eio) {
        String request = "GET /socket.io/?EIO=" + eio + "&transport=polling&t=e HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Length: lots\r\n\r\n";
        assertAnsweredAndClosed(mode, request, 400);
    }

    @ParameterizedTest(name = "{0} EIO={1}")
    @MethodSource("modesAndVersions")
    void aWebsocketUpgradeWithAMalformedContentLengthGets400(AuthMode mode, int eio) {
        String request = "GET /socket.io/?EIO=" + eio + "&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + UPGRADE_HEADERS + "Content-Length: lots\r\n\r\n";
        assertAnsweredAndClosed(mode, request, 400);
    }

    @ParameterizedTest(name = "{0} EIO={1}")
    @MethodSource("modesAndVersions")
    void aPostWithABrokenChunkedBodyGets400(AuthMode mode, int eio) {
        try (RawClient live = liveClient(mode, eio)) {
            String request = "POST /socket.io/?EIO=" + eio + "&transport=polling&t=f&sid=" + live.sid()
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain;charset=UTF-8\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\nnot-a-chunk-size\r\n";
            assertAnsweredAndClosed(mode, request, 400);
        }
    }

    @ParameterizedTest(name = "{0} EIO={1}")
    @MethodSource("modesAndVersions")
    void aPostWithAOneMegabyteBodyGets413(AuthMode mode, int eio) {
        try (RawClient live = liveClient(mode, eio)) {
            String request = "POST /socket.io/?EIO=" + eio + "&transport=polling&t=g&sid=" + live.sid()
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: "
                    + HUGE.length() + "\r\n\r\n" + HUGE;
            assertAnsweredAndClosed(mode, request, 413);
        }
    }

    /** A session the raw requests can name by its sid: authenticated in handshake mode, in quarantine otherwise. */
    private static RawClient liveClient(AuthMode mode, int eio) {
        Map<String, String> query = mode == AuthMode.HANDSHAKE ? Map.of("token", TestTokens.token("live"))
                : Map.of();
        RawClient live = RawClient.polling(SERVERS.get(mode).url(), eio, query, Map.of());
        assertEquals(200, live.handshakeStatus(), live.toString());
        return live;
    }

    private static void assertAnsweredAndClosed(AuthMode mode, String request, int status) {
        TestServer server = SERVERS.get(mode);
        Answer answer = Answer.of(server.port(), request.getBytes(StandardCharsets.ISO_8859_1));
        assertNotNull(answer.statusLine, "no answer within " + ANSWER_TIMEOUT_MS + " ms");
        assertTrue(answer.statusLine.startsWith("HTTP/1.1 " + status + " "), answer.statusLine);
        assertTrue(answer.closed, "the connection was left open after " + answer.statusLine);
        assertTrue(answer.head.toLowerCase(Locale.ROOT).contains("connection: close"), answer.head);
        assertTrue(!answer.head.contains("xxxxxxxx"), "the answer echoes the request");
        try (RawClient valid = RawClient.polling(server.url(), 4,
                Map.of("token", TestTokens.token("after")), Map.of())) {
            assertEquals(200, valid.handshakeStatus(), "a valid client after the bad request: " + valid);
        }
    }

    /** What a plain socket read back: the status line (null when nothing came), the head, and whether it closed. */
    private record Answer(String statusLine, String head, boolean closed) {

        static Answer of(int port, byte[] request) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(ANSWER_TIMEOUT_MS);
                Thread writer = new Thread(() -> {
                    try {
                        OutputStream out = socket.getOutputStream();
                        out.write(request);
                        out.flush();
                    } catch (IOException closedEarly) {
                        // the server may answer and close before it has read the whole request
                    }
                }, "oversized-request-writer");
                writer.setDaemon(true);
                writer.start();
                InputStream in = socket.getInputStream();
                String head = readHead(in);
                if (head == null) {
                    return new Answer(null, "", false);
                }
                return new Answer(head.split("\r\n", 2)[0], head, readsToTheEnd(in));
            } catch (IOException e) {
                throw new AssertionError("could not talk to the server", e);
            }
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            try {
                int b;
                while ((b = in.read()) != -1) {
                    head.write(b);
                    String text = head.toString(StandardCharsets.ISO_8859_1);
                    if (text.endsWith("\r\n\r\n")) {
                        return text;
                    }
                }
            } catch (SocketTimeoutException silence) {
                return null;
            } catch (SocketException reset) {
                // a reset after the answer still leaves the answer
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            return text.isEmpty() ? null : text;
        }

        /** Whether the server closed the connection (after any body) within the timeout. */
        private static boolean readsToTheEnd(InputStream in) throws IOException {
            try {
                byte[] buffer = new byte[8192];
                while (in.read(buffer) != -1) {
                    // the body, if any
                }
                return true;
            } catch (SocketTimeoutException open) {
                return false;
            } catch (SocketException reset) {
                return true;
            }
        }
    }
}
