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
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Proves that a long-polling response takes at most 50 packets and leaves the others queued, where netty-socketio's
 * own encoder drops the 51st.
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
            LosslessPacketEncoder encoder = new LosslessPacketEncoder(new Configuration(), new JacksonJsonSupport());
            assertEquals(upTo(120), drain(encoder, ticks(120, version), false), version.name());
        }
    }

    @Test
    void jsonpResponsesLoseNothingEither() throws IOException {
        LosslessPacketEncoder encoder = new LosslessPacketEncoder(new Configuration(), new JacksonJsonSupport());
        assertEquals(upTo(120), drain(encoder, ticks(120, EngineIOVersion.V3), true));
    }

    @Test
    void aResponseTakesExactlyTheLimitAndLeavesTheRestQueued() throws IOException {
        LosslessPacketEncoder encoder = new LosslessPacketEncoder(new Configuration(), new JacksonJsonSupport());
        Queue<Packet> queue = ticks(LIMIT + 1, EngineIOVersion.V4);
        ByteBuf out = Unpooled.buffer();
        encoder.encodePackets(queue, out, UnpooledByteBufAllocator.DEFAULT, LIMIT);
        assertEquals(upTo(LIMIT), ticksIn(out));
        assertEquals(1, queue.size());
        assertEquals(List.of(LIMIT), queue.peek().getData());
    }
}
