package io.github.socketiojwt;

import io.github.socketiojwt.testing.NodeClient;
import io.github.socketiojwt.testing.RawClient;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No input is answered with silence: whatever JSON type or shape a token has, in a v4 CONNECT {@code auth}, in
 * {@code authenticate}, in the query or in the header, and whatever a packet's bytes are, the client hears its
 * fate (a refusal with a code, or a closed connection) in bounded time, the refusal comes before the close, and
 * nothing reaches a listener. Raw Engine.IO v3 and v4 frames over polling and websocket.
 */
class EveryInputIsAnsweredTest {

    /** Far above the ≤ 1 s a quiet machine takes, far below a client's own timeout. */
    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final String MEGABYTE = "a".repeat(1 << 20);

    /** Every JSON type and shape a token can have, as JSON text, with what the client must be told. */
    static final List<String[]> TOKEN_SHAPES = List.of(
            new String[] {"null", "null"},
            new String[] {"number", "42"},
            new String[] {"float", "4.2e1"},
            new String[] {"boolean", "true"},
            new String[] {"array", "[\"a\",\"b\"]"},
            new String[] {"object", "{\"a\":1}"},
            new String[] {"nested", "{\"token\":{\"token\":[1,[2,{\"x\":null}]]}}"},
            new String[] {"buffer", "{\"type\":\"Buffer\",\"data\":[97,98,99]}"},
            new String[] {"empty string", "\"\""},
            new String[] {"whitespace", "\" \\t\\n \""},
            new String[] {"control characters", "\"\\u0001\\u0002\\u001f.\\u0000.\""},
            new String[] {"lone surrogates", "\"\\ud800abc\\udfff.x.\\ud83d\""},
            new String[] {"brackets and commas", "\"a,b[c],d\""},
            new String[] {"60 KB", "\"" + "b".repeat(60 * 1024) + "\""});

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Stream<Arguments> shapesOnEveryWire() {
        return Stream.of("polling", "websocket").flatMap(t -> Stream.of(3, 4).flatMap(v -> TOKEN_SHAPES.stream()
                .map(s -> Arguments.of(t, v, s[0], s[1]))));
    }

    /** The shapes that fit in a request line or a header (the longer ones: OversizedRequestsTest). */
    static Stream<Arguments> httpSizedShapesOnEveryWire() {
        return shapesOnEveryWire().filter(a -> ((String) a.get()[3]).length() < 4000);
    }

    /** Payloads that are no object; {@code null} is no payload at all. */
    static Stream<Arguments> nonObjectPayloadsOnV4Wires() {
        return shapesOnV4Wires().filter(a -> !"null".equals(a.get()[1]));
    }

    static Stream<Arguments> shapesOnV4Wires() {
        return Stream.of("polling", "websocket").flatMap(t -> TOKEN_SHAPES.stream()
                .map(s -> Arguments.of(t, s[0], s[1])));
    }

    static Stream<Arguments> nodeClients() {
        return Stream.of("2", "4").flatMap(v -> Stream.of("polling", "websocket").map(t -> Arguments.of(v, t)));
    }

    static Stream<Arguments> wires() {
        return Stream.of("polling", "websocket").flatMap(t -> Stream.of(3, 4).map(v -> Arguments.of(t, v)));
    }

