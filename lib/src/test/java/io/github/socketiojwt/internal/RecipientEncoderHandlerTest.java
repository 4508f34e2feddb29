package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.HandshakeData;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.handler.EncoderHandler;
import com.corundumstudio.socketio.messages.OutPacketMessage;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.JacksonJsonSupport;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketEncoder;
import com.corundumstudio.socketio.protocol.PacketType;
import com.corundumstudio.socketio.store.MemoryStoreFactory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves that a websocket or polling session gets a shared broadcast packet framed for the session's own Engine.IO
 * version, with its binary attachments, whatever version the packet last held; where netty-socketio's handler loses
 * the arguments of a shared binary event after its first recipient, and puts the v3 message type in front of the
 * bytes of a v4 binary frame.
 */
class RecipientEncoderHandlerTest {

    private static final byte[] BYTES = {1, 2, (byte) 0xff};
    private static final String BINARY_EVENT = "451-[\"bcast\",{\"_placeholder\":true,\"num\":0}]";

    private static ClientHead session(EngineIOVersion version, Transport transport) {
        HandshakeData handshake = new HandshakeData(new DefaultHttpHeaders(), Map.of(),
                new InetSocketAddress("127.0.0.1", 0), "/socket.io/", false);
        return new ClientHead(UUID.randomUUID(), null, null, new MemoryStoreFactory(), handshake, null, transport,
                null, new Configuration(), Map.of("EIO", List.of(version.getValue())));
    }

    /** A broadcast's packet as netty-socketio's {@code SingleRoomBroadcastOperations.sendEvent} makes it. */
    private static Packet broadcast(Object... args) {
        Packet packet = new Packet(PacketType.MESSAGE, EngineIOVersion.UNKNOWN);
        packet.setSubType(PacketType.EVENT);
        packet.setName("bcast");
        packet.setData(List.of(args));
        return packet;
    }

    /** Queues one packet for each session as {@code SingleRoomBroadcastOperations.send} does, in this order. */
    private static void queue(Packet shared, Transport transport, ClientHead... sessions) {
        for (ClientHead session : sessions) {
            shared.setEngineIOVersion(session.getEngineIOVersion());
            session.getPacketsQueue(transport).add(shared);
        }
    }

