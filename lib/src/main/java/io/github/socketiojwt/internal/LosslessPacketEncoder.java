package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.JsonSupport;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Queue;

/**
 * netty-socketio's packet encoder for the sessions of one Engine.IO version, without its long-polling packet loss
 * and without its shared broadcast packets.
 *
 * <p><b>One version.</b> netty-socketio 2.0.14 hands every recipient of a broadcast the same {@link Packet} and sets
 * the packet's Engine.IO version to each recipient's in turn before the (asynchronous) encoding, so a session is
 * framed for whichever version the packet last held: a v4 polling client gets v3 length headers, a v3 one gets v4
 * text. Encoding also writes into the packet (a binary event becomes {@code BINARY_EVENT} with attachments), so the
 * second recipient of a shared binary event gets a packet without its arguments. This encoder never reads the
 * packet's version and never writes into the packet: it encodes the recipient's own copy ({@link #copyOf}), for the
 * version it was made for, which the caller takes from the recipient session.
 *
 * <p><b>One polling response.</b> netty-socketio writes at most 50 packets per polling response, but takes the 51st
 * out of the session's queue before it checks the limit, and drops it: whenever more than 50 packets wait for a poll
 * (a burst of broadcasts, say), one of them never reaches the client. This encoder leaves the packets past the limit
 * queued for the next poll.
 *
 * <p><b>Framing</b> of a polling response, per version: Engine.IO v4 text records joined by the record separator
 * 0x1e, an attachment as a {@code b} record of its Base64; Engine.IO v3 binary records ({@code 0} or {@code 1}, the
 * length in decimal digits, {@code 0xff}) one after another, an attachment as a binary record of message type
 * {@code 4}; v3 text records ({@code b64=1}, JSONP) as {@link #encodeJsonP} says. netty-socketio writes v3
 * attachment records to v4 clients too, and puts 0x1e between v3 binary records, which the v3 parser takes for the
 * start of a binary record: a client that reads binary payloads (a browser's socket.io-client 2) loses every packet
 * after the first of a response. The encoding of each packet is netty-socketio's.
 */
final class LosslessPacketEncoder extends PacketEncoder {

