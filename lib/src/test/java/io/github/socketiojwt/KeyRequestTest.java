package io.github.socketiojwt;

import com.corundumstudio.socketio.HandshakeData;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Proves what a key resolver is given: handshake, namespace, read-only header and unverified claims. */
class KeyRequestTest {

    private static final HandshakeData HANDSHAKE = new HandshakeData(new DefaultHttpHeaders(),
            Map.of("tenant", List.of("acme")), new InetSocketAddress("127.0.0.1", 40123), "/socket.io/?EIO=4",
            false);

    @Test
    void exposesHandshakeNamespaceHeaderAndClaims() {
        KeyRequest request = new KeyRequest(HANDSHAKE, "/admin", Map.of("alg", "RS256", "kid", "2024-01"),
                Map.of("sub", "alice", "tid", "acme"));

        assertSame(HANDSHAKE, request.handshake());
        assertEquals("/admin", request.namespace());
        assertEquals(Map.of("alg", "RS256", "kid", "2024-01"), request.header());
        assertEquals(Map.of("sub", "alice", "tid", "acme"), request.unverifiedClaims());
        assertEquals("acme", request.handshake().getSingleUrlParam("tenant"));
    }

    @Test
    void keyIdIsTheKidHeaderWhenItIsAString() {
        assertEquals("../../dev/null", new KeyRequest(HANDSHAKE, "/", Map.of("kid", "../../dev/null"), Map.of())
                .keyId());
    }

    @Test
    void keyIdIsNullWhenKidIsMissingOrNotAString() {
        Map<String, Object> nullKid = new HashMap<>();
        nullKid.put("kid", null);

        assertNull(new KeyRequest(HANDSHAKE, "/", Map.of("alg", "HS256"), Map.of()).keyId());
        assertNull(new KeyRequest(HANDSHAKE, "/", Map.of("kid", 42L), Map.of()).keyId());
        assertNull(new KeyRequest(HANDSHAKE, "/", Map.of("kid", List.of("a")), Map.of()).keyId());
        assertNull(new KeyRequest(HANDSHAKE, "/", nullKid, Map.of()).keyId());
    }

    @Test
    void exposesHeaderAndClaimsReadOnly() {
        KeyRequest request = new KeyRequest(HANDSHAKE, "/", new HashMap<>(Map.of("alg", "HS256")),
                new HashMap<>(Map.of("sub", "alice")));

        assertThrows(UnsupportedOperationException.class, () -> request.header().put("alg", "none"));
        assertThrows(UnsupportedOperationException.class, () -> request.unverifiedClaims().put("sub", "admin"));
    }

    @Test
    void acceptsAMissingHandshake() {
        assertNull(new KeyRequest(null, "/", Map.of(), Map.of()).handshake());
    }

    @Test
    void refusesNullNamespaceHeaderOrClaims() {
        assertEquals("namespace", assertThrows(NullPointerException.class,
                () -> new KeyRequest(HANDSHAKE, null, Map.of(), Map.of())).getMessage());
        assertEquals("header", assertThrows(NullPointerException.class,
                () -> new KeyRequest(HANDSHAKE, "/", null, Map.of())).getMessage());
        assertEquals("claims", assertThrows(NullPointerException.class,
                () -> new KeyRequest(HANDSHAKE, "/", Map.of(), null)).getMessage());
    }
}