    private static RecipientEncoderHandler library(Configuration configuration) {
        try {
            return new RecipientEncoderHandler(configuration, new JacksonJsonSupport());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static EncoderHandler upstream() throws IOException {
        Configuration configuration = new Configuration();
        return new EncoderHandler(configuration, new PacketEncoder(configuration, new JacksonJsonSupport()));
    }

    /** What one write of a session's queue puts on the wire: text frames as text, binary ones as "b" + hex. */
    private static List<String> websocketFrames(ChannelHandler handler, ClientHead session) {
        EmbeddedChannel channel = new EmbeddedChannel(handler);
        channel.writeOutbound(new OutPacketMessage(session, Transport.WEBSOCKET));
        List<String> frames = new ArrayList<>();
        for (Object frame = channel.readOutbound(); frame != null; frame = channel.readOutbound()) {
            try {
                ByteBuf content = ((WebSocketFrame) frame).content();
                frames.add(frame instanceof BinaryWebSocketFrame ? "b" + ByteBufUtil.hexDump(content)
                        : content.toString(StandardCharsets.UTF_8));
            } finally {
                ReferenceCountUtil.release(frame);
            }
        }
        channel.finishAndReleaseAll();
        return frames;
    }

    /** The body of the polling response that one write of a session's queue makes, in hex. */
    private static String pollingBody(ChannelHandler handler, ClientHead session) {
        EmbeddedChannel channel = new EmbeddedChannel(handler);
        channel.writeOutbound(new OutPacketMessage(session, Transport.POLLING));
        StringBuilder body = new StringBuilder();
        for (Object message = channel.readOutbound(); message != null; message = channel.readOutbound()) {
            try {
                if (message instanceof HttpContent) {
                    body.append(ByteBufUtil.hexDump(((HttpContent) message).content()));
                }
            } finally {
                ReferenceCountUtil.release(message);
            }
        }
        channel.finishAndReleaseAll();
        return body.toString();
    }

    private static String hex(String text) {
        return HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void nettySocketioLosesASharedBinaryEventsArgumentsOnWebsocketAndPrefixesV4Bytes() throws IOException {
        // Characterizes the upstream bugs; if an upgrade fixes them, this test says so.
        ClientHead v4 = session(EngineIOVersion.V4, Transport.WEBSOCKET);
        ClientHead v3 = session(EngineIOVersion.V3, Transport.WEBSOCKET);
        queue(broadcast((Object) BYTES), Transport.WEBSOCKET, v4, v3);
        EncoderHandler upstream = upstream();
        assertEquals(List.of(BINARY_EVENT, "b04" + HexFormat.of().formatHex(BYTES)), websocketFrames(upstream, v4));
        assertEquals("451-", websocketFrames(upstream, v3).get(0));
    }

    @Test
    void everyWebsocketRecipientOfASharedBinaryEventGetsItWholeInItsOwnVersionsFraming() {
        ClientHead v4 = session(EngineIOVersion.V4, Transport.WEBSOCKET);
        ClientHead v3 = session(EngineIOVersion.V3, Transport.WEBSOCKET);
        ClientHead secondV4 = session(EngineIOVersion.V4, Transport.WEBSOCKET);
        queue(broadcast((Object) BYTES), Transport.WEBSOCKET, v4, v3, secondV4);
        RecipientEncoderHandler handler = library(new Configuration());
        String bytes = HexFormat.of().formatHex(BYTES);
        assertEquals(List.of(BINARY_EVENT, "b" + bytes), websocketFrames(handler, v4));
        assertEquals(List.of(BINARY_EVENT, "b04" + bytes), websocketFrames(handler, v3));
        assertEquals(List.of(BINARY_EVENT, "b" + bytes), websocketFrames(handler, secondV4));
    }

    @Test
    void everyPollingRecipientOfASharedBroadcastGetsItsOwnVersionsFraming() throws IOException {
        ClientHead v4 = session(EngineIOVersion.V4, Transport.POLLING);
        ClientHead v3 = session(EngineIOVersion.V3, Transport.POLLING);
        String event = "42[\"bcast\",\"news\"]";
        queue(broadcast("news"), Transport.POLLING, v4, v3);
        assertTrue(pollingBody(upstream(), v4).startsWith("00"), "netty-socketio: v3 framing for the v4 session");

        ClientHead v4Again = session(EngineIOVersion.V4, Transport.POLLING);
        ClientHead v3Again = session(EngineIOVersion.V3, Transport.POLLING);
        queue(broadcast("news"), Transport.POLLING, v4Again, v3Again);
        RecipientEncoderHandler handler = library(new Configuration());
        assertEquals(hex(event), pollingBody(handler, v4Again));
        assertEquals("00" + "0108" + "ff" + hex(event), pollingBody(handler, v3Again));
    }

    @Test
    void aTextMessageLongerThanTheFramePayloadLimitIsSplitIntoContinuationFrames() {
        Configuration configuration = new Configuration();
        configuration.setMaxFramePayloadLength(10_000);
        ClientHead v4 = session(EngineIOVersion.V4, Transport.WEBSOCKET);
        String text = "x".repeat(20_000);
        queue(broadcast(text), Transport.WEBSOCKET, v4);
        EmbeddedChannel channel = new EmbeddedChannel(library(configuration));
        ChannelFuture write = channel.writeOneOutbound(new OutPacketMessage(v4, Transport.WEBSOCKET));
        channel.flushOutbound();
        StringBuilder message = new StringBuilder();
        List<String> frames = new ArrayList<>();
        for (Object frame = channel.readOutbound(); frame != null; frame = channel.readOutbound()) {
            WebSocketFrame f = (WebSocketFrame) frame;
            frames.add(f.getClass().getSimpleName() + " " + f.content().readableBytes() + " " + f.isFinalFragment());
            message.append(f.content().toString(StandardCharsets.UTF_8));
            f.release();
        }
        assertEquals("42[\"bcast\",\"" + text + "\"]", message.toString());
        int total = message.length();
        assertEquals(List.of(TextWebSocketFrame.class.getSimpleName() + " 8192 false",
                ContinuationWebSocketFrame.class.getSimpleName() + " 8192 false",
                ContinuationWebSocketFrame.class.getSimpleName() + " " + (total - 2 * 8192) + " true"), frames);
        assertTrue(write.isSuccess(), "the write completes once every frame is written");
        channel.finishAndReleaseAll();
    }
}
