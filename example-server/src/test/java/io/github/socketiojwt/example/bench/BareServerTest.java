package io.github.socketiojwt.example.bench;

import io.socket.client.IO;
import io.socket.client.Socket;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark's bare server, with the Java Socket.IO client (protocol v4). */
class BareServerTest {

    private static final long WAIT_S = 5;

    @Test
    void echoAnswersEchoResponseWithoutAnyToken() throws Exception {
        try (BareServer server = BareServer.start(BareServer.DEFAULT_HOST, freePort())) {
            Socket socket = IO.socket(URI.create("http://127.0.0.1:" + server.port()),
                    IO.Options.builder().setForceNew(true).setReconnection(false).build());
            try {
                CompletableFuture<Object[]> connected = new CompletableFuture<>();
                CompletableFuture<Object[]> echoed = new CompletableFuture<>();
                socket.once(Socket.EVENT_CONNECT, connected::complete);
                socket.once("echo-response", echoed::complete);
                socket.connect();
                connected.get(WAIT_S, TimeUnit.SECONDS);
                socket.emit("echo", new JSONObject(Map.of("n", 7)));
                assertEquals(7, ((JSONObject) echoed.get(WAIT_S, TimeUnit.SECONDS)[0]).getInt("n"));
            } finally {
                socket.close();
            }
        }
    }

    @Test
    void startFailsWhenThePortIsTaken() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> BareServer.start(BareServer.DEFAULT_HOST, taken.getLocalPort()));
            assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + taken.getLocalPort()),
                    e.getMessage());
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
