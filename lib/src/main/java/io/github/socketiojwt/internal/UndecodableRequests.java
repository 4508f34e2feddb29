package io.github.socketiojwt.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpContentException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Answers every HTTP request that Netty could not decode, which netty-socketio would otherwise leave unanswered
 * (the client waits for its own timeout) or, worse, serve without the part that did not fit.
 *
 * <p>Netty's {@code HttpRequestDecoder} does not fail a request it cannot read: it hands it on with a failed
 * {@link DecoderResult} and discards everything the connection sends after it. netty-socketio never looks at that
 * result. A handshake whose {@code Authorization} header is over the header limit is served as a handshake with no
 * such header, and the next request on that connection is never answered. This handler, right after the HTTP codec,
 * answers such a request instead, and closes the connection:
 * <ul>
 *     <li>{@code 431} when the headers are over the limit ({@link TooLongHttpHeaderException});</li>
 *     <li>{@code 414} when the request line is ({@link TooLongHttpLineException}, a long {@code ?token=});</li>
 *     <li>{@code 413} when the body is over netty-socketio's {@code maxHttpContentLength} (the {@link Aggregator}
 *     turns it into a failed request, since the stock aggregator's own {@code 413} never reaches the encoder);</li>
 *     <li>{@code 400} for anything else Netty could not decode.</li>
 * </ul>
 * The answer has no body and echoes nothing from the request; only the status and the cause's class name are
 * logged, at DEBUG. After the answer the connection stops sending and goes on reading (and discarding) for up to
 * {@link #LINGER}, so that the client, still writing its oversized request, reads the answer rather than a reset.
 */
@ChannelHandler.Sharable
final class UndecodableRequests extends ChannelInboundHandlerAdapter {

    /** How long an answered connection goes on reading what the client still sends before it is closed. */
    static final Duration LINGER = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(UndecodableRequests.class);
    private static final AttributeKey<Boolean> ANSWERED =
            AttributeKey.valueOf(UndecodableRequests.class, "answered");

    private final String context;

    /** For a server on netty-socketio's default path, {@code /socket.io}. */
    UndecodableRequests() {
        this(new com.corundumstudio.socketio.Configuration().getContext());
    }

    /**
     * @param context netty-socketio's path ({@code Configuration.getContext()}): requests for other paths are the
     *                application's, and reach its handlers failed as they are (the pipeline's end answers {@code 400}
     *                those that no handler takes)
     */
    UndecodableRequests(String context) {
        this.context = context;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (Boolean.TRUE.equals(ctx.channel().attr(ANSWERED).get())) {
            ReferenceCountUtil.release(msg); // the connection is closing: nothing after the answer is served
            return;
        }
        if (msg instanceof HttpObject && ((HttpObject) msg).decoderResult().isFailure()) {
            Throwable cause = ((HttpObject) msg).decoderResult().cause();
            if (msg instanceof FullHttpRequest && !(cause instanceof TooLongHttpLineException)
                    && !((FullHttpRequest) msg).uri().startsWith(context)) {
                ctx.fireChannelRead(msg); // the application's own path (a too-long line has lost its path)
                return;
            }
            ReferenceCountUtil.release(msg);
            answer(ctx, statusFor(cause), cause);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * The status that answers a request Netty could not decode.
     *
     * @param cause why it could not
     * @return 431, 414, 413 or 400
     */
    static HttpResponseStatus statusFor(Throwable cause) {
        if (cause instanceof TooLongHttpHeaderException) {
            return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        if (cause instanceof TooLongHttpLineException) {
            return HttpResponseStatus.REQUEST_URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpContentException) {
            return HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
        }
        return HttpResponseStatus.BAD_REQUEST;
    }

    private static void answer(ChannelHandlerContext ctx, HttpResponseStatus status, Throwable cause) {
        ctx.channel().attr(ANSWERED).set(Boolean.TRUE);
        log.debug("Answered an HTTP request that could not be decoded with {} ({})", status.code(),
                cause == null ? "no cause" : cause.getClass().getSimpleName());
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        // From here the response passes the HTTP compressor (which saw the request) and the encoder.
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) UndecodableRequests::linger);
    }

    /** Ends an answered connection: stops sending at once, stops reading when the client is done or after LINGER. */
    private static void linger(ChannelFuture written) {
        Channel channel = written.channel();
        if (!written.isSuccess() || !(channel instanceof DuplexChannel) || !channel.isActive()) {
            channel.close();
            return;
        }
        ((DuplexChannel) channel).shutdownOutput();
        ScheduledFuture<?> timer = channel.eventLoop().schedule(() -> {
            channel.close();
        }, LINGER.toMillis(), TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(closed -> timer.cancel(false));
    }

    /**
     * Puts the library's {@link Aggregator}, with the same content limit, in place of netty-socketio's.
     *
     * @param pipeline a pipeline with netty-socketio's aggregator under {@code name}
     * @param name the aggregator's pipeline name
     */
    static void replaceAggregator(ChannelPipeline pipeline, String name) {
        HttpObjectAggregator stock = (HttpObjectAggregator) pipeline.get(name);
        pipeline.replace(name, name, new Aggregator(stock.maxContentLength()));
    }

    /**
     * netty-socketio's aggregator (no {@code 100 Continue}), except that a body over the limit is handed on as a
     * failed request for {@link UndecodableRequests} to answer. The stock aggregator writes its {@code 413} from its
     * own place in the pipeline, before the HTTP encoder, so the write fails and the connection closes unanswered.
     */
    static final class Aggregator extends HttpObjectAggregator {

        Aggregator(int maxContentLength) {
            super(maxContentLength);
        }

        @Override
        protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
            return null;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            String uri = oversized instanceof HttpRequest ? ((HttpRequest) oversized).uri() : "/";
            FullHttpRequest failed = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri,
                    Unpooled.EMPTY_BUFFER);
            failed.setDecoderResult(DecoderResult.failure(
                    new TooLongHttpContentException("content over " + maxContentLength() + " bytes")));
            ctx.fireChannelRead(failed);
        }
    }
}
