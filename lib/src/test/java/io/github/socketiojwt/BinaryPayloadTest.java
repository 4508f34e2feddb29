package io.github.socketiojwt;

import com.corundumstudio.socketio.SocketIOServer;
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
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Binary payloads pass through a protected server unchanged: an application listener receives the bytes the
 * client attached (as {@code byte[]} where its declared type can hold one), and what it sends back reaches the
 * client as binary data of the same bytes (and text as the same text), for Socket.IO v2 and v4 clients, on polling and websocket, in both
 * modes.
 */
class BinaryPayloadTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Every byte value, so that no framing or text encoding can go unnoticed. */
    private static final byte[] BYTES = everyByte();
    private static final String BASE64 = Base64.getEncoder().encodeToString(BYTES);

    private TestServer server;
    private final List<Object> received = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Stream<Arguments> clients() {
        return Stream.of("handshake", "authenticate").flatMap(m -> Stream.of("2", "4")
                .flatMap(v -> Stream.of("polling", "websocket").map(t -> Arguments.of(m, v, t))));
    }

    static Stream<Arguments> wires() {
        return Stream.of("polling", "websocket").flatMap(t -> Stream.of(3, 4).map(v -> Arguments.of(t, v)));
    }

    private void start(String mode) {
        JwtAuthOptions options = "handshake".equals(mode)
                ? JwtAuthOptions.handshake().secret(TestTokens.SECRET).build()
                : JwtAuthOptions.authenticate().secret(TestTokens.SECRET).build();
        server = TestServer.start(s -> {
            addTypedListeners(s);
            SocketIoJwt.authorize(options).install(s, "/");
        });
    }

    /** Listeners declared with byte[] and String, to show Jackson's own mapping of a binary value applies. */
    private void addTypedListeners(SocketIOServer s) {
        s.getNamespace("").addEventListener("bytes", byte[].class, (client, data, ack) -> {
            received.add(data);
            client.sendEvent("bytes-response", data);
        });
        s.getNamespace("").addEventListener("text", String.class, (client, data, ack) -> received.add(data));
    }

    private NodeClient connected(String mode, String version, String transport) {
        String token = TestTokens.token("alice");
        NodeClient client = NodeClient.of(version, server.url()).transports(transport)
                .listen("echo-response", "bytes-response");
        if ("authenticate".equals(mode)) {
            return client.waitFor("connect", WAIT.toMillis()).emit("authenticate", Map.of("token", token))
                    .waitFor("authenticated", WAIT.toMillis());
        }
        return ("4".equals(version) ? client.auth(Map.of("token", token)) : client.query("token", token))
                .waitFor("connect", WAIT.toMillis());
    }

    @ParameterizedTest(name = "{0} v{1} {2}")
    @MethodSource("clients")
    void aBinaryEchoComesBackAsTheSameBytesAloneAndNestedInAnObject(String mode, String version, String transport) {
        start(mode);
        NodeClient.Result result = connected(mode, version, transport)
                .emit("echo", Map.of("$binary", BASE64)).waitFor("echo-response", WAIT.toMillis())
                .emit("echo", Map.of("file", Map.of("$binary", BASE64), "name", "f.bin",
                        "parts", List.of(Map.of("$binary", "AAE="), "two")))
                .waitFor("echo-response", WAIT.toMillis()).run();
        List<NodeClient.Event> echoes = result.events("echo-response");
        assertEquals(2, echoes.size(), result.toString());
        assertEquals(Map.of("binary", BASE64), echoes.get(0).firstArg(), "alone: " + result);
        assertEquals(Map.of("file", Map.of("binary", BASE64), "name", "f.bin",
                "parts", List.of(Map.of("binary", "AAE="), "two")), echoes.get(1).firstArg(), "nested: " + result);
    }

    @ParameterizedTest(name = "{0} v{1} {2}")
    @MethodSource("clients")
    void aListenerDeclaredWithBytesGetsTheBytesAndOneDeclaredWithStringGetsBase64(String mode, String version,
            String transport) {
        start(mode);
        NodeClient.Result result = connected(mode, version, transport)
                .emit("bytes", Map.of("$binary", BASE64)).waitFor("bytes-response", WAIT.toMillis())
                .emit("text", Map.of("$binary", BASE64)).sleep(300).run();
        assertEquals(Map.of("binary", BASE64), result.first("bytes-response").orElseThrow().firstArg(),
                result.toString());
        assertEquals(2, received.size(), received.toString());
        assertArrayEquals(BYTES, (byte[]) received.get(0));
        assertEquals(BASE64, received.get(1));
    }

    /** netty-socketio URL-decodes the POSTs of Socket.IO v2 clients in Node ({@code b64=1}) as if they were forms. */
    @ParameterizedTest(name = "{0} v{1} {2}")
    @MethodSource("clients")
    void textWithPlusSignsAndPercentEscapesComesBackUnchanged(String mode, String version, String transport) {
        start(mode);
        String text = "1+1 = 2 %41 %zz + \u00e9 \ud83d\ude00 d=x&j=0";
        NodeClient.Result result = connected(mode, version, transport).emit("echo", text)
                .waitFor("echo-response", WAIT.toMillis()).run();
        assertEquals(text, result.first("echo-response").orElseThrow(() -> new AssertionError(result.toString()))
                .firstArg(), result.toString());
    }

    @ParameterizedTest(name = "{0} EIO{1}")
    @MethodSource("wires")
    void rawAttachmentsOfEveryFramingArriveAsTheirExactBytes(String transport, int eio) {
        start("handshake");
        byte[] ascii = "b4 looks like framing".getBytes(StandardCharsets.US_ASCII);
        try (RawClient raw = "polling".equals(transport)
                ? RawClient.polling(server.url(), eio, Map.of("token", TestTokens.token("alice")), Map.of())
                : RawClient.websocket(server.url(), eio, Map.of("token", TestTokens.token("alice")), Map.of())) {
            if (eio == 4) {
                raw.send("40");
            }
            raw.await(p -> p.startsWith("40"), WAIT).orElseThrow(() -> new AssertionError(raw.toString()));
            List<byte[]> sent = new ArrayList<>();
            String header = "451-[\"bytes\",{\"_placeholder\":true,\"num\":0}]";
            List<String> onePost = new ArrayList<>();
            for (byte[] bytes : List.of(BYTES, ascii, new byte[0])) {
                if ("polling".equals(transport)) {
                    // one POST: netty-socketio may read two POSTs of a session at once (README, Good to know)
                    onePost.add(header);
                    onePost.add((eio == 3 ? "b4" : "b") + Base64.getEncoder().encodeToString(bytes));
                } else {
                    EveryInputIsAnsweredTest.sendBinaryPacket(raw, transport, eio, header, bytes);
                }
                sent.add(bytes);
            }
            if (!onePost.isEmpty()) {
                raw.send(onePost.toArray(new String[0]));
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (received.size() < sent.size() && System.nanoTime() < deadline) {
                sleep(10);
            }
            assertEquals(sent.size(), received.size(), raw.toString());
            // in any order: two POSTs may be handled at once, by two event loops
            assertEquals(sent.stream().map(Base64.getEncoder()::encodeToString).sorted().toList(),
                    received.stream().map(b -> Base64.getEncoder().encodeToString((byte[]) b)).sorted().toList());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] everyByte() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }
}
