package io.github.socketiojwt.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Before the websocket transport, a request for another path than Socket.IO's is answered, not swallowed. */
class OtherPathsTest {

    private final List<Object> passedOn = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(new OtherPaths("/socket.io"),
            new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    passedOn.add(msg);
                }
            });

    private static FullHttpRequest get(String uri) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    }

    @Test
    void aWebsocketRequestForAnotherPathIsAnswered400AndClosed() {
        for (String uri : List.of("//socket.io/?EIO=4&transport=websocket", "/other?EIO=3&transport=websocket")) {
            EmbeddedChannel one = new EmbeddedChannel(new OtherPaths("/socket.io"));
            FullHttpRequest request = get(uri);
            one.writeInbound(request);
            FullHttpResponse response = one.readOutbound();
            assertEquals(HttpResponseStatus.BAD_REQUEST, response.status(), uri);
            assertEquals(0, request.refCnt(), uri);
            assertFalse(one.isOpen(), uri);
        }
    }

    @Test
    void aRequestForTheSocketIoPathIsPassedOn() {
        channel.writeInbound(get("/socket.io/?EIO=4&transport=websocket&sid=x"));
        assertNull(channel.readOutbound());
        assertEquals(1, passedOn.size());
        assertTrue(channel.isOpen());
        ((FullHttpRequest) passedOn.get(0)).release();
    }
}
