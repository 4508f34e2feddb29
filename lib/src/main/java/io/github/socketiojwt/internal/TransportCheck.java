package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.EncoderHandler;
import com.corundumstudio.socketio.messages.HttpErrorMessage;
import com.corundumstudio.socketio.handler.ClientsBox;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.QueryStringEncoder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Answers two kinds of requests before netty-socketio does, the way it would, but without its ERROR log lines:
 * handshakes with a missing or unknown {@code transport} (netty-socketio logs their whole URL, {@code ?token=}
 * included, and any client can trigger it) get {@code 400 {"code":0,"message":"Transport unknown"}}; polls for a
 * session that no longer exists (every refused polling client sends one) get {@code 500}.
 */
@ChannelHandler.Sharable
final class TransportCheck extends ChannelInboundHandlerAdapter {

    private final String connectPath;
    private final Configuration configuration;
    private final ClientsBox clientsBox;

    TransportCheck(Configuration configuration, ClientsBox clientsBox) {
        this.configuration = configuration;
        this.clientsBox = clientsBox;
        this.connectPath = configuration.getContext() + "/";
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof FullHttpRequest) {
            FullHttpRequest request = (FullHttpRequest) msg;
            QueryStringDecoder query = new QueryStringDecoder(request.uri());
            Map<String, List<String>> params;
            String path;
            try {
                params = query.parameters();
                path = query.path();
            } catch (IllegalArgumentException badEscape) {
                // netty-socketio would throw at every look-up, and Netty log the URL (a token with it) at ERROR
                request.release();
                PipelineEnd.badRequest(ctx);
                return;
            }
            if (path.equals(connectPath) && !params.containsKey("sid") && !knownTransport(params)) {
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("code", 0);
                error.put("message", "Transport unknown");
                ctx.channel().attr(EncoderHandler.ORIGIN).set(request.headers().get(HttpHeaderNames.ORIGIN));
                request.release();
                ctx.channel().writeAndFlush(new HttpErrorMessage(error));
                return;
            }
            if (path.startsWith(configuration.getContext()) && !path.equals(connectPath)) {
                // netty-socketio's transports take any path with the context as a prefix, and answer none of them
                request.release();
                PipelineEnd.badRequest(ctx);
                return;
            }
            if (request.method() == HttpMethod.POST && params.containsKey("b64") && !params.containsKey("j")
                    && path.equals(connectPath)) {
                readBodyAsSent(ctx, request, query);
            }
            if (path.equals(connectPath) && isPollOfUnknownSession(params)) {
                request.release();
                HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.INTERNAL_SERVER_ERROR);
                ctx.channel().writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * netty-socketio URL-decodes the body of every POST of a {@code b64} session, as if it were a JSONP form; an
     * XHR client's body is the payload itself, so a {@code +} in it became a space (and every base64 attachment
     * of a Socket.IO v2 client in Node was corrupted). Without the flag, netty-socketio reads the body as sent;
     * the next request on the channel sets it again for its own response.
     */
    private static void readBodyAsSent(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder query) {
        QueryStringEncoder uri = new QueryStringEncoder(query.rawPath());
        query.parameters().forEach((name, values) -> {
            if (!"b64".equals(name)) {
                values.forEach(value -> uri.addParam(name, value));
            }
        });
        request.setUri(uri.toString());
        ctx.channel().attr(EncoderHandler.B64).set(false);
    }

    private boolean isPollOfUnknownSession(Map<String, List<String>> params) {
        List<String> sid = params.get("sid");
        List<String> transport = params.get("transport");
        if (sid == null || sid.isEmpty() || transport == null || !"polling".equals(transport.get(0))) {
            return false;
        }
        try {
            return clientsBox.get(UUID.fromString(sid.get(0))) == null;
        } catch (IllegalArgumentException notAUuid) {
            return false; // netty-socketio answers that one itself
        }
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
