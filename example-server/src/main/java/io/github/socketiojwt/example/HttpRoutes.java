package io.github.socketiojwt.example;

import com.google.gson.Gson;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The example's HTTP endpoints on the Socket.IO port: {@code GET /} and the other files of the web client,
 * {@code GET /mode} ({@code {"mode", "leewaySeconds"}}: what the page needs to know of the server),
 * {@code POST /login} and {@code POST /refresh}. Requests under netty-socketio's context path
 * ({@code /socket.io}) go on to netty-socketio untouched; every other request is answered here and released.
 *
 * <p>Every response closes its connection: netty-socketio closes any connection whose first request it did not
 * see after its first-data timeout, which would otherwise cut keep-alive connections mid-request.
 */
@ChannelHandler.Sharable
final class HttpRoutes extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(HttpRoutes.class);
    private static final Gson GSON = new Gson();
    private static final String WEB_ROOT = "web/";
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            ".html", "text/html; charset=utf-8",
            ".js", "text/javascript; charset=utf-8",
            ".css", "text/css; charset=utf-8",
            ".map", "application/json; charset=utf-8",
            ".svg", "image/svg+xml");

    private final String socketIoContext;
    private final String modeJson;
    private final LoginService logins;
    private final ClassLoader resources;

    /**
     * Creates the routes.
     *
     * @param socketIoContext netty-socketio's context path, {@code /socket.io} by default
     * @param mode the authentication mode of namespace {@code /}, as {@code GET /mode} reports it
     * @param leeway the clock skew the server tolerates on {@code exp}, as {@code GET /mode} reports it (whole
     *        seconds), so that the page keeps a token as long as the server accepts it
     * @param logins checks credentials, issues tokens and renews them
     */
    HttpRoutes(String socketIoContext, String mode, Duration leeway, LoginService logins) {
        this.socketIoContext = socketIoContext;
        Map<String, Object> modeAnswer = new LinkedHashMap<>();
        modeAnswer.put("mode", mode);
        modeAnswer.put("leewaySeconds", leeway.getSeconds());
        this.modeJson = GSON.toJson(modeAnswer);
        this.logins = logins;
        this.resources = HttpRoutes.class.getClassLoader();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest)) {
            ctx.fireChannelRead(msg);
            return;
        }
        FullHttpRequest request = (FullHttpRequest) msg;
        String rawPath = rawPath(request.uri());
        if (rawPath.equals(socketIoContext) || rawPath.startsWith(socketIoContext + "/")) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            route(ctx, request, rawPath);
        } finally {
            request.release();
        }
    }

    private void route(ChannelHandlerContext ctx, FullHttpRequest request, String rawPath) {
        if (!request.decoderResult().isSuccess()) {
            // Netty drops what it could not decode, such as headers beyond its 8 KiB limit: answer nothing else.
            sendJson(ctx, HttpResponseStatus.BAD_REQUEST, Map.of("error", "malformed or too large request"), true);
            return;
        }
        String path;
        try {
            path = new QueryStringDecoder(rawPath).path();
        } catch (IllegalArgumentException e) {
            sendJson(ctx, HttpResponseStatus.BAD_REQUEST, Map.of("error", "malformed path"), false);
            return;
        }
        HttpMethod method = request.method();
        switch (path) {
            case "/mode":
                if (requireMethod(ctx, method, HttpMethod.GET)) {
                    send(ctx, HttpResponseStatus.OK, "application/json; charset=utf-8",
                            modeJson.getBytes(StandardCharsets.UTF_8), false);
                }
                break;
            case "/login":
                if (requireMethod(ctx, method, HttpMethod.POST)) {
                    login(ctx, request);
                }
                break;
            case "/refresh":
                if (requireMethod(ctx, method, HttpMethod.POST)) {
                    refresh(ctx, request);
                }
                break;
            default:
                if (requireMethod(ctx, method, HttpMethod.GET)) {
                    serveFile(ctx, path);
                }
        }
    }

    private void login(ChannelHandlerContext ctx, FullHttpRequest request) {
        CharSequence mime = HttpUtil.getMimeType(request);
        String type = mime == null ? "application/json" : mime.toString().toLowerCase(Locale.ROOT);
        String body = request.content().toString(StandardCharsets.UTF_8);
        Credentials credentials;
        try {
            if (type.equals("application/x-www-form-urlencoded")) {
                credentials = Credentials.fromForm(body);
            } else if (type.equals("application/json")) {
                credentials = Credentials.fromJson(body);
            } else {
                sendJson(ctx, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, Map.of("error",
                        "expected application/json or application/x-www-form-urlencoded"), true);
                return;
            }
        } catch (IllegalArgumentException e) {
            sendJson(ctx, HttpResponseStatus.BAD_REQUEST, Map.of("error", e.getMessage()), true);
            return;
        }
        logins.login(credentials.username(), credentials.password()).whenComplete((token, error) -> {
            if (error != null) {
                LOG.warn("Login refused: too many logins in progress");
                sendJson(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, Map.of("error", "busy, try again"), true);
            } else if (token.isPresent()) {
                LOG.info("{} logged in over HTTP from {}", credentials.username(), ctx.channel().remoteAddress());
                sendJson(ctx, HttpResponseStatus.OK, Map.of("token", token.get()), true);
            } else {
                LOG.info("Failed HTTP login from {}", ctx.channel().remoteAddress());
                sendJson(ctx, HttpResponseStatus.UNAUTHORIZED, Map.of("error", "invalid credentials"), true);
            }
        });
    }

    /**
     * {@code POST /refresh} with {@code Authorization: Bearer <token>}: 200 {@code {"token"}}, a fresh token for the
     * same subject, or 401 {@code {"error"}} with a {@code WWW-Authenticate} challenge (RFC 6750 §3). The body, if
     * any, is ignored; neither the answer nor the log ever contains the token.
     */
    private void refresh(ChannelHandlerContext ctx, FullHttpRequest request) {
        Optional<BearerToken> token;
        try {
            token = BearerToken.from(request.headers());
        } catch (IllegalArgumentException e) {
            refuseRenewal(ctx, e.getMessage(), "Bearer error=\"invalid_request\"");
            return;
        }
        if (token.isEmpty()) {
            refuseRenewal(ctx, "no token provided", "Bearer");
            return;
        }
        LoginService.Renewal renewal = logins.renew(token.get().value());
        if (renewal.renewed()) {
            LOG.info("{} renewed a token over HTTP from {}", renewal.subject(), ctx.channel().remoteAddress());
            sendJson(ctx, HttpResponseStatus.OK, Map.of("token", renewal.token()), true);
        } else {
            refuseRenewal(ctx, renewal.error(), "Bearer error=\"invalid_token\"");
        }
    }

    private static void refuseRenewal(ChannelHandlerContext ctx, String error, String challenge) {
        LOG.info("Refused a token renewal from {}: {}", ctx.channel().remoteAddress(), error);
        FullHttpResponse response = response(HttpResponseStatus.UNAUTHORIZED, "application/json; charset=utf-8",
                GSON.toJson(Map.of("error", error)).getBytes(StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set(HttpHeaderNames.WWW_AUTHENTICATE, challenge);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private void serveFile(ChannelHandlerContext ctx, String path) {
        String name = path.equals("/") ? "index.html" : path.substring(Math.min(1, path.length()));
        String type = contentType(name);
        if (type == null || !path.startsWith("/") || name.startsWith("/") || name.contains("..") || name.contains("\\")
                || name.indexOf('\0') >= 0) {
            notFound(ctx);
            return;
        }
        byte[] content;
        try (InputStream in = resources.getResourceAsStream(WEB_ROOT + name)) {
            if (in == null) {
                notFound(ctx);
                return;
            }
            content = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        FullHttpResponse response = response(HttpResponseStatus.OK, type, content);
        if (name.endsWith(".html")) {
            response.headers().set("Content-Security-Policy", "default-src 'self'");
        }
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? null : CONTENT_TYPES.get(name.substring(dot).toLowerCase(Locale.ROOT));
    }

    private static boolean requireMethod(ChannelHandlerContext ctx, HttpMethod actual, HttpMethod expected) {
        if (actual.equals(expected)) {
            return true;
        }
        FullHttpResponse response = response(HttpResponseStatus.METHOD_NOT_ALLOWED, "application/json; charset=utf-8",
                GSON.toJson(Map.of("error", "method not allowed")).getBytes(StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.ALLOW, expected.name());
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        return false;
    }

    private static void notFound(ChannelHandlerContext ctx) {
        sendJson(ctx, HttpResponseStatus.NOT_FOUND, Map.of("error", "not found"), false);
    }

    private static void sendJson(ChannelHandlerContext ctx, HttpResponseStatus status, Map<String, String> body,
            boolean noStore) {
        send(ctx, status, "application/json; charset=utf-8", GSON.toJson(body).getBytes(StandardCharsets.UTF_8),
                noStore);
    }

    private static void send(ChannelHandlerContext ctx, HttpResponseStatus status, String type, byte[] content,
            boolean noStore) {
        FullHttpResponse response = response(status, type, content);
        if (noStore) {
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        }
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private static FullHttpResponse response(HttpResponseStatus status, String type, byte[] content) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(content));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, type)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set("X-Content-Type-Options", "nosniff");
        return response;
    }

    /** The path of a request URI, still percent-encoded: everything before {@code ?} or {@code #}. */
    private static String rawPath(String uri) {
        int end = uri.length();
        int query = uri.indexOf('?');
        if (query >= 0) {
            end = query;
        }
        int fragment = uri.indexOf('#');
        if (fragment >= 0 && fragment < end) {
            end = fragment;
        }
        return uri.substring(0, end);
    }
}