    private static final byte RECORD_SEPARATOR = 0x1e;
    private static final byte[] BASE64_RECORD = {'b'};
    private static final byte V3_BINARY_RECORD = 1;
    private static final byte V3_LENGTH_END = (byte) 0xff;
    private static final byte V3_MESSAGE = 4;
    private static final byte TEXT_LENGTH_END = ':';
    private static final byte[] V3_BASE64_RECORD = {'b', '4'};
    private static final byte[] JSONP_HEAD = "___eio[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] JSONP_START = "]('".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] JSONP_END = "');".getBytes(StandardCharsets.US_ASCII);

    private final EngineIOVersion version;

    /**
     * Creates the encoder of one Engine.IO version's sessions.
     *
     * @param configuration the server's configuration
     * @param jsonSupport the server's JSON support
     * @param version the version of every session this encoder writes to
     */
    LosslessPacketEncoder(Configuration configuration, JsonSupport jsonSupport, EngineIOVersion version) {
        super(configuration, jsonSupport);
        this.version = Objects.requireNonNull(version, "version");
    }

    private boolean v4() {
        return version == EngineIOVersion.V4;
    }

    /**
     * The recipient's own copy of a packet that other sessions may be encoding at the same time.
     *
     * @param shared a packet from a session's queue, left untouched
     * @return a new packet with the same content and this encoder's version
     */
    Packet copyOf(Packet shared) {
        Packet own = new Packet(shared.getType(), version);
        own.setSubType(shared.getSubType());
        own.setAckId(shared.getAckId());
        own.setName(shared.getName());
        own.setNsp(shared.getNsp());
        own.setData(shared.getData());
        own.setDataSource(shared.getDataSource());
        List<ByteBuf> attachments = shared.getAttachments();
        if (!attachments.isEmpty()) {
            own.initAttachments(attachments.size());
            // Writing an attachment moves its reader index: each recipient reads its own view.
            attachments.forEach(attachment -> own.addAttachment(attachment.duplicate()));
        }
        return own;
    }

    /**
     * The payload of the websocket binary frame that carries one attachment: the bytes as they are for Engine.IO v4,
     * after the message type {@code 4} for v3.
     *
     * @param attachment an attachment of an encoded packet
     * @param allocator the channel's allocator
     * @return a new buffer
     */
    ByteBuf binaryMessage(ByteBuf attachment, ByteBufAllocator allocator) {
        ByteBuf frame = allocateBuffer(allocator);
        if (!v4()) {
            frame.writeByte(V3_MESSAGE);
        }
        frame.writeBytes(attachment, attachment.readerIndex(), attachment.readableBytes());
        return frame;
    }

    @Override
    public void encodePackets(Queue<Packet> packets, ByteBuf buffer, ByteBufAllocator allocator, int limit)
            throws IOException {
        for (int written = 0; written < limit; written++) {
            Packet shared = packets.poll();
            if (shared == null) {
                return;
            }
            Packet packet = copyOf(shared);
            if (v4() && written > 0) {
                buffer.writeByte(RECORD_SEPARATOR);
            }
            encodePacket(packet, buffer, allocator, false);
            for (ByteBuf attachment : packet.getAttachments()) {
                writeAttachmentRecord(attachment, buffer);
            }
        }
    }

    private void writeAttachmentRecord(ByteBuf attachment, ByteBuf buffer) {
        if (v4()) {
            byte[] base64 = Base64.getEncoder().encode(ByteBufUtil.getBytes(attachment));
            buffer.writeByte(RECORD_SEPARATOR);
            buffer.writeBytes(BASE64_RECORD);
            buffer.writeBytes(base64);
        } else {
            buffer.writeByte(V3_BINARY_RECORD);
            buffer.writeBytes(longToBytes(attachment.readableBytes() + 1L));
            buffer.writeByte(V3_LENGTH_END);
            buffer.writeByte(V3_MESSAGE);
            buffer.writeBytes(attachment, attachment.readerIndex(), attachment.readableBytes());
        }
    }

    /**
     * Encodes a polling response in Engine.IO v3's text framing ({@code b64=1}, or JSONP with {@code j}):
     * {@code <length>:<packet>} records (the length in UTF-16 code units), an attachment as a {@code b4} record of
     * its Base64, the text as UTF-8. As netty-socketio does, except that the Base64 is the standard alphabet that
     * the v3 parser reads, non-ASCII text arrives intact, and no buffer is left unreleased.
     */
    @Override
    public void encodeJsonP(Integer jsonpIndex, Queue<Packet> packets, ByteBuf out, ByteBufAllocator allocator,
            int limit) throws IOException {
        boolean jsonp = jsonpIndex != null;
        ByteBuf records = allocateBuffer(allocator);
        try {
            for (int written = 0; written < limit; written++) {
                Packet shared = packets.poll();
                if (shared == null) {
                    break;
                }
                Packet packet = copyOf(shared);
                ByteBuf encoded = allocateBuffer(allocator);
                try {
                    encodePacket(packet, encoded, allocator, true);
                    // the v3 client counts the packet's length in UTF-16 code units of the text it decoded
                    records.writeBytes(toChars(encoded.toString(StandardCharsets.UTF_8).length()));
                    records.writeByte(TEXT_LENGTH_END);
                    records.writeBytes(encoded);
                } finally {
                    encoded.release();
                }
                for (ByteBuf attachment : packet.getAttachments()) {
                    byte[] base64 = Base64.getEncoder().encode(ByteBufUtil.getBytes(attachment));
                    records.writeBytes(toChars(V3_BASE64_RECORD.length + base64.length));
                    records.writeByte(TEXT_LENGTH_END);
                    records.writeBytes(V3_BASE64_RECORD);
                    records.writeBytes(base64);
                }
            }
            if (jsonp) {
                out.writeBytes(JSONP_HEAD);
                out.writeBytes(toChars(jsonpIndex));
                out.writeBytes(JSONP_START);
            }
            writeText(records, out, jsonp);
            if (jsonp) {
                out.writeBytes(JSONP_END);
            }
        } finally {
            records.release();
        }
    }

    /**
     * The records as the UTF-8 text they are (in JSONP, with {@code \\} and {@code '} escaped). netty-socketio
     * writes each byte past ASCII as a character of its own, which the v3 client does not undo: an {@code é}
     * reached it as {@code Ã©}.
     */
    private static void writeText(ByteBuf in, ByteBuf out, boolean jsonp) {
        while (in.isReadable()) {
            int value = in.readByte() & 0xFF;
            if (jsonp && (value == '\\' || value == '\'')) {
                out.writeByte('\\');
            }
            out.writeByte(value);
        }
    }
}
