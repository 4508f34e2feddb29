package io.github.socketiojwt;

import io.github.socketiojwt.testing.JavaClient;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The entry point: authorizers, and the principal of public and authenticated sockets. */
class SocketIoJwtTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void authorizeKeepsTheOptions() {
        JwtAuthOptions options = JwtAuthOptions.handshake().secret(TestTokens.SECRET).build();
        assertEquals(options, SocketIoJwt.authorize(options).options());
    }

    @Test
    void principalIsEmptyOnAPublicNamespaceAndPresentOnAProtectedOne() {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (TestServer server = TestServer.start(s -> {
            SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET).build()).install(s, "/admin_hs");
            s.addConnectListener(c -> seen.add("/ " + SocketIoJwt.principal(c).isPresent()));
            s.getNamespace("/admin_hs").addConnectListener(c -> seen.add("/admin_hs "
                    + SocketIoJwt.principal(c).map(JwtPrincipal::subject).orElse("none")));
        });
             JavaClient open = JavaClient.connect(server.url(), "/", null, null, null)) {
            open.awaitOrFail("hi", WAIT);
            try (JavaClient admin = JavaClient.connect(server.url(), "/admin_hs",
                    Map.of("token", TestTokens.token("dora")), null, null)) {
                admin.awaitOrFail("hi", WAIT);
            }
        }
        // Every v4 client is implicitly on the public "/" too: it has no principal there.
        assertEquals(List.of("/admin_hs dora"), seen.stream().filter(e -> !e.equals("/ false")).toList());
        assertEquals(true, seen.contains("/ false"));
    }
}
