package io.github.socketiojwt.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpContentException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The handler on netty-socketio's HTTP codec: what it answers, what it passes on, and that it echoes nothing. */
class UndecodableRequestsTest {

    private static final String SECRETISH = "s3cr3t-".repeat(2000); // 14 000 bytes, over the 8 KB header limit

    /** Netty's decoder, the library's aggregator (64 KB, as netty-socketio), the encoder, the handler, the app. */
    private final List<Object> passedOn = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(new HttpRequestDecoder(),
            new UndecodableRequests.Aggregator(64 * 1024), new HttpResponseEncoder(), new UndecodableRequests(),
            new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    passedOn.add(msg);
                }
            });

    private String send(String request) {
        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        StringBuilder answer = new StringBuilder();
        for (Object out; (out = channel.readOutbound()) != null; ) {
            answer.append(((ByteBuf) out).toString(StandardCharsets.ISO_8859_1));
            ReferenceCountUtil.release(out);
        }
        return answer.toString();
    }

    @Test
    void answersHeadersOverTheLimitWith431AndClosesTheConnection() {
        String answer = send("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer "
                + SECRETISH + "\r\n\r\n");
        assertEquals("HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                answer);
        assertFalse(channel.isOpen());
        assertTrue(passedOn.isEmpty(), passedOn.toString());
    }

    @Test
    void answersARequestLineOverTheLimitWith414() {
        String answer = send("GET /socket.io/?EIO=4&transport=polling&token=" + SECRETISH + " HTTP/1.1\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 414 "), answer);
        assertFalse(channel.isOpen());
        assertTrue(passedOn.isEmpty(), passedOn.toString());
    }

    @Test
    void answersABodyOverNettySocketiosLimitWith413() {
        String answer = send("POST /socket.io/?EIO=4&transport=polling&sid=x HTTP/1.1\r\nContent-Length: 70000\r\n\r\n"
                + "a".repeat(70_000));
        assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
        assertFalse(channel.isOpen());
        assertTrue(passedOn.isEmpty(), passedOn.toString());
    }

    @Test
    void answersAChunkedBodyOverTheLimitWith413() {
        String chunk = "a".repeat(40_000);
        String hex = Integer.toHexString(chunk.length());
        String answer = send("POST /socket.io/?EIO=4&transport=polling&sid=x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
                + "\r\n" + hex + "\r\n" + chunk + "\r\n" + hex + "\r\n" + chunk + "\r\n0\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
        assertTrue(passedOn.isEmpty(), passedOn.toString());
    }

    @Test
    void answersAMalformedContentLengthWith400() {
        String answer = send("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nContent-Length: lots\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        assertFalse(channel.isOpen());
        assertTrue(passedOn.isEmpty(), passedOn.toString());
    }

    @Test
    void answersABrokenChunkWith400() {
        String answer = send("POST /socket.io/?EIO=4&transport=polling&sid=x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
                + "\r\nnot-a-chunk-size\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        assertTrue(passedOn.isEmpty(), passedOn.toString());
    }

    @Test
    void echoesNothingFromTheRequest() {
        String answer = send("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nOrigin: https://evil.example\r\n"
                + "Authorization: Bearer " + SECRETISH + "\r\n\r\n");
        assertFalse(answer.contains("s3cr3t"), answer);
        assertFalse(answer.contains("evil"), answer);
        assertFalse(answer.toLowerCase(Locale.ROOT).contains("access-control"), answer);
    }

    @Test
    void logsOnlyTheStatusAndTheCausesClassAtDebug() {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(
                UndecodableRequests.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        Level level = logger.getLevel();
        logger.setLevel(Level.TRACE);
        logger.addAppender(appender);
        try {
            send("GET /socket.io/?EIO=4&transport=polling&token=abc HTTP/1.1\r\nAuthorization: Bearer " + SECRETISH
                    + "\r\n\r\n");
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(level);
        }
        assertEquals(1, appender.list.size(), appender.list.toString());
        ILoggingEvent event = appender.list.get(0);
        assertEquals(Level.DEBUG, event.getLevel());
        assertEquals("Answered an HTTP request that could not be decoded with 431 (TooLongHttpHeaderException)",
                event.getFormattedMessage());
        assertNull(event.getThrowableProxy());
    }

    @Test
    void leavesAnUndecodableRequestForAnotherPathToTheApplication() {
        String answer = send("POST /login HTTP/1.1\r\nX-Padding: " + "x".repeat(9000) + "\r\n\r\n");
        assertEquals("", answer);
        assertEquals(1, passedOn.size(), passedOn.toString());
        FullHttpRequest request = (FullHttpRequest) passedOn.get(0);
        assertTrue(request.decoderResult().isFailure(), "passed on failed, as Netty decoded it");
        request.release();
    }

    @Test
    void passesADecodedRequestOnUntouched() {
        String answer = send("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nAuthorization: Bearer abc\r\n\r\n");
        assertEquals("", answer);
        assertTrue(channel.isOpen());
        assertEquals(1, passedOn.size(), passedOn.toString());
        FullHttpRequest request = (FullHttpRequest) passedOn.get(0);
        assertEquals("Bearer abc", request.headers().get("Authorization"));
        request.release();
    }

    @Test
    void passesNothingOnAfterItAnswered() {
        // The decoder goes on decoding after a body over the limit: the request after it must not be served.
        send("POST /socket.io/?EIO=4&transport=polling&sid=x HTTP/1.1\r\nContent-Length: 70000\r\n\r\n"
                + "a".repeat(70_000) + "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\n\r\n");
        assertTrue(passedOn.isEmpty(), passedOn.toString());
    }

    @Test
    void mapsEachCauseToItsStatus() {
        assertEquals(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                UndecodableRequests.statusFor(new TooLongHttpHeaderException("x")));
        assertEquals(HttpResponseStatus.REQUEST_URI_TOO_LONG,
                UndecodableRequests.statusFor(new TooLongHttpLineException("x")));
        assertEquals(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                UndecodableRequests.statusFor(new TooLongHttpContentException("x")));
        assertEquals(HttpResponseStatus.BAD_REQUEST, UndecodableRequests.statusFor(new DecoderException("x")));
        assertEquals(HttpResponseStatus.BAD_REQUEST, UndecodableRequests.statusFor(null));
    }
}
