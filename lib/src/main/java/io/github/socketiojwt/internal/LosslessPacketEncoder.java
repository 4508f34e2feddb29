package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.protocol.JsonSupport;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.io.IOException;
import java.util.AbstractQueue;
import java.util.Iterator;
import java.util.Queue;

/**
 * netty-socketio's packet encoder without its long-polling packet loss.
 *
 * <p>netty-socketio 2.0.14 writes at most 50 packets per polling response, but takes the 51st out of the session's
 * queue before it checks the limit, and drops it: whenever more than 50 packets wait for a poll (a burst of
 * broadcasts, say), one of them never reaches the client; that could be the library's own {@code unauthorized} or
 * {@code authenticated}. This encoder hands the upstream code a view of the queue that runs dry at the limit, so the
 * packets past it stay queued for the next poll. The encoding itself is netty-socketio's.
 */
final class LosslessPacketEncoder extends PacketEncoder {

    LosslessPacketEncoder(Configuration configuration, JsonSupport jsonSupport) {
        super(configuration, jsonSupport);
    }

    @Override
    public void encodePackets(Queue<Packet> packets, ByteBuf buffer, ByteBufAllocator allocator, int limit)
            throws IOException {
        super.encodePackets(new Capped(packets, limit), buffer, allocator, limit);
    }

    @Override
    public void encodeJsonP(Integer jsonpIndex, Queue<Packet> packets, ByteBuf out, ByteBufAllocator allocator,
            int limit) throws IOException {
        super.encodeJsonP(jsonpIndex, new Capped(packets, limit), out, allocator, limit);
    }

    /** A queue whose {@link #poll()} takes at most {@code limit} packets from the session's queue, then none. */
    private static final class Capped extends AbstractQueue<Packet> {

        private final Queue<Packet> packets;
        private int left;

        Capped(Queue<Packet> packets, int limit) {
            this.packets = packets;
            this.left = limit;
        }

        @Override
        public Packet poll() {
            if (left <= 0) {
                return null;
            }
            Packet packet = packets.poll();
            if (packet != null) {
                left--;
            }
            return packet;
        }

        @Override
        public Packet peek() {
            return left <= 0 ? null : packets.peek();
        }

        @Override
        public boolean offer(Packet packet) {
            throw new UnsupportedOperationException("read-only view of a session's queue");
        }

        @Override
        public Iterator<Packet> iterator() {
            throw new UnsupportedOperationException("read-only view of a session's queue");
        }

        @Override
        public int size() {
            return left <= 0 ? 0 : Math.min(left, packets.size());
        }
    }
}
