package io.github.socketiojwt.internal;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The end of a protected server's pipeline answers what nothing served, and closes on what nothing took. */
class PipelineEndTest {

    @Test
    void aRequestNothingServedIsAnswered400AndItsConnectionClosed() {
        EmbeddedChannel channel = new EmbeddedChannel(new PipelineEnd());
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                "/socket.iox/?token=secret");
        channel.writeInbound(request);
        FullHttpResponse response = channel.readOutbound();
        assertEquals(HttpResponseStatus.BAD_REQUEST, response.status());
        assertEquals(0, response.content().readableBytes());
        assertEquals(0, request.refCnt());
        assertFalse(channel.isOpen());
    }

    @Test
    void anExceptionNoHandlerTookClosesTheConnection() {
        EmbeddedChannel channel = new EmbeddedChannel(new PipelineEnd());
        channel.pipeline().fireExceptionCaught(new TooLongFrameException("content length exceeded"));
        assertFalse(channel.isOpen());
        channel.checkException(); // nothing reached the pipeline's tail
    }
}
