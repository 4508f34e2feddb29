package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.JacksonJsonSupport;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketEncoder;
import com.corundumstudio.socketio.protocol.PacketType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves that a long-polling response takes at most 50 packets and leaves the others queued, where netty-socketio's
 * own encoder drops the 51st; and that every recipient of a shared broadcast packet gets it whole, framed for its own
 * Engine.IO version, where netty-socketio's encoder frames it for the version the packet last held and loses the
 * arguments of a binary event after its first recipient.
 */
class LosslessPacketEncoderTest {

    private static final int LIMIT = 50; // what netty-socketio's EncoderHandler passes
    private static final Pattern TICK = Pattern.compile("\\[\"tick\",(\\d+)]");

    private static Queue<Packet> ticks(int count, EngineIOVersion version) {
        Queue<Packet> queue = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < count; i++) {
            Packet packet = new Packet(PacketType.MESSAGE, version);
            packet.setSubType(PacketType.EVENT);
            packet.setNsp("");
            packet.setName("tick");
            packet.setData(List.of(i));
            queue.add(packet);
        }
        return queue;
    }

    private static LosslessPacketEncoder encoder(EngineIOVersion version) {
        return new LosslessPacketEncoder(new Configuration(), new JacksonJsonSupport(), version);
    }

    private static List<Integer> ticksIn(ByteBuf buffer) {
        try {
            List<Integer> found = new ArrayList<>();
            Matcher matcher = TICK.matcher(buffer.toString(StandardCharsets.UTF_8));
            while (matcher.find()) {
                found.add(Integer.parseInt(matcher.group(1)));
            }
            return found;
        } finally {
            buffer.release();
        }
    }

    private static List<Integer> drain(PacketEncoder encoder, Queue<Packet> queue, boolean jsonp) throws IOException {
        List<Integer> received = new ArrayList<>();
        while (!queue.isEmpty()) {
            ByteBuf out = Unpooled.buffer();
            if (jsonp) {
                encoder.encodeJsonP(null, queue, out, UnpooledByteBufAllocator.DEFAULT, LIMIT);
            } else {
                encoder.encodePackets(queue, out, UnpooledByteBufAllocator.DEFAULT, LIMIT);
            }
            List<Integer> batch = ticksIn(out);
            assertEquals(true, batch.size() <= LIMIT, "one response holds at most " + LIMIT + ": " + batch.size());
            received.addAll(batch);
        }
        return received;
    }

    private static List<Integer> upTo(int count) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add(i);
        }
        return all;
    }

    @Test
    void nettySocketioDropsThe51stPacketOfAPollingResponse() throws IOException {
        // Characterizes the upstream bug the library works around; if an upgrade fixes it, this test says so.
        PacketEncoder upstream = new PacketEncoder(new Configuration(), new JacksonJsonSupport());
        Queue<Packet> queue = ticks(120, EngineIOVersion.V4);
        List<Integer> received = drain(upstream, queue, false);
        List<Integer> lost = new ArrayList<>(upTo(120));
        lost.removeAll(received);
        assertEquals(List.of(50, 101), lost);
    }

    @Test
    void everyQueuedPacketIsSentInOrderOverAsManyResponsesAsNeeded() throws IOException {
        for (EngineIOVersion version : List.of(EngineIOVersion.V3, EngineIOVersion.V4)) {
            LosslessPacketEncoder encoder = encoder(version);
            assertEquals(upTo(120), drain(encoder, ticks(120, version), false), version.name());
        }
    }

    @Test
    void jsonpResponsesLoseNothingEither() throws IOException {
        LosslessPacketEncoder encoder = encoder(EngineIOVersion.V3);
        assertEquals(upTo(120), drain(encoder, ticks(120, EngineIOVersion.V3), true));
    }

    @Test
    void aResponseTakesExactlyTheLimitAndLeavesTheRestQueued() throws IOException {
        LosslessPacketEncoder encoder = encoder(EngineIOVersion.V4);
        Queue<Packet> queue = ticks(LIMIT + 1, EngineIOVersion.V4);
        ByteBuf out = Unpooled.buffer();
        encoder.encodePackets(queue, out, UnpooledByteBufAllocator.DEFAULT, LIMIT);
        assertEquals(upTo(LIMIT), ticksIn(out));
        assertEquals(1, queue.size());
        assertEquals(List.of(LIMIT), queue.peek().getData());
    }

    // ---------------------------------------------------------------- shared broadcast packets

    /** Three bytes whose standard Base64 ({@code +/8A}) differs from the URL-safe one. */
    private static final byte[] BYTES = {(byte) 0xfb, (byte) 0xff, 0x00};

    /** A broadcast's packet as netty-socketio's {@code SingleRoomBroadcastOperations.sendEvent} makes it. */
    private static Packet broadcast(Object... args) {
        Packet packet = new Packet(PacketType.MESSAGE, EngineIOVersion.UNKNOWN);
        packet.setSubType(PacketType.EVENT);
        packet.setName("bcast");
        packet.setData(List.of(args));
        return packet;
    }

    /**
     * Queues one packet for a v4 and then a v3 recipient the way {@code SingleRoomBroadcastOperations.send} does:
     * the packet's version set to each recipient's before it is queued, so it holds the v3 one when the v4
     * recipient's poll encodes it.
     */
    private static List<Queue<Packet>> queuedForV4ThenV3(Packet shared) {
        Queue<Packet> v4 = new ConcurrentLinkedQueue<>();
        Queue<Packet> v3 = new ConcurrentLinkedQueue<>();
        shared.setEngineIOVersion(EngineIOVersion.V4);
        v4.add(shared);
        shared.setEngineIOVersion(EngineIOVersion.V3);
        v3.add(shared);
        return List.of(v4, v3);
    }

    private static String poll(PacketEncoder encoder, Queue<Packet> queue) throws IOException {
        ByteBuf out = Unpooled.buffer();
        try {
            encoder.encodePackets(queue, out, UnpooledByteBufAllocator.DEFAULT, LIMIT);
            return hex(out);
        } finally {
            out.release();
        }
    }

    private static String pollText(PacketEncoder encoder, Queue<Packet> queue) throws IOException {
        ByteBuf out = Unpooled.buffer();
        try {
            encoder.encodeJsonP(null, queue, out, UnpooledByteBufAllocator.DEFAULT, LIMIT);
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }

    private static String hex(ByteBuf buffer) {
        byte[] bytes = new byte[buffer.readableBytes()];
        buffer.getBytes(buffer.readerIndex(), bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String hex(String text) {
        return HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
    }

    /** An Engine.IO v3 binary-payload record: type 0 (text) or 1 (binary), the length digit by digit, 0xff. */
    private static String v3Record(int type, byte[] content) {
        StringBuilder header = new StringBuilder().append(type == 0 ? "00" : "01");
        for (char digit : Integer.toString(content.length).toCharArray()) {
            header.append('0').append(digit);
        }
        return header.append("ff").append(HexFormat.of().formatHex(content)).toString();
    }

    private static String v3Record(String packet) {
        return v3Record(0, packet.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] v3Binary(byte[] bytes) {
        byte[] message = new byte[bytes.length + 1];
        message[0] = 4;
        System.arraycopy(bytes, 0, message, 1, bytes.length);
        return message;
    }

    @Test
    void nettySocketioFramesASharedBroadcastPacketForTheVersionItLastHeld() throws IOException {
        // Characterizes the upstream bug; if an upgrade fixes it, this test says so.
        PacketEncoder upstream = new PacketEncoder(new Configuration(), new JacksonJsonSupport());
        List<Queue<Packet>> queues = queuedForV4ThenV3(broadcast("news", 1));
        assertEquals(v3Record("42[\"bcast\",\"news\",1]"), poll(upstream, queues.get(0)), "the v4 recipient");
    }

    @Test
    void eachRecipientOfASharedBroadcastPacketGetsItsOwnVersionsFraming() throws IOException {
        List<Queue<Packet>> queues = queuedForV4ThenV3(broadcast("news", 1));
        assertEquals(hex("42[\"bcast\",\"news\",1]"), poll(encoder(EngineIOVersion.V4), queues.get(0)));
        assertEquals(v3Record("42[\"bcast\",\"news\",1]"), poll(encoder(EngineIOVersion.V3), queues.get(1)));
    }

    @Test
    void aRecipientsFramingDoesNotChangeWhenTheSharedPacketChangesVersionMidEncoding() throws IOException {
        // The version another thread writes while this recipient's poll runs: it is never read.
        Packet shared = broadcast("news", 1);
        Queue<Packet> v4 = new ConcurrentLinkedQueue<>();
        v4.add(shared);
        v4.add(shared);
        Queue<Packet> flipping = new ConcurrentLinkedQueue<>(v4) {
            @Override
            public Packet poll() {
                Packet packet = super.poll();
                shared.setEngineIOVersion(EngineIOVersion.V3);
                return packet;
            }
        };
        assertEquals(hex("42[\"bcast\",\"news\",1]\u001e42[\"bcast\",\"news\",1]"),
                poll(encoder(EngineIOVersion.V4), flipping));
    }

    @Test
    void nettySocketioLosesTheArgumentsOfASharedBinaryPacketAfterItsFirstRecipient() throws IOException {
        // Characterizes the upstream bug: the first encoding turns the shared packet into a BINARY_EVENT.
        PacketEncoder upstream = new PacketEncoder(new Configuration(), new JacksonJsonSupport());
        List<Queue<Packet>> queues = queuedForV4ThenV3(broadcast("file", BYTES));
        poll(upstream, queues.get(0));
        String second = poll(upstream, queues.get(1));
        assertTrue(second.startsWith(v3Record("451-")), second);
    }

    @Test
    void everyRecipientOfASharedBinaryPacketGetsItsArgumentsAndItsBytesInItsOwnFraming() throws IOException {
        Packet shared = broadcast("file", BYTES);
        List<Queue<Packet>> queues = queuedForV4ThenV3(shared);
        String event = "451-[\"bcast\",\"file\",{\"_placeholder\":true,\"num\":0}]";
        assertEquals(hex(event + "\u001eb" + Base64.getEncoder().encodeToString(BYTES)),
                poll(encoder(EngineIOVersion.V4), queues.get(0)));
        assertEquals(v3Record(event) + v3Record(1, v3Binary(BYTES)), poll(encoder(EngineIOVersion.V3), queues.get(1)));
        assertEquals(PacketType.EVENT, shared.getSubType(), "the shared packet is left as it was");
        assertEquals(List.of(), shared.getAttachments());
    }

    @Test
    void engineIoV3BinaryRecordsFollowOneAnotherWithoutARecordSeparator() throws IOException {
        PacketEncoder upstream = new PacketEncoder(new Configuration(), new JacksonJsonSupport());
        String one = v3Record("42[\"tick\",0]");
        String two = v3Record("42[\"tick\",1]");
        assertEquals(one + "1e" + two, poll(upstream, ticks(2, EngineIOVersion.V3)), "netty-socketio");
        assertEquals(one + two, poll(encoder(EngineIOVersion.V3), ticks(2, EngineIOVersion.V3)));
    }

    @Test
    void engineIoV3TextRecordsCarryAnAttachmentAsStandardBase64() throws IOException {
        Queue<Packet> queue = new ConcurrentLinkedQueue<>(List.of(broadcast("file", BYTES)));
        String event = "451-[\"bcast\",\"file\",{\"_placeholder\":true,\"num\":0}]";
        assertEquals(event.length() + ":" + event + "6:b4+/8A", pollText(encoder(EngineIOVersion.V3), queue));
    }
}
