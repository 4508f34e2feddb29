package io.github.socketiojwt.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.corundumstudio.socketio.AuthorizationResult;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIONamespace;
import com.corundumstudio.socketio.SocketIOServer;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proves {@link RawClient} against a bare netty-socketio server, for every transport mode and
 * both Engine.IO protocol versions.
 */
@Timeout(20)
class RawClientTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    /** Servers being stopped in the background (netty's graceful shutdown takes ~4 s per server). */
    private static final List<CompletableFuture<Void>> STOPPING = new CopyOnWriteArrayList<>();

    private final List<RawClient> clients = new ArrayList<>();
    private SocketIOServer server;
    private String baseUrl;

    enum Mode { POLLING, WEBSOCKET, UPGRADE }

    @AfterEach
    void tearDown() {
        for (RawClient client : clients) {
            client.close();
        }
        clients.clear();
        stopServer();
    }

    @AfterAll
    static void awaitServersStopped() {
        CompletableFuture.allOf(STOPPING.toArray(new CompletableFuture<?>[0])).orTimeout(30, TimeUnit.SECONDS).join();
        STOPPING.clear();
    }

    /**
     * Stops the server: its channels are closed at once, the rest of netty's graceful shutdown
     * (a 2 s quiet period per event loop group) runs in the background and is awaited in
     * {@link #awaitServersStopped()}.
     */
    private void stopServer() {
        SocketIOServer toStop = server;
        server = null;
        if (toStop != null) {
            STOPPING.add(CompletableFuture.runAsync(toStop::stop));
        }
    }

    static Stream<Arguments> modes() {
        List<Arguments> args = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            for (int eio : new int[] {3, 4}) {
                args.add(Arguments.of(mode, eio));
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} EIO{1}")
    @MethodSource("modes")
    void connectsEchoesAndJoinsNamespace(Mode mode, int eio) {
        startServer(config -> { });
        RawClient client = open(mode, eio, Map.of(), Map.of());

        assertEquals(mode == Mode.WEBSOCKET ? 101 : 200, client.handshakeStatus());
        assertNotNull(client.sid());
        assertEquals(eio, client.eio());
        assertTrue(client.openPacket().startsWith("0{"), client.openPacket());
        assertTrue(client.openPacket().contains(client.sid()));
        assertEquals(mode == Mode.POLLING ? RawClient.Transport.POLLING : RawClient.Transport.WEBSOCKET,
                client.transport(), () -> "errors: " + client.errors());
        assertEquals(client.openPacket(), client.received().get(0));

        connectMain(client);

        client.send("42[\"echo\",\"one\"]");
        assertTrue(client.awaitPacket("42[\"echo-response\",\"one\"]", WAIT), () -> dump(client));

        // several packets in one send (one POST body on polling, consecutive frames on websocket)
        client.send("42[\"echo\",\"a\"]", "42[\"echo\",{\"b\":[1,2]}]", "421[\"echo\",\"acked\"]");
        assertTrue(client.awaitPacket("42[\"echo-response\",\"a\"]", WAIT), () -> dump(client));
        assertTrue(client.awaitPacket("42[\"echo-response\",{\"b\":[1,2]}]", WAIT), () -> dump(client));
        assertTrue(client.awaitPacket("431[\"acked\"]", WAIT), () -> dump(client));

        // a non-ASCII (BMP) payload exercises the EIO3 UTF-16 length framing and UTF-8 decoding
        client.send("42[\"echo\",\"h\u00e9llo \u4e16\u754c\"]");
        assertTrue(client.awaitPacket("42[\"echo-response\",\"h\u00e9llo \u4e16\u754c\"]", WAIT), () -> dump(client));

        client.send(eio >= 4 ? "40/chat," : "40/chat");
        assertTrue(client.await(p -> eio >= 4 ? p.startsWith("40/chat,{\"sid\":") : p.equals("40/chat"), WAIT)
                .isPresent(), () -> dump(client));
        client.send("42/chat,[\"echo\",\"ns\"]");
        assertTrue(client.awaitPacket("42/chat,[\"echo-response\",\"ns\"]", WAIT), () -> dump(client));

        assertFalse(client.isClosed(), client::closeReason);
        assertTrue(client.errors().isEmpty(), () -> "errors: " + client.errors());

        client.close();
        client.close();
        assertTrue(client.isClosed());
        assertTrue(client.awaitClosed(Duration.ZERO));
    }

    @ParameterizedTest(name = "EIO{0}")
    @ValueSource(ints = {3, 4})
    void pollingSendsSeveralPacketsInOnePostAndRawBodies(int eio) {
        startServer(config -> { });
        RawClient client = track(RawClient.polling(baseUrl, eio));
        connectMain(client);

        String body = RawClient.encodePayload(eio, "42[\"echo\",\"x\"]", "42[\"echo\",\"y\"]");
        assertEquals(eio >= 4 ? "42[\"echo\",\"x\"]\u001e42[\"echo\",\"y\"]" : "14:42[\"echo\",\"x\"]14:42[\"echo\",\"y\"]",
                body);
        assertEquals(200, client.sendRawBody(body));
        assertEquals(2, client.awaitAll(p -> p.startsWith("42[\"echo-response\""), 2, WAIT).size(), () -> dump(client));
        assertThrows(IllegalStateException.class, () -> client.sendFrame("2"));
        assertFalse(client.isClosed());
    }

    @Test
    void eio3Base64PollingResponsesAreDecoded() {
        // with b64=1 netty-socketio answers with "<byte length>:<packet>" text framing instead of its
        // binary framing, and re-encodes every UTF-8 byte above 0x7F as a Latin-1 character
        startServer(config -> { });
        RawClient client = track(RawClient.polling(baseUrl, 3, Map.of("b64", "1"), Map.of()));
        connectMain(client);
        client.send("42[\"echo\",\"h\u00e9llo\"]", "42[\"echo\",\"two\"]");
        assertEquals(2, client.awaitAll(p -> p.equals("42[\"echo-response\",\"h\u00e9llo\"]")
                || p.equals("42[\"echo-response\",\"two\"]"), 2, WAIT).size(), () -> dump(client));
        assertTrue(client.errors().isEmpty(), () -> dump(client));
    }

    @Test
    void eio3LengthHeadersCountCodePointsForNettySocketio() {
        // netty-socketio's UTF8CharsScanner turns the EIO3 length header into a byte count by counting
        // UTF-8 sequences, so a supplementary character (two UTF-16 units) counts as ONE. The
        // JavaScript framing (UTF-16 units) therefore misframes such packets: the server swallows one
        // character too many and the rest of the POST body is lost.
        startServer(config -> { });
        RawClient client = track(RawClient.polling(baseUrl, 3));
        connectMain(client);
        String emoji = "42[\"echo\",\"\ud83d\ude00\"]";
        String emojiEcho = "42[\"echo-response\",\"\\uD83D\\uDE00\"]";
        assertEquals("14:" + emoji + "15:42[\"echo\",\"ok\"]", RawClient.encodePayload(3, emoji, "42[\"echo\",\"ok\"]"));

        client.send(emoji, "42[\"echo\",\"ok\"]");
        assertEquals(2, client.awaitAll(p -> p.equals(emojiEcho) || p.equals("42[\"echo-response\",\"ok\"]"), 2, WAIT)
                .size(), () -> dump(client));

        int mark = client.received().size();
        assertEquals(200, client.sendRawBody(RawClient.encodeEio3PayloadLikeJs(emoji, "42[\"echo\",\"lost\"]")));
        assertTrue(client.awaitFrom(mark, emojiEcho::equals, WAIT).isPresent(), () -> dump(client));
        assertTrue(client.awaitFrom(mark, "42[\"echo-response\",\"lost\"]"::equals, Duration.ofMillis(700)).isEmpty(),
                () -> dump(client));
        assertFalse(client.isClosed());
    }

    @Test
    void answersPingsSoTheSessionOutlivesPingIntervalPlusTimeout() throws InterruptedException {
        startServer(config -> {
            config.setPingInterval(300);
            config.setPingTimeout(500);
        });
        List<RawClient> alive = new ArrayList<>();
        for (int eio : new int[] {3, 4}) {
            alive.add(track(RawClient.polling(baseUrl, eio)));
            alive.add(track(RawClient.websocket(baseUrl, eio)));
        }
        // controls: same clients without the heartbeat must be dropped by the server
        List<RawClient> silent = List.of(
                track(RawClient.polling(baseUrl, 3)).autoPing(false),
                track(RawClient.websocket(baseUrl, 3)).autoPing(false),
                track(RawClient.polling(baseUrl, 4)).autoPong(false),
                track(RawClient.websocket(baseUrl, 4)).autoPong(false));
        for (RawClient client : alive) {
            connectMain(client);
            assertEquals(300, client.pingInterval());
            assertEquals(500, client.pingTimeout());
        }

        Thread.sleep(1800);

        for (RawClient client : silent) {
            assertTrue(client.awaitClosed(Duration.ofSeconds(3)), () -> "silent client survived: " + dump(client));
        }
        for (RawClient client : alive) {
            assertFalse(client.isClosed(), () -> dump(client));
            int mark = client.received().size();
            client.send("42[\"echo\",\"still here\"]");
            assertTrue(client.awaitFrom(mark, "42[\"echo-response\",\"still here\"]"::equals, WAIT).isPresent(),
                    () -> dump(client));
            assertTrue(client.received().contains(client.eio() >= 4 ? "2" : "3"), () -> dump(client));
        }
    }

    @ParameterizedTest(name = "{0} EIO{1}")
    @MethodSource("modes")
    void serverDisconnectSends41ButOnlyServerShutdownClosesTheTransport(Mode mode, int eio) {
        startServer(config -> { });
        RawClient client = open(mode, eio, Map.of(), Map.of());
        connectMain(client);

        // netty-socketio 2.0.14: SocketIOClient.disconnect() only SENDS "41"; it neither closes the
        // transport nor forgets the client. A client that ignores "41" keeps a working session.
        for (SocketIOClient connected : server.getAllClients()) {
            connected.disconnect();
        }
        assertTrue(client.awaitPacket("41", WAIT), () -> dump(client));
        client.send("42[\"echo\",\"after 41\"]");
        assertTrue(client.awaitPacket("42[\"echo-response\",\"after 41\"]", WAIT), () -> dump(client));
        assertFalse(client.isClosed(), client::closeReason);

        stopServer();
        assertTrue(client.awaitClosed(WAIT), () -> dump(client));
        assertNotNull(client.closeReason());
    }

    @ParameterizedTest(name = "{0} EIO{1}")
    @MethodSource("modes")
    void handshakeRejectionIsReportedNotThrown(Mode mode, int eio) {
        startServer(config -> config.setAuthorizationListener(data ->
                "Bearer good".equals(data.getHttpHeaders().get("Authorization"))
                        || "good".equals(data.getSingleUrlParam("token"))
                        ? AuthorizationResult.SUCCESSFUL_AUTHORIZATION
                        : AuthorizationResult.FAILED_AUTHORIZATION));

        RawClient refused = open(mode, eio, Map.of("token", "bad"), Map.of("Authorization", "Bearer bad"));
        assertEquals(401, refused.handshakeStatus());
        assertNull(refused.sid());
        assertTrue(refused.isClosed());
        assertThrows(IllegalStateException.class, () -> refused.send("40"));

        RawClient byHeader = open(mode, eio, Map.of(), Map.of("Authorization", "Bearer good"));
        assertEquals(mode == Mode.WEBSOCKET ? 101 : 200, byHeader.handshakeStatus());
        connectMain(byHeader);

        RawClient byQuery = open(mode, eio, Map.of("token", "good"), Map.of());
        assertEquals(mode == Mode.WEBSOCKET ? 101 : 200, byQuery.handshakeStatus());
        assertNotNull(byQuery.sid());
    }

    @Test
    void unknownTransportIsA400WithBody() {
        startServer(config -> { });
        RawClient client = track(RawClient.polling(baseUrl, 4, Map.of("transport", "carrier-pigeon"), Map.of()));
        assertEquals(400, client.handshakeStatus());
        assertTrue(client.handshakeBody().contains("Transport unknown"), client.handshakeBody());
        assertTrue(client.isClosed());
    }

    @Test
    void decodesNettySocketioPollingPayloads() {
        byte[] body = concat(frame0("40"), new byte[] {0x1e}, frame0("42[\"\u00e9\"]"), frame0("6"));
        assertEquals(List.of("40", "42[\"\u00e9\"]", "6"), RawClient.decodePayload(3, body));
        assertEquals(List.of("40", "3"), RawClient.decodePayload(3, "2:401:3".getBytes(StandardCharsets.UTF_8)));
        // b64 mode: length in UTF-8 bytes, each byte sent as one Latin-1 character
        String latin1 = new String("42[\"\u00e9\"]".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertEquals(List.of("42[\"\u00e9\"]"),
                RawClient.decodePayload(3, (latin1.length() + ":" + latin1).getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("40{\"sid\":\"a\"}", "2"),
                RawClient.decodePayload(4, "40{\"sid\":\"a\"}\u001e2".getBytes(StandardCharsets.UTF_8)));
        byte[] truncated = {0, 9, (byte) 0xff, '4', '2'};
        assertThrows(IllegalArgumentException.class, () -> RawClient.decodePayload(3, truncated));
    }

    // ------------------------------------------------------------------------------------------

    private static byte[] frame0(String packet) {
        byte[] data = packet.getBytes(StandardCharsets.UTF_8);
        String digits = Integer.toString(data.length);
        byte[] out = new byte[1 + digits.length() + 1 + data.length];
        out[0] = 0;
        for (int i = 0; i < digits.length(); i++) {
            out[1 + i] = (byte) (digits.charAt(i) - '0');
        }
        out[1 + digits.length()] = (byte) 0xff;
        System.arraycopy(data, 0, out, 2 + digits.length(), data.length);
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, offset, part.length);
            offset += part.length;
        }
        return out;
    }

    private RawClient open(Mode mode, int eio, Map<String, String> query, Map<String, String> headers) {
        switch (mode) {
            case POLLING:
                return track(RawClient.polling(baseUrl, eio, query, headers));
            case WEBSOCKET:
                return track(RawClient.websocket(baseUrl, eio, query, headers));
            default:
                return track(RawClient.upgrade(baseUrl, eio, query, headers));
        }
    }

    /** EIO4: the client must send "40"; EIO3: netty-socketio sends "40" itself once the transport binds. */
    private static void connectMain(RawClient client) {
        if (client.eio() >= 4) {
            client.send("40");
            assertTrue(client.await(p -> p.startsWith("40{\"sid\":"), WAIT).isPresent(), () -> dump(client));
        } else {
            assertTrue(client.awaitPacket("40", WAIT), () -> dump(client));
        }
    }

    private RawClient track(RawClient client) {
        clients.add(client);
        return client;
    }

    private static String dump(RawClient client) {
        return client + " received=" + client.received() + " errors=" + client.errors();
    }

    private void startServer(Consumer<Configuration> customizer) {
        Configuration config = new Configuration();
        config.setHostname("127.0.0.1");
        config.setPort(freePort());
        customizer.accept(config);
        server = new SocketIOServer(config);
        server.addEventListener("echo", Object.class, (client, data, ack) -> {
            client.sendEvent("echo-response", data);
            if (ack.isAckRequested()) {
                ack.sendAckData(data);
            }
        });
        SocketIONamespace chat = server.addNamespace("/chat");
        chat.addEventListener("echo", Object.class, (client, data, ack) -> {
            client.sendEvent("echo-response", data);
            if (ack.isAckRequested()) {
                ack.sendAckData(data);
            }
        });
        server.start();
        baseUrl = "http://127.0.0.1:" + config.getPort();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
