package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.HandshakeData;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.ack.AckManager;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.JacksonJsonSupport;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import com.corundumstudio.socketio.scheduler.HashedWheelTimeoutScheduler;
import com.corundumstudio.socketio.store.MemoryStoreFactory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The library's decoder reads each packet by the protocol's grammar, and attachments as their exact bytes. */
class PacketReaderTest {

    private static final HashedWheelTimeoutScheduler SCHEDULER = new HashedWheelTimeoutScheduler();
    private static final JacksonJsonSupport JSON = json();
    private static final PacketReader READER = new PacketReader(new QuietJsonSupport(JSON), new AckManager(SCHEDULER),
            BinaryJson.of(JSON));

    @AfterAll
    static void stopScheduler() {
        SCHEDULER.shutdown();
    }

    private static JacksonJsonSupport json() {
        JacksonJsonSupport json = new JacksonJsonSupport();
        json.addEventMapping("", "echo", Object.class);
        json.addEventMapping("/admin", "bytes", byte[].class);
        return json;
    }

    private static ClientHead session(EngineIOVersion version) {
        HandshakeData handshake = new HandshakeData(new DefaultHttpHeaders(), Map.of(),
                new InetSocketAddress("127.0.0.1", 0), "/socket.io/", false);
        return new ClientHead(UUID.randomUUID(), null, null, new MemoryStoreFactory(), handshake, null,
                Transport.POLLING, null, new Configuration(), Map.of("EIO", List.of(version.getValue())));
    }

    private static ByteBuf text(String value) {
        return Unpooled.copiedBuffer(value, StandardCharsets.UTF_8);
    }

    private static List<Packet> readAll(ClientHead head, ByteBuf content, Transport transport)
            throws PacketReader.MalformedPacket {
        List<Packet> packets = new ArrayList<>();
        do {
            ByteBuf frame = READER.nextFrame(head, content, transport);
            Packet packet = READER.decode(head, frame, transport);
            if (packet != null) {
                packets.add(packet);
            }
        } while (content.isReadable());
        return packets;
    }

    @Test
    void aConnectPayloadWithArraysAfterACommaIsReadWhole() throws Exception {
        Packet packet = readAll(session(EngineIOVersion.V4),
                text("40/admin,{\"token\":{\"type\":\"Buffer\",\"data\":[97,98]}}"), Transport.WEBSOCKET).get(0);
        assertEquals(PacketType.CONNECT, packet.getSubType());
        assertEquals("/admin", packet.getNsp());
        assertEquals(Map.of("token", Map.of("type", "Buffer", "data", List.of(97, 98))), packet.getData());
    }

    @Test
    void aConnectPayloadThatIsNoObjectIsMarkedUnreadable() throws Exception {
        for (String payload : List.of("\"jwt\"", "true", "[1]", "{\"unclosed\":", "{\"a\":\"\u0001\"}")) {
            Packet packet = readAll(session(EngineIOVersion.V4), text("40" + payload), Transport.WEBSOCKET).get(0);
            assertSame(PacketReader.UNREADABLE_PAYLOAD, packet.getData(), payload);
        }
    }

    @Test
    void readsNamespaceAckIdAndEventByTheGrammar() throws Exception {
        Packet packet = readAll(session(EngineIOVersion.V4), text("42/admin,17[\"bytes\",\"AAE=\"]"),
                Transport.WEBSOCKET).get(0);
        assertEquals("/admin", packet.getNsp());
        assertEquals(17L, packet.getAckId());
        assertEquals("bytes", packet.getName());
        assertArrayEquals(new byte[] {0, 1}, (byte[]) ((List<?>) packet.getData()).get(0));
        Packet v3 = readAll(session(EngineIOVersion.V3), text("40/admin?token=x"), Transport.WEBSOCKET).get(0);
        assertEquals("/admin", v3.getNsp());
        assertEquals("", readAll(session(EngineIOVersion.V4), text("40/,"), Transport.WEBSOCKET).get(0).getNsp());
    }

    @Test
    void packetsWithoutAGrammarAreMalformedAndSayWhatTheyCould() {
        for (String packet : List.of("", "4", "9", "4x", "49", "42/admin", "45[\"x\"]", "42[]", "42[1]",
                "4299999999999999999999[\"x\"]", "451000-[\"x\"]")) {
            PacketReader.MalformedPacket error = assertThrows(PacketReader.MalformedPacket.class,
                    () -> readAll(session(EngineIOVersion.V4), text(packet), Transport.WEBSOCKET), packet);
            if (packet.startsWith("42[")) {
                assertEquals(PacketType.EVENT, error.subType(), packet);
                assertEquals("", error.namespace(), packet);
            }
        }
    }

    @Test
    void attachmentsOfEveryFramingBecomeTheirExactBytes() throws Exception {
        byte[] bytes = {0, 'b', 4, (byte) 0xff, 0x1e};
        String b64 = java.util.Base64.getEncoder().encodeToString(bytes);
        String header = "451-[\"echo\",{\"file\":{\"_placeholder\":true,\"num\":0}}]";
        // v4 polling: a "b" record; v3 polling: a "b4" text record; v3 websocket: the type byte; v4 websocket: raw
        List<Packet> v4Polling = readAll(session(EngineIOVersion.V4), text(header + "\u001eb" + b64),
                Transport.POLLING);
        List<Packet> v3Polling = readAll(session(EngineIOVersion.V3), text(header.length() + ":" + header
                + (b64.length() + 2) + ":b4" + b64), Transport.POLLING);
        ClientHead v3 = session(EngineIOVersion.V3);
        assertNull(READER.decode(v3, text(header), Transport.WEBSOCKET));
        byte[] framed = new byte[bytes.length + 1];
        framed[0] = 4;
        System.arraycopy(bytes, 0, framed, 1, bytes.length);
        Packet v3Websocket = READER.decode(v3, Unpooled.wrappedBuffer(framed), Transport.WEBSOCKET);
        ClientHead v4 = session(EngineIOVersion.V4);
        assertNull(READER.decode(v4, text(header), Transport.WEBSOCKET));
        Packet v4Websocket = READER.decode(v4, Unpooled.wrappedBuffer(bytes), Transport.WEBSOCKET);
        for (Packet packet : List.of(v4Polling.get(0), v3Polling.get(0), v3Websocket, v4Websocket)) {
            Map<?, ?> arg = (Map<?, ?>) ((List<?>) packet.getData()).get(0);
            assertArrayEquals(bytes, (byte[]) arg.get("file"));
        }
    }

    @Test
    void aTextRecordWhereAnAttachmentWasDueDropsTheBinaryPacketAndIsRead() throws Exception {
        List<Packet> packets = readAll(session(EngineIOVersion.V4),
                text("451-[\"echo\",{\"_placeholder\":true,\"num\":0}]\u001e42[\"echo\",\"after\"]"), Transport.POLLING);
        assertEquals(1, packets.size());
        assertEquals(List.of("after"), packets.get(0).getData());
    }

    @Test
    void anEngineIoV3LengthCountsUtf16CodeUnitsAsJavaScriptDoes() throws Exception {
        String emoji = "42[\"echo\",\"\ud83d\ude00\"]";
        List<Packet> packets = readAll(session(EngineIOVersion.V3), text(emoji.length() + ":" + emoji
                + "15:42[\"echo\",\"ok\"]"), Transport.POLLING);
        assertEquals(List.of(List.of("\ud83d\ude00"), List.of("ok")), packets.stream().map(Packet::getData).toList());
    }
}
