package io.github.socketiojwt.internal;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a protected server's pipeline, in place of netty-socketio's wrong-URL handler: a request no
 * handler served is answered {@code 400} and its connection closed, as netty-socketio does, but without its WARN
 * line, which prints the query (a {@code ?token=} with it); and an exception that no handler took (a websocket
 * message over {@code maxFramePayloadLength}, say) closes the connection, so the client hears of it at once,
 * instead of reaching Netty's pipeline tail, which logs it and leaves the connection open.
 */
@ChannelHandler.Sharable
final class PipelineEnd extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(PipelineEnd.class);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest) {
            ReferenceCountUtil.release(msg);
            badRequest(ctx);
            log.debug("Answered 400 to a request for a path nothing serves");
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** Answers {@code 400} with nothing in it, and closes the connection. */
    static void badRequest(ChannelHandlerContext ctx) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST);
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("Closed a connection after an error no handler took ({})", cause.getClass().getSimpleName());
        ctx.close();
    }
}
