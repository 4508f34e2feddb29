package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.AckCallback;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.ack.AckManager;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.protocol.AckArgs;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.Event;
import com.corundumstudio.socketio.protocol.JsonSupport;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.util.CharsetUtil;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Decodes what clients send, one Engine.IO packet at a time, in place of netty-socketio's {@code PacketDecoder}:
 * the framing of each protocol and transport, the Socket.IO header, the JSON body (through the server's own
 * {@link JsonSupport}, so the application's event mappings apply), and binary attachments.
 *
 * <p>netty-socketio's decoder cannot be trusted with hostile input, and it changes binary payloads: it looks for
 * the namespace and ack id by searching the whole packet for {@code '['} and {@code ','} (so a CONNECT payload
 * such as {@code {"token":{"type":"Buffer","data":[1]}}} cannot be decoded, and the client never hears back); it
 * keeps the Engine.IO framing of an attachment in its bytes (the {@code b} of a v4 polling record, the type byte
 * of a v3 binary frame) and hands every attachment to the application as a base64 string; and it allocates for
 * whatever attachment count a client announces. Here, each packet is read by the protocol's grammar
 * ({@code <type>[<attachments>-][<nsp>,][<ack id>][<json>]}), an attachment keeps exactly the bytes the client
 * sent, and it reaches the application as a {@code byte[]} wherever the listener's declared type can hold one
 * ({@link BinaryJson}).
 *
 * <p>A packet that cannot be decoded is reported as a {@link MalformedPacket} carrying what could be read of
 * its header, never its content (it may carry a token). A CONNECT whose payload is not a JSON object is not
 * malformed: its data is {@link #UNREADABLE_PAYLOAD}, so that a protected namespace can refuse it with a code.
 */
final class PacketReader {

    /** The data of a CONNECT packet whose payload is not a JSON object. */
    static final Object UNREADABLE_PAYLOAD = new Object() {
        @Override
        public String toString() {
            return "(unreadable CONNECT payload)";
        }
    };

    /** More attachments than this in one packet is refused (netty-socketio would allocate for any count). */
    static final int MAX_ATTACHMENTS = 256;

    private static final byte RECORD_SEPARATOR = 0x1e;
    private static final byte BINARY_MESSAGE_TYPE = 4;
    private static final int MAX_ACK_ID_DIGITS = 18;

    private final JsonSupport json;
    private final AckManager acks;
    private final BinaryJson binaryJson;

    PacketReader(JsonSupport json, AckManager acks, BinaryJson binaryJson) {
        this.json = json;
        this.acks = acks;
        this.binaryJson = binaryJson;
    }

    /** A packet that could not be decoded: what its header said, as far as it could be read. */
    static final class MalformedPacket extends Exception {
        private static final long serialVersionUID = 1L;

        private final transient PacketType subType;
        private final String namespace;

        MalformedPacket(String reason, PacketType subType, String namespace) {
            super(reason, null, false, false);
            this.subType = subType;
            this.namespace = namespace;
        }

        /** @return the Socket.IO packet type, or {@code null} when not even that could be read */
        PacketType subType() {
            return subType;
        }

        /** @return netty-socketio's namespace name, or {@code null} when it could not be read */
        String namespace() {
            return namespace;
        }
    }

    // ---------------------------------------------------------------- framing

    /**
     * Cuts the next Engine.IO packet off an inbound message: a websocket frame is one packet; a v4 polling
     * payload is record-separated; a v3 polling payload is length-prefixed, as text ({@code <length>:<packet>},
     * the length in UTF-16 code units) or in the binary (XHR2) form.
     *
     * @return the packet's bytes, possibly empty (an empty record)
     */
    ByteBuf nextFrame(ClientHead head, ByteBuf content, Transport transport) throws MalformedPacket {
        if (transport == Transport.WEBSOCKET || !content.isReadable()) {
            return content.readSlice(content.readableBytes());
        }
        if (head.getEngineIOVersion() == EngineIOVersion.V4) {
            int separator = content.bytesBefore(RECORD_SEPARATOR);
            if (separator < 0) {
                return content.readSlice(content.readableBytes());
            }
            ByteBuf frame = content.readSlice(separator);
            content.skipBytes(1);
            return frame;
        }
        byte first = content.getByte(content.readerIndex());
        if (first == 0 || first == 1) {
            return binaryPayloadFrame(content);
        }
        int colon = lengthPrefix(content);
        if (colon < 0) {
            return content.readSlice(content.readableBytes());
        }
        long units = digits(content, content.readerIndex(), colon);
        content.skipBytes(colon + 1);
        return content.readSlice(utf8Length(content, units));
    }

    /** {@code <0|1><length digits as bytes 0-9>0xFF<packet>}: Engine.IO v3's binary payload. */
    private static ByteBuf binaryPayloadFrame(ByteBuf content) throws MalformedPacket {
        content.skipBytes(1);
        long length = 0;
        for (int i = 0; ; i++) {
            if (!content.isReadable() || i > 10) {
                throw new MalformedPacket("bad binary payload length", null, null);
            }
            int b = content.readByte() & 0xff;
            if (b == 0xff) {
                break;
            }
            if (b > 9) {
                throw new MalformedPacket("bad binary payload length", null, null);
            }
            length = length * 10 + b;
        }
        if (length > content.readableBytes()) {
            throw new MalformedPacket("binary payload shorter than its length", null, null);
        }
        return content.readSlice((int) length);
    }

    /** @return the index (relative to the reader index) of the ':' ending a v3 length prefix, or -1 */
    private static int lengthPrefix(ByteBuf content) {
        int limit = Math.min(content.readableBytes(), 11);
        for (int i = 0; i < limit; i++) {
            byte b = content.getByte(content.readerIndex() + i);
            if (b == ':' && i > 0) {
                return i;
            }
            if (b < '0' || b > '9') {
                return -1;
            }
        }
        return -1;
    }

    /** The number of bytes of the next {@code units} UTF-16 code units of UTF-8 text. */
    private static int utf8Length(ByteBuf content, long units) throws MalformedPacket {
        int index = content.readerIndex();
        int end = content.writerIndex();
        long counted = 0;
        while (counted < units) {
            if (index >= end) {
                throw new MalformedPacket("payload shorter than its length", null, null);
            }
            int b = content.getByte(index) & 0xff;
            int width = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
            counted += width == 4 ? 2 : 1;
            index += width;
        }
        return Math.min(index, end) - content.readerIndex();
    }

    // ---------------------------------------------------------------- packets

    /**
     * Decodes one Engine.IO packet.
     *
     * @return the packet, or {@code null} when the frame was an attachment of a packet that awaits more
     * @throws MalformedPacket when it cannot be decoded
     */
    Packet decode(ClientHead head, ByteBuf frame, Transport transport) throws MalformedPacket {
        Packet pending = head.getLastBinaryPacket();
        if (pending != null && pending.hasAttachments() && !pending.isAttachmentsLoaded()) {
            byte[] attachment;
            try {
                attachment = attachmentBytes(head, frame, transport);
            } catch (MalformedPacket e) {
                abandon(head, pending);
                throw new MalformedPacket(e.getMessage(), pending.getSubType(), pending.getNsp());
            }
            if (attachment != null) {
                return attach(head, pending, attachment);
            }
            abandon(head, pending); // a packet where an attachment was due: it is read, the binary one dropped
        }
        if (!frame.isReadable()) {
            throw new MalformedPacket("empty packet", null, null);
        }
        int engineType = frame.readByte() - '0';
        if (engineType < 0 || engineType > 6) {
            throw new MalformedPacket("unknown Engine.IO packet type", null, null);
        }
        Packet packet = new Packet(PacketType.valueOf(engineType), head.getEngineIOVersion());
        if (packet.getType() == PacketType.PING) {
            packet.setData(frame.toString(CharsetUtil.UTF_8));
            return packet;
        }
        if (packet.getType() != PacketType.MESSAGE) {
            return packet; // close, pong, upgrade, noop: whatever follows the type is not read
        }
        if (!frame.isReadable()) {
            throw new MalformedPacket("message without a Socket.IO packet", null, null);
        }
        int subType = frame.readByte() - '0';
        if (subType < 0 || subType > 6) {
            throw new MalformedPacket("unknown Socket.IO packet type", null, null);
        }
        packet.setSubType(PacketType.valueOfInner(subType));
        int attachments = binary(packet) ? attachmentCount(frame, packet) : 0;
        packet.setNsp(namespace(frame, packet));
        Long ackId = ackId(frame, packet);
        if (ackId != null) {
            packet.setAckId(ackId);
        }
        if (attachments > 0) {
            packet.initAttachments(attachments);
            packet.setDataSource(Unpooled.copiedBuffer(frame));
            head.setLastBinaryPacket(packet);
            return null;
        }
        readBody(head, packet, frame, List.of());
        return packet;
    }

    /** Drops a binary packet whose attachments will not come. */
    private static void abandon(ClientHead head, Packet pending) {
        head.setLastBinaryPacket(null);
        pending.getDataSource().release();
    }

    private static boolean binary(Packet packet) {
        return packet.getSubType() == PacketType.BINARY_EVENT || packet.getSubType() == PacketType.BINARY_ACK;
    }

    private static int attachmentCount(ByteBuf frame, Packet packet) throws MalformedPacket {
        int dash = frame.bytesBefore(Math.min(frame.readableBytes(), 4), (byte) '-');
        if (dash <= 0) {
            throw new MalformedPacket("binary packet without an attachment count", packet.getSubType(), null);
        }
        long count = digits(frame, frame.readerIndex(), dash);
        if (count < 0 || count > MAX_ATTACHMENTS) {
            throw new MalformedPacket("bad attachment count", packet.getSubType(), null);
        }
        frame.skipBytes(dash + 1);
        return (int) count;
    }

    /** {@code /nsp,} (v3 clients may add {@code ?query}); none means the default namespace. */
    private static String namespace(ByteBuf frame, Packet packet) throws MalformedPacket {
        if (!frame.isReadable() || frame.getByte(frame.readerIndex()) != '/') {
            return Namespace.DEFAULT_NAME;
        }
        int comma = frame.bytesBefore((byte) ',');
        int length = comma < 0 ? frame.readableBytes() : comma;
        String field = frame.toString(frame.readerIndex(), length, CharsetUtil.UTF_8);
        frame.skipBytes(comma < 0 ? length : length + 1);
        int query = field.indexOf('?');
        String name = query < 0 ? field : field.substring(0, query);
        if (comma < 0 && packet.getSubType() != PacketType.CONNECT && packet.getSubType() != PacketType.DISCONNECT) {
            throw new MalformedPacket("namespace without its comma", packet.getSubType(), null);
        }
        return "/".equals(name) ? Namespace.DEFAULT_NAME : name;
    }

    private static Long ackId(ByteBuf frame, Packet packet) throws MalformedPacket {
        int length = 0;
        while (length < frame.readableBytes()) {
            byte b = frame.getByte(frame.readerIndex() + length);
            if (b < '0' || b > '9') {
                break;
            }
            length++;
        }
        if (length == 0) {
            return null;
        }
        if (length > MAX_ACK_ID_DIGITS) {
            throw new MalformedPacket("ack id too long", packet.getSubType(), packet.getNsp());
        }
        long id = digits(frame, frame.readerIndex(), length);
        frame.skipBytes(length);
        return id;
    }

    private static long digits(ByteBuf buffer, int from, int length) {
        long value = 0;
        for (int i = from; i < from + length; i++) {
            int digit = buffer.getByte(i) - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    private void readBody(ClientHead head, Packet packet, ByteBuf body, List<byte[]> attachments)
            throws MalformedPacket {
        PacketType type = packet.getSubType();
        String nsp = packet.getNsp();
        try {
            switch (type) {
                case CONNECT:
                    if (head.getEngineIOVersion() == EngineIOVersion.V4 && body.isReadable()) {
                        packet.setData(connectPayload(nsp, body));
                    }
                    return;
                case EVENT:
                case BINARY_EVENT:
                    Event event = attachments.isEmpty()
                            ? json.readValue(nsp, new ByteBufInputStream(body), Event.class)
                            : binaryJson.readEvent(nsp, body, attachments);
                    if (event == null || event.getName() == null) {
                        throw new MalformedPacket("event without a name", type, nsp);
                    }
                    packet.setName(event.getName());
                    packet.setData(event.getArgs());
                    return;
                case ACK:
                case BINARY_ACK:
                    if (packet.getAckId() == null) {
                        throw new MalformedPacket("ack without an id", type, nsp);
                    }
                    AckCallback<?> callback = acks.getCallback(head.getSessionId(), packet.getAckId());
                    if (callback != null) {
                        AckArgs args = attachments.isEmpty()
                                ? json.readAckArgs(new ByteBufInputStream(body), callback)
                                : binaryJson.readAckArgs(body, attachments, callback);
                        packet.setData(args.getArgs());
                    }
                    return;
                default:
                    // DISCONNECT carries nothing; ERROR is never sent by clients and is dropped by the guard.
            }
        } catch (IOException | RuntimeException e) {
            throw new MalformedPacket("undecodable " + type + " payload (" + e.getClass().getSimpleName() + ")",
                    type, nsp);
        }
    }

    private Object connectPayload(String nsp, ByteBuf body) {
        try {
            Object payload = json.readValue(nsp, new ByteBufInputStream(body), Map.class);
            return payload == null ? UNREADABLE_PAYLOAD : payload;
        } catch (IOException | RuntimeException e) {
            return UNREADABLE_PAYLOAD;
        }
    }

    /**
     * Adds one attachment to a binary packet; when it was the last, decodes the packet's body with the
     * attachments in place of their placeholders.
     */
    private Packet attach(ClientHead head, Packet packet, byte[] bytes) throws MalformedPacket {
        packet.addAttachment(Unpooled.wrappedBuffer(bytes));
        if (!packet.isAttachmentsLoaded()) {
            return null;
        }
        head.setLastBinaryPacket(null);
        List<byte[]> attachments = new ArrayList<>(packet.getAttachments().size());
        for (ByteBuf attachment : packet.getAttachments()) {
            attachments.add(attachment.array());
        }
        ByteBuf source = packet.getDataSource();
        packet.setDataSource(null);
        try {
            readBody(head, packet, source, attachments);
        } finally {
            source.release();
        }
        return packet;
    }

    /**
     * The bytes the client attached, without their framing: a v4 websocket frame is the bytes; a v4 polling
     * record is {@code b<base64>}; in v3, a binary frame starts with the message type byte (4) and a text one
     * is {@code b4<base64>}.
     *
     * @return the bytes, or {@code null} when the frame is no attachment (a packet where one was due)
     */
    private static byte[] attachmentBytes(ClientHead head, ByteBuf frame, Transport transport)
            throws MalformedPacket {
        boolean v4 = head.getEngineIOVersion() == EngineIOVersion.V4;
        if (v4 && transport == Transport.WEBSOCKET) {
            return bytes(frame, 0);
        }
        if (!frame.isReadable()) {
            return null;
        }
        byte first = frame.getByte(frame.readerIndex());
        if (first == 'b') {
            int skip = v4 ? 1 : 2;
            try {
                return Base64.getDecoder().decode(bytes(frame, Math.min(skip, frame.readableBytes())));
            } catch (IllegalArgumentException e) {
                throw new MalformedPacket("undecodable attachment", null, null);
            }
        }
        if (!v4 && first == BINARY_MESSAGE_TYPE) {
            return bytes(frame, 1);
        }
        return null; // not an attachment
    }

    private static byte[] bytes(ByteBuf frame, int skip) {
        byte[] bytes = new byte[frame.readableBytes() - skip];
        frame.getBytes(frame.readerIndex() + skip, bytes);
        return bytes;
    }
}
