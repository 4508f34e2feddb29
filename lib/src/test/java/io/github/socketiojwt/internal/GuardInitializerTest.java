package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.SocketIOChannelInitializer;
import io.github.socketiojwt.JwtAuthOptions;
import io.github.socketiojwt.SocketIoJwt;
import io.github.socketiojwt.testing.RawClient;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The initializer's wiring: handler order, random session ids, customizers. */
class GuardInitializerTest {

    @Test
    void replacesThePacketHandlerAndGuardsTheHandshakeInPipelineOrder() {
        List<List<String>> pipelines = new CopyOnWriteArrayList<>();
        try (TestServer server = TestServer.start(s -> {
            SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET).build()).install(s, "/");
            SocketIoJwt.customizePipeline(s, (ChannelPipeline pipeline) -> pipelines.add(pipeline.names()));
        });
             RawClient raw = RawClient.polling(server.url(), 4)) {
            List<String> names = pipelines.get(0);
            int packet = names.indexOf(SocketIOChannelInitializer.PACKET_HANDLER);
            int check = names.indexOf(GuardInitializer.TRANSPORT_CHECK);
            int authorize = names.indexOf(SocketIOChannelInitializer.AUTHORIZE_HANDLER);
            int guard = names.indexOf(GuardInitializer.HANDSHAKE_GUARD);
            int polling = names.indexOf(SocketIOChannelInitializer.XHR_POLLING_TRANSPORT);
            assertTrue(packet >= 0 && packet < check && check < authorize && authorize < guard && guard < polling,
                    names.toString());
            assertEquals(200, raw.handshakeStatus());
        }
    }

    @Test
    void answersUndecodableRequestsRightAfterTheHttpCodecWithTheLibrarysAggregator() {
        List<List<String>> pipelines = new CopyOnWriteArrayList<>();
        List<Class<?>> aggregators = new CopyOnWriteArrayList<>();
        try (TestServer server = TestServer.start(s -> {
            SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET).build()).install(s, "/");
            SocketIoJwt.customizePipeline(s, (ChannelPipeline pipeline) -> {
                pipelines.add(pipeline.names());
                aggregators.add(pipeline.get(SocketIOChannelInitializer.HTTP_AGGREGATOR).getClass());
            });
        });
             RawClient raw = RawClient.polling(server.url(), 4)) {
            List<String> names = pipelines.get(0);
            List<Integer> order = List.of(names.indexOf(SocketIOChannelInitializer.HTTP_REQUEST_DECODER),
                    names.indexOf(SocketIOChannelInitializer.HTTP_AGGREGATOR),
                    names.indexOf(SocketIOChannelInitializer.HTTP_ENCODER),
                    names.indexOf(SocketIOChannelInitializer.HTTP_COMPRESSION),
                    names.indexOf(GuardInitializer.UNDECODABLE_REQUESTS),
                    names.indexOf(SocketIOChannelInitializer.PACKET_HANDLER));
            assertEquals(List.of(0, 1, 2, 3, 4, 5), order.stream().map(i -> i - order.get(0)).toList(),
                    names.toString());
            assertEquals(UndecodableRequests.Aggregator.class, aggregators.get(0));
            assertEquals(200, raw.handshakeStatus());
        }
    }

    @Test
    void forcesRandomSessionIdsSoClientsCannotChooseThem() {
        try (TestServer server = TestServer.start(s -> SocketIoJwt.authorize(JwtAuthOptions.handshake()
                .secret(TestTokens.SECRET).build()).install(s, "/admin"));
             RawClient first = RawClient.polling(server.url(), 4);
             RawClient second = RawClient.polling(server.url(), 4, Map.of(), Map.of("io", first.sid()))) {
            assertNotEquals(first.sid(), second.sid());
        }
    }

    @Test
    void refusesCustomizersAndPoliciesOnceStarted() {
        try (TestServer server = TestServer.start(s -> SocketIoJwt.authorize(JwtAuthOptions.handshake()
                .secret(TestTokens.SECRET).build()).install(s, "/admin"))) {
            assertThrows(IllegalStateException.class, () -> SocketIoJwt.customizePipeline(server.server(),
                    pipeline -> pipeline.addLast(new ChannelHandlerAdapter() { })));
        }
    }

    @Test
    void protectsNothingWithoutAPolicyForRoot() {
        try (TestServer server = TestServer.start(s -> SocketIoJwt.authorize(JwtAuthOptions.handshake()
                .secret(TestTokens.SECRET).build()).install(s, "/admin"));
             RawClient raw = RawClient.websocket(server.url(), 4)) {
            raw.send("40", "42[\"echo\",\"public\"]");
            raw.await(p -> p.contains("public"), Duration.ofSeconds(5))
                    .orElseThrow(() -> new AssertionError(raw.toString()));
        }
    }
}
