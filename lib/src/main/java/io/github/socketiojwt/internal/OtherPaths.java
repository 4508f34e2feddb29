package io.github.socketiojwt.internal;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;

/**
 * Sits right before netty-socketio's websocket transport, which takes every request with
 * {@code transport=websocket}, whatever its path, and answers none of those for another path than Socket.IO's:
 * such a request, which neither the application's handlers nor the polling transport served, is answered
 * {@code 400} and its connection closed ({@link PipelineEnd#badRequest}).
 */
@ChannelHandler.Sharable
final class OtherPaths extends ChannelInboundHandlerAdapter {

    private final String connectPath;

    /** @param context netty-socketio's path ({@code Configuration.getContext()}) */
    OtherPaths(String context) {
        this.connectPath = context + "/";
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest
                && !new QueryStringDecoder(((FullHttpRequest) msg).uri()).path().equals(connectPath)) {
            ReferenceCountUtil.release(msg);
            PipelineEnd.badRequest(ctx);
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
