package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.EncoderHandler;
import com.corundumstudio.socketio.messages.HttpErrorMessage;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Answers handshakes with a missing or unknown {@code transport} before netty-socketio does: netty-socketio logs
 * such requests at ERROR with their whole URL, {@code ?token=} included, and any client can trigger it. The
 * answer is netty-socketio's own ({@code 400 {"code":0,"message":"Transport unknown"}}), without the log line.
 */
@ChannelHandler.Sharable
final class TransportCheck extends ChannelInboundHandlerAdapter {

    private final String connectPath;
    private final Configuration configuration;

    TransportCheck(Configuration configuration) {
        this.configuration = configuration;
        this.connectPath = configuration.getContext() + "/";
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof FullHttpRequest) {
            FullHttpRequest request = (FullHttpRequest) msg;
            QueryStringDecoder query = new QueryStringDecoder(request.uri());
            Map<String, List<String>> params = query.parameters();
            if (query.path().equals(connectPath) && !params.containsKey("sid") && !knownTransport(params)) {
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("code", 0);
                error.put("message", "Transport unknown");
                ctx.channel().attr(EncoderHandler.ORIGIN).set(request.headers().get(HttpHeaderNames.ORIGIN));
                request.release();
                ctx.channel().writeAndFlush(new HttpErrorMessage(error));
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private boolean knownTransport(Map<String, List<String>> params) {
        List<String> values = params.get("transport");
        if (values == null || values.isEmpty()) {
            return false;
        }
        for (Transport transport : configuration.getTransports()) {
            if (transport.name().equals(values.get(0).toUpperCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }
}
