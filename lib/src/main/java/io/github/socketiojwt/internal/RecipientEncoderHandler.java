package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.EncoderHandler;
import com.corundumstudio.socketio.messages.OutPacketMessage;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.JsonSupport;
import com.corundumstudio.socketio.protocol.Packet;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.concurrent.PromiseCombiner;

import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Queue;

/**
 * netty-socketio's outbound encoder, writing every session's packets in the framing of that session's own
 * Engine.IO version ({@link com.corundumstudio.socketio.handler.ClientHead#getEngineIOVersion()}), never in the
 * version a shared broadcast packet happens to hold (see {@link LosslessPacketEncoder}).
 *
 * <p>Polling responses, and every other HTTP message, are written by netty-socketio's {@link EncoderHandler}, one
 * per version, each with the {@link LosslessPacketEncoder} of its version. Websocket messages are written here:
 * netty-socketio's handler reads a shared packet's attachments after encoding it, and writes every attachment with the
 * Engine.IO v3 message type in front, which v4 clients take as part of the bytes. Here each packet becomes one text
 * message (split into continuation frames past {@link Configuration#getMaxFramePayloadLength()}, as netty-socketio
 * does), followed by one binary frame per attachment, and the write's promise completes when all of them are
 * written.
 */
@ChannelHandler.Sharable
final class RecipientEncoderHandler extends ChannelOutboundHandlerAdapter {

    private static final int FRAME_BUFFER_SIZE = 8192; // netty-socketio's

    private final Configuration configuration;
    private final Map<EngineIOVersion, LosslessPacketEncoder> encoders = new EnumMap<>(EngineIOVersion.class);
    private final Map<EngineIOVersion, EncoderHandler> httpWriters = new EnumMap<>(EngineIOVersion.class);

    /**
     * Creates the encoder of one server.
     *
     * @param configuration the server's configuration
     * @param jsonSupport the server's JSON support
     * @throws IOException when netty-socketio's handler cannot read its version
     */
    RecipientEncoderHandler(Configuration configuration, JsonSupport jsonSupport) throws IOException {
        this.configuration = configuration;
        for (EngineIOVersion version : EngineIOVersion.values()) {
            LosslessPacketEncoder encoder = new LosslessPacketEncoder(configuration, jsonSupport, version);
            encoders.put(version, encoder);
            httpWriters.put(version, new EncoderHandler(configuration, encoder));
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (!(msg instanceof OutPacketMessage)) {
            // Not a session's packets (a POST's "ok", an error, a frame): netty-socketio's, whatever the version.
            httpWriters.get(EngineIOVersion.V4).write(ctx, msg, promise);
            return;
        }
        OutPacketMessage message = (OutPacketMessage) msg;
        EngineIOVersion version = message.getClientHead().getEngineIOVersion();
        if (message.getTransport() == Transport.WEBSOCKET) {
            writeWebsocket(ctx, message, encoders.get(version), promise);
        } else {
            httpWriters.get(version).write(ctx, msg, promise);
        }
    }

    private void writeWebsocket(ChannelHandlerContext ctx, OutPacketMessage message, LosslessPacketEncoder encoder,
            ChannelPromise promise) throws IOException {
        Channel channel = ctx.channel();
        Queue<Packet> queue = message.getClientHead().getPacketsQueue(Transport.WEBSOCKET);
        PromiseCombiner writes = new PromiseCombiner(ctx.executor());
        for (Packet shared = queue.poll(); shared != null; shared = queue.poll()) {
            Packet packet = encoder.copyOf(shared);
            ByteBuf text = encoder.allocateBuffer(ctx.alloc());
            try {
                encoder.encodePacket(packet, text, ctx.alloc(), true);
            } catch (IOException | RuntimeException e) {
                text.release();
                throw e; // Netty fails the write's promise
            }
            writeText(channel, text, writes);
            for (ByteBuf attachment : packet.getAttachments()) {
                writes.add(channel.write(new BinaryWebSocketFrame(encoder.binaryMessage(attachment, ctx.alloc()))));
            }
            channel.flush();
        }
        writes.finish(promise);
    }

    private void writeText(Channel channel, ByteBuf text, PromiseCombiner writes) {
        if (!text.isReadable()) {
            text.release();
            return;
        }
        if (text.readableBytes() <= configuration.getMaxFramePayloadLength()) {
            writes.add(channel.write(new TextWebSocketFrame(text)));
            return;
        }
        writes.add(channel.write(new TextWebSocketFrame(false, 0, text.readRetainedSlice(FRAME_BUFFER_SIZE))));
        while (text.isReadable()) {
            ByteBuf part = text.readRetainedSlice(Math.min(text.readableBytes(), FRAME_BUFFER_SIZE));
            writes.add(channel.write(new ContinuationWebSocketFrame(!text.isReadable(), 0, part)));
        }
        text.release();
    }
}