    private void startHandshakeMode() {
        server = TestServer.start(s -> SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET)
                .build()).install(s, "/", "/admin_hs"));
    }

    private void startAuthenticateMode() {
        server = TestServer.start(s -> SocketIoJwt.authorize(JwtAuthOptions.authenticate().secret(TestTokens.SECRET)
                .timeout(Duration.ofSeconds(30)).build()).install(s, "/", "/admin"));
    }

    private static RawClient open(String transport, int eio, String url, Map<String, String> query,
            Map<String, String> headers) {
        return "polling".equals(transport) ? RawClient.polling(url, eio, query, headers)
                : RawClient.websocket(url, eio, query, headers);
    }

    // ---------------------------------------------------------------- handshake mode

    @ParameterizedTest(name = "{0} token {1}")
    @MethodSource("shapesOnV4Wires")
    void aConnectAuthTokenOfAnyShapeIsRefusedWithACode(String transport, String shape, String json) {
        startHandshakeMode();
        try (RawClient raw = open(transport, 4, server.url(), Map.of(), Map.of())) {
            raw.send("40/admin_hs,{\"token\":" + json + "}");
            String answer = raw.await(p -> p.startsWith("44/admin_hs,") || p.startsWith("40/admin_hs,"), BOUND)
                    .orElseThrow(() -> new AssertionError(shape + ": no answer " + raw));
            assertTrue(answer.startsWith("44/admin_hs,{\"message\":"), answer);
            assertTrue(answer.contains("\"code\":\""), answer);
            assertFalse(answer.contains(MEGABYTE), "the token is never echoed");
            assertTrue(server.appCalls("connect /admin_hs").isEmpty(), server.appCalls().toString());
            assertStillServed(transport);
        }
    }

    @ParameterizedTest(name = "{0} payload {1}")
    @MethodSource("nonObjectPayloadsOnV4Wires")
    void aConnectAuthPayloadThatIsNoObjectIsRefusedAsCarryingNoToken(String transport, String shape,
            String json) {
        startHandshakeMode();
        try (RawClient raw = open(transport, 4, server.url(), Map.of(), Map.of())) {
            String payload = json.startsWith("{") ? json.replace("{", "{\"unclosed\":") : json;
            raw.send("40/admin_hs," + payload);
            String answer = raw.await(p -> p.startsWith("44/admin_hs,") || p.startsWith("40/admin_hs,"), BOUND)
                    .orElseThrow(() -> new AssertionError(shape + ": no answer " + raw));
            assertTrue(answer.startsWith("44/admin_hs,{\"message\":"), answer);
            assertTrue(answer.contains("\"code\":\"credentials_required\""), answer);
            assertTrue(server.appCalls("connect /admin_hs").isEmpty(), server.appCalls().toString());
        }
    }

    @ParameterizedTest(name = "{0} EIO{1} token {2}")
    @MethodSource("httpSizedShapesOnEveryWire")
    void aQueryTokenOfAnyShapeIsRefusedWithACode(String transport, int eio, String shape, String json) {
        startHandshakeMode();
        try (RawClient raw = open(transport, eio, server.url(), Map.of("token", unquoted(json)), Map.of())) {
            assertRefusedOnRoot(raw, eio, shape);
        }
    }

    @ParameterizedTest(name = "{0} EIO{1} token {2}")
    @MethodSource("httpSizedShapesOnEveryWire")
    void anAuthorizationHeaderOfAnyShapeIsRefusedWithACode(String transport, int eio, String shape, String json) {
        startHandshakeMode();
        String header = "Bearer " + unquoted(json).replaceAll("[\\x00-\\x1f\\\\]", "?"); // what HTTP can carry
        try (RawClient raw = open(transport, eio, server.url(), Map.of(), Map.of("Authorization", header))) {
            assertRefusedOnRoot(raw, eio, shape);
        }
    }

    private static String unquoted(String json) {
        return json.startsWith("\"") ? json.substring(1, json.length() - 1) : json;
    }

    private void assertRefusedOnRoot(RawClient raw, int eio, String shape) {
        if (eio == 4) {
            raw.send("40");
        }
        String answer = raw.await(p -> p.startsWith("44") || p.startsWith("40"), BOUND)
                .orElseThrow(() -> new AssertionError(shape + ": no answer " + raw));
        assertTrue(answer.startsWith("44{\"message\":"), answer);
        assertTrue(server.appCalls("connect /").isEmpty(), server.appCalls().toString());
    }

    // ---------------------------------------------------------------- authenticate mode

    @ParameterizedTest(name = "{0} EIO{1} token {2}")
    @MethodSource("shapesOnEveryWire")
    void anAuthenticateTokenOfAnyShapeIsAnsweredUnauthorizedBeforeTheClose(String transport, int eio, String shape,
            String json) {
        startAuthenticateMode();
        try (RawClient raw = open(transport, eio, server.url(), Map.of(), Map.of())) {
            connectAdmin(raw, eio);
            raw.send("42/admin,[\"authenticate\",{\"token\":" + json + "}]");
            String answer = raw.await(p -> p.startsWith("42/admin,") && p.contains("\"unauthorized\""), BOUND)
                    .orElseThrow(() -> new AssertionError(shape + ": no unauthorized " + raw));
            assertTrue(answer.contains("\"code\":\"invalid_token\""), answer);
            assertFalse(answer.contains(MEGABYTE), "the token is never echoed");
            assertTrue(server.appCalls("connect /admin").isEmpty(), server.appCalls().toString());
        }
    }

    @ParameterizedTest(name = "{0} EIO{1}")
    @MethodSource("wires")
    void aBinaryAuthenticateTokenIsAnsweredInvalidTokenDatatype(String transport, int eio) {
        startAuthenticateMode();
        try (RawClient raw = open(transport, eio, server.url(), Map.of(), Map.of())) {
            connectAdmin(raw, eio);
            sendBinaryPacket(raw, transport, eio,
                    "451-/admin,[\"authenticate\",{\"token\":{\"_placeholder\":true,\"num\":0}}]",
                    TestTokens.token("alice").getBytes(StandardCharsets.UTF_8));
            String answer = raw.await(p -> p.contains("\"unauthorized\""), BOUND)
                    .orElseThrow(() -> new AssertionError("no unauthorized " + raw));
            assertTrue(answer.contains("\"message\":\"invalid token datatype\""), answer);
            assertTrue(server.appCalls("connect /admin").isEmpty(), server.appCalls().toString());
        }
    }

    @ParameterizedTest(name = "{0} EIO{1}")
    @MethodSource("wires")
    void aBadAuthenticateFollowedAtOnceByEventsIsRefusedBeforeTheConnectionCloses(String transport, int eio) {
        startAuthenticateMode();
        try (RawClient raw = open(transport, eio, server.url(), Map.of(), Map.of())) {
            connectAdmin(raw, eio);
            List<String> burst = new ArrayList<>();
            burst.add("42/admin,[\"authenticate\",{\"token\":\"" + TestTokens.tampered("mallory") + "\"}]");
            for (int i = 0; i < 20; i++) {
                burst.add("42/admin,[\"echo\"," + i + "]");
                burst.add("42/admin," + i + "[\"whoami\",{}]");
            }
            burst.add("451-/admin,[\"echo\",{\"_placeholder\":true,\"num\":0}]");
            if ("polling".equals(transport)) {
                raw.send(burst.toArray(new String[0])); // one POST
            } else {
                burst.forEach(raw::sendFrame); // back-to-back frames
            }
            String answer = raw.await(p -> p.contains("\"unauthorized\""), BOUND)
                    .orElseThrow(() -> new AssertionError("closed without unauthorized: " + raw));
            assertTrue(answer.contains("\"invalid signature\""), answer);
            assertEndedOnAdmin(raw, eio);
            assertTrue(server.appCalls("event").isEmpty(), server.appCalls().toString());
        }
    }

    @ParameterizedTest(name = "{0} EIO{1}")
    @MethodSource("wires")
    void anUndecodablePacketOfAQuarantinedSocketIsAnsweredUnauthorizedThenClosed(String transport, int eio) {
        startAuthenticateMode();
        try (RawClient raw = open(transport, eio, server.url(), Map.of(), Map.of())) {
            connectAdmin(raw, eio);
            raw.send("42/admin,[\"authenticate\",{\"token\":");
            String answer = raw.await(p -> p.contains("\"unauthorized\""), BOUND)
                    .orElseThrow(() -> new AssertionError("no unauthorized " + raw));
            assertTrue(answer.contains("\"message\":\"invalid token datatype\""), answer);
            assertTrue(raw.awaitClosed(BOUND), "closed after the answer: " + raw);
        }
    }

    @ParameterizedTest(name = "{0} EIO{1}")
    @MethodSource("wires")
    void aPacketWithoutAReadableHeaderIsAnsweredOnEveryQuarantinedNamespaceThenClosed(String transport, int eio) {
        startAuthenticateMode();
        try (RawClient raw = open(transport, eio, server.url(), Map.of(), Map.of())) {
            if (eio == 4) {
                raw.send("40");
                raw.await(p -> p.startsWith("40{"), BOUND).orElseThrow(() -> new AssertionError(raw.toString()));
            }
            connectAdmin(raw, eio);
            raw.send("46", "42/admin,[\"authenticate\",{\"token\":\"" + TestTokens.token("alice") + "\"}]");
            for (String nsp : List.of("/", "/admin")) {
                boolean root = "/".equals(nsp);
                String answer = raw.await(p -> p.contains("\"unauthorized\"") && (root ? p.startsWith("42")
                        && !p.startsWith("42/") : p.startsWith("42" + nsp + ",")), BOUND)
                        .orElseThrow(() -> new AssertionError(nsp + ": no unauthorized " + raw));
                assertTrue(answer.contains("\"message\":\"invalid token datatype\""), answer);
            }
            assertTrue(raw.awaitClosed(BOUND), "closed after the answers: " + raw);
            assertTrue(server.appCalls("connect").isEmpty(), server.appCalls().toString());
        }
    }

    @ParameterizedTest(name = "{0} EIO{1}")
    @MethodSource("wires")
    void packetsWithoutAGrammarCloseTheConnection(String transport, int eio) {
        for (String packet : List.of("4", "49", "4x", "42/admin", "45[\"x\"]", "4299999999999999999999[\"x\"]",
                "451000000000-[\"x\"]", "42[]", "42[1]", "42{\"a\":1}", "9")) {
            startHandshakeMode();
            try (RawClient raw = open(transport, eio, server.url(), Map.of("token", TestTokens.token("alice")),
                    Map.of())) {
                if (eio == 4) {
                    raw.send("40");
                }
                raw.await(p -> p.startsWith("40"), BOUND).orElseThrow(() -> new AssertionError(raw.toString()));
                raw.send(packet);
                assertTrue(raw.awaitClosed(BOUND), packet + ": still open " + raw);
                assertEquals(List.of(), server.appCalls("event"), packet);
            }
            server.close();
            server = null;
        }
    }

    // ---------------------------------------------------------------- a megabyte, with real clients

    /**
     * A 1 MB token is over netty-socketio's 64 KB limits for a POST body and a websocket message: the client is
     * answered 413 (polling) or its connection is closed (websocket), or, when the websocket message is
     * compressed below the limit, it is refused as a bad token. In every case it hears of it at once.
     */
    @ParameterizedTest(name = "v{0} {1}")
    @MethodSource("nodeClients")
    void aOneMegabyteTokenIsAnsweredPromptlyInBothModes(String version, String transport) {
        if ("4".equals(version)) { // v2 clients have no auth payload; header and query: OversizedHeaderClientsTest
            startHandshakeMode();
            NodeClient.Result handshake = NodeClient.v4(server.url()).namespace("/admin_hs").transports(transport)
                    .auth(Map.of("token", MEGABYTE)).waitFor("connect_error", BOUND.toMillis()).run();
            assertFalse(handshake.has("connect"), handshake.toString());
            assertTrue(handshake.timeouts().isEmpty(), handshake.toString());
            server.close();
        }
        startAuthenticateMode();
        NodeClient.Result authenticate = NodeClient.of(version, server.url()).namespace("/admin")
                .transports(transport).waitFor("connect", BOUND.toMillis())
                .emit("authenticate", Map.of("token", MEGABYTE)).waitFor("disconnect", BOUND.toMillis()).run();
        assertTrue(authenticate.has("connect"), authenticate.toString());
        assertTrue(authenticate.has("disconnect"), authenticate.toString());
        assertTrue(authenticate.timeouts().isEmpty(), authenticate.toString());
        assertTrue(server.appCalls("connect /admin").isEmpty(), server.appCalls().toString());
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The refused socket is out of /admin: a v4 client, connected to nothing else, is closed; a v3 client is still
     * quarantined on "/" (the server connects it there itself), so it is told {@code 41/admin} and stays open.
     */
    private static void assertEndedOnAdmin(RawClient raw, int eio) {
        if (eio == 4) {
            assertTrue(raw.awaitClosed(BOUND), "the refused socket is closed: " + raw);
        } else {
            assertTrue(raw.await(p -> p.startsWith("41/admin"), BOUND).isPresent(), "the refused socket is disconnected from /admin: " + raw);
        }
    }

    private static void connectAdmin(RawClient raw, int eio) {
        raw.send(eio == 4 ? "40/admin," : "40/admin");
        raw.await(p -> p.startsWith("40/admin"), BOUND).orElseThrow(() -> new AssertionError(raw.toString()));
    }

    /**
     * A binary packet and its one attachment, framed as the transport and protocol frame them: in one POST on
     * polling (two POSTs may be handled at once by two event loops, and so out of order), two frames on websocket.
     */
    static void sendBinaryPacket(RawClient raw, String transport, int eio, String packet, byte[] bytes) {
        if ("websocket".equals(transport)) {
            raw.send(packet);
            sendAttachment(raw, transport, eio, bytes);
        } else {
            raw.send(packet, (eio == 3 ? "b4" : "b") + java.util.Base64.getEncoder().encodeToString(bytes));
        }
    }

    /** One binary attachment, framed as the transport and protocol frame it. */
    static void sendAttachment(RawClient raw, String transport, int eio, byte[] bytes) {
        if ("websocket".equals(transport)) {
            byte[] frame = bytes;
            if (eio == 3) {
                frame = new byte[bytes.length + 1];
                frame[0] = 4;
                System.arraycopy(bytes, 0, frame, 1, bytes.length);
            }
            raw.sendBinaryFrame(frame);
        } else {
            raw.send((eio == 3 ? "b4" : "b") + java.util.Base64.getEncoder().encodeToString(bytes));
        }
    }

    /** A valid client connects and is served after the hostile one. */
    private void assertStillServed(String transport) {
        try (RawClient ok = open(transport, 4, server.url(), Map.of(), Map.of())) {
            ok.send("40/admin_hs,{\"token\":\"" + TestTokens.token("alice") + "\"}");
            ok.await(p -> p.startsWith("40/admin_hs,{"), BOUND).orElseThrow(() -> new AssertionError(ok.toString()));
            ok.send("42/admin_hs,[\"echo\",\"still served\"]");
            ok.await(p -> p.contains("still served"), BOUND).orElseThrow(() -> new AssertionError(ok.toString()));
        }
    }
}
