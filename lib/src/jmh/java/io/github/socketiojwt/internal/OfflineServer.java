package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.HandshakeData;
import com.corundumstudio.socketio.SocketIOChannelInitializer;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.AuthorizeHandler;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.handler.ClientsBox;
import com.corundumstudio.socketio.messages.PacketsMessage;
import com.corundumstudio.socketio.namespace.NamespacesHub;
import com.corundumstudio.socketio.scheduler.CancelableScheduler;
import com.corundumstudio.socketio.scheduler.SchedulerKey;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpHeaders;

import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A netty-socketio server whose handlers are built exactly as {@code server.start()} builds them, but with no port
 * bound and no channel: sessions are made as netty-socketio's {@code AuthorizeHandler} makes them, and inbound
 * messages go straight to the server's packet handler ({@code InPacketHandler}, or the library's guard when the
 * library is installed), as netty-socketio's transports hand them over. What a channel would send is queued on
 * the session and never written.
 */
final class OfflineServer implements AutoCloseable {

    private final SocketIOChannelInitializer initializer;
    private final Configuration configuration;
    private final ChannelInboundHandler packetHandler;
    private final Guard guard;

    private OfflineServer(boolean stubbedTimer, Consumer<SocketIOServer> setUp) {
        Configuration config = new Configuration();
        // No pong ever comes: keep netty-socketio's ping time-out from closing the session during a long run.
        config.setPingInterval(3_600_000);
        config.setPingTimeout(3_600_000);
        SocketIOServer server = new SocketIOServer(config);
        setUp.accept(server);
        this.initializer = field(SocketIOServer.class, server, "pipelineFactory");
        this.configuration = field(SocketIOServer.class, server, "configCopy");
        NamespacesHub hub = field(SocketIOServer.class, server, "namespacesHub");
        if (stubbedTimer) {
            CancelableScheduler timer = field(SocketIOChannelInitializer.class, initializer, "scheduler");
            timer.shutdown();
            setField(SocketIOChannelInitializer.class, initializer, "scheduler", new StubbedScheduler());
        }
        initializer.start(configuration, hub); // what SocketIOServer.startAsync does before binding
        if (initializer instanceof GuardInitializer) {
            this.packetHandler = field(GuardInitializer.class, initializer, "packetHandler");
            this.guard = field(GuardInitializer.class, initializer, "guard");
        } else {
            this.packetHandler = field(SocketIOChannelInitializer.class, initializer, "packetHandler");
            this.guard = null;
        }
    }

    /**
     * Builds a server's handlers without binding a port.
     *
     * @param stubbedTimer whether netty-socketio's timer (ping time-outs, ack time-outs…) is replaced by one that
     *        does nothing
     * @param setUp adds listeners, and installs the library or not
     * @return the server
     */
    static OfflineServer start(boolean stubbedTimer, Consumer<SocketIOServer> setUp) {
        return new OfflineServer(stubbedTimer, setUp);
    }

    /**
     * Opens an Engine.IO v4 WebSocket session, as netty-socketio's handshake and the transport's binding do, with
     * the library's look at the new session in between when it is installed.
     *
     * @return the session
     */
    ClientHead openSession() {
        Map<String, List<String>> params = Map.of("EIO", List.of("4"), "transport", List.of("websocket"));
        HandshakeData handshake = new HandshakeData(new DefaultHttpHeaders(), params,
                new InetSocketAddress("127.0.0.1", 50000), new InetSocketAddress("127.0.0.1", 9092),
                "/socket.io/?EIO=4&transport=websocket", false);
        ClientsBox clientsBox = field(SocketIOChannelInitializer.class, initializer, "clientsBox");
        ClientHead head = new ClientHead(UUID.randomUUID(),
                field(SocketIOChannelInitializer.class, initializer, "ackManager"), initializer,
                configuration.getStoreFactory(), handshake, clientsBox, Transport.WEBSOCKET,
                field(SocketIOChannelInitializer.class, initializer, "scheduler"), configuration, params);
        clientsBox.addClient(head);
        head.schedulePing();
        head.schedulePingTimeout();
        if (guard != null) {
            guard.onHandshake(head);
        }
        AuthorizeHandler authorizeHandler = field(SocketIOChannelInitializer.class, initializer, "authorizeHandler");
        authorizeHandler.connect(head); // the WebSocket transport binds
        return head;
    }

    /**
     * Hands one inbound WebSocket message to the packet handler, as netty-socketio's WebSocket transport does.
     *
     * @param head the session
     * @param frame the message, one or more encoded packets
     */
    void receive(ClientHead head, byte[] frame) {
        try {
            packetHandler.channelRead(null, new PacketsMessage(head, Unpooled.wrappedBuffer(frame),
                    Transport.WEBSOCKET));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    void receive(ClientHead head, String frame) {
        receive(head, frame.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        initializer.stop();
    }

    private static void setField(Class<?> owner, Object target, String name, Object value) {
        try {
            Field field = owner.getDeclaredField(name);
            field.setAccessible(true);
            field.set(target, value);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot set " + owner.getSimpleName() + "." + name
                    + " (expected: netty-socketio 2.0.14)", e);
        }
    }

    /** A netty-socketio timer that schedules nothing: nothing is ever due in these benchmarks. */
    private static final class StubbedScheduler implements CancelableScheduler {

        @Override
        public void update(ChannelHandlerContext ctx) {
        }

        @Override
        public void cancel(SchedulerKey key) {
        }

        @Override
        public void scheduleCallback(SchedulerKey key, Runnable runnable, long delay, TimeUnit unit) {
        }

        @Override
        public void schedule(Runnable runnable, long delay, TimeUnit unit) {
        }

        @Override
        public void schedule(SchedulerKey key, Runnable runnable, long delay, TimeUnit unit) {
        }

        @Override
        public void shutdown() {
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T field(Class<?> owner, Object target, String name) {
        try {
            Field field = owner.getDeclaredField(name);
            field.setAccessible(true);
            return (T) field.get(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + owner.getSimpleName() + "." + name
                    + " (expected: netty-socketio 2.0.14)", e);
        }
    }
}
