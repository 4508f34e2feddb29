package io.github.socketiojwt.testing;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIONamespace;
import com.corundumstudio.socketio.SocketIOServer;
import io.github.socketiojwt.SocketIoJwt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * A real netty-socketio server on a free port of 127.0.0.1, laid out as socketio-jwt's test fixture: namespaces
 * {@code /}, {@code /admin}, {@code /admin_hs} and {@code /chat}, each with an {@code echo} event answered by
 * {@code echo-response}, a {@code whoami} event answered through its ack with the socket's claims, and a
 * connect listener that joins room {@code lobby} and sends {@code hi}. Every listener call is recorded, so tests
 * can assert that nothing unauthenticated reached the application.
 */
public final class TestServer implements AutoCloseable {

    public static final List<String> NAMESPACES = List.of("/", "/admin", "/admin_hs", "/chat");

    private final SocketIOServer server;
    private final int port;
    private final ConcurrentLinkedQueue<String> appCalls = new ConcurrentLinkedQueue<>();

    private TestServer(Consumer<Configuration> configure, Consumer<SocketIOServer> install) {
        this.port = freePort();
        Configuration config = new Configuration();
        config.setHostname("127.0.0.1");
        config.setPort(port);
        configure.accept(config);
        server = new SocketIOServer(config);
        for (String name : NAMESPACES) {
            SocketIONamespace ns = "/".equals(name) ? server.getNamespace("") : server.addNamespace(name);
            ns.addConnectListener(client -> {
                appCalls.add("connect " + name + " " + client.getSessionId());
                client.joinRoom("lobby");
                client.sendEvent("hi", name);
            });
            ns.addDisconnectListener(client -> appCalls.add("disconnect " + name + " " + client.getSessionId()));
            ns.addEventListener("echo", Object.class, (client, data, ack) -> {
                appCalls.add("event " + name + " echo " + client.getSessionId());
                client.sendEvent("echo-response", data);
                if (ack.isAckRequested()) {
                    ack.sendAckData(data);
                }
            });
            ns.addEventListener("whoami", Object.class, (client, data, ack) -> {
                appCalls.add("event " + name + " whoami " + client.getSessionId());
                ack.sendAckData(SocketIoJwt.principal(client).map(p -> (Object) p.claims()).orElse(Map.of()));
            });
        }
        install.accept(server);
        server.start();
    }

    /** Starts a server with the default configuration. */
    public static TestServer start(Consumer<SocketIOServer> install) {
        return new TestServer(c -> { }, install);
    }

    /** Starts a server with a configuration tweak. */
    public static TestServer start(Consumer<Configuration> configure, Consumer<SocketIOServer> install) {
        return new TestServer(configure, install);
    }

    public SocketIOServer server() {
        return server;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Every application listener call so far, as {@code "connect /admin <sid>"}, {@code "event / echo <sid>"}. */
    public List<String> appCalls() {
        return new ArrayList<>(appCalls);
    }

    /** Application listener calls whose text starts with a prefix, for example {@code "event /admin echo"}. */
    public List<String> appCalls(String prefix) {
        List<String> result = new ArrayList<>();
        for (String call : appCalls) {
            if (call.startsWith(prefix)) {
                result.add(call);
            }
        }
        return result;
    }

    /** Stops the server in the background: netty's graceful shutdown takes seconds, and ports are never reused. */
    @Override
    public void close() {
        Thread stopper = new Thread(server::stop, "test-server-stop-" + port);
        stopper.setDaemon(true);
        stopper.start();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
