package io.github.socketiojwt.internal;

import io.github.socketiojwt.JwtAuthOptions;
import io.github.socketiojwt.SocketIoJwt;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Handshakes with a missing or unknown transport get netty-socketio's own answer, from the library. */
class TransportCheckTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(s -> SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET)
                .build()).install(s, "/"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String query) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + "/socket.io/?" + query)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersAnUnknownTransportWith400TransportUnknown() throws Exception {
        HttpResponse<String> response = get("EIO=4&transport=carrier-pigeon&token=x");
        assertEquals(400, response.statusCode());
        assertEquals("{\"code\":0,\"message\":\"Transport unknown\"}", response.body());
    }

    @Test
    void answersAMissingTransportWith400TransportUnknown() throws Exception {
        HttpResponse<String> response = get("EIO=4&token=x");
        assertEquals(400, response.statusCode());
        assertEquals("{\"code\":0,\"message\":\"Transport unknown\"}", response.body());
    }

    @Test
    void answersAPollOfAnUnknownSessionWith500() throws Exception {
        HttpResponse<String> response = get("EIO=4&transport=polling&sid=" + java.util.UUID.randomUUID());
        assertEquals(500, response.statusCode());
    }

    @Test
    void letsKnownTransportsThrough() throws Exception {
        HttpResponse<String> response = get("EIO=4&transport=polling");
        assertEquals(200, response.statusCode());
        assertEquals('0', response.body().charAt(0), response.body());
    }
}
