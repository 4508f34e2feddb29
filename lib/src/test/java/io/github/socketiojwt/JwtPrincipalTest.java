package io.github.socketiojwt;

import com.corundumstudio.socketio.SocketIOClient;
import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** Proves that a principal survives a serializing client store, is immutable, and never prints its token. */
class JwtPrincipalTest {

    private static final String TOKEN = TestTokens.token("alice");

    private static Map<String, Object> claims() {
        Map<String, Object> address = new LinkedHashMap<>();
        address.put("city", "Lyon");
        address.put("zip", null);
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", "alice");
        claims.put("exp", 1_893_456_000L);
        claims.put("score", 4.5);
        claims.put("admin", Boolean.TRUE);
        claims.put("roles", new ArrayList<>(Arrays.asList("a", "b")));
        claims.put("address", address);
        claims.put("nothing", null);
        return claims;
    }

    @Test
    void roundTripsThroughObjectStreamsWithClaimsTokenAndUser() throws IOException, ClassNotFoundException {
        JwtPrincipal original = new JwtPrincipal("/chat", TOKEN, claims(), new ArrayList<>(List.of("user-42")));

        JwtPrincipal copy = roundTrip(original);

        assertNotSame(original, copy);
        assertEquals("/chat", copy.namespace());
        assertEquals(TOKEN, copy.token());
        assertEquals(claims(), copy.claims());
        assertEquals(List.of("sub", "exp", "score", "admin", "roles", "address", "nothing"),
                new ArrayList<>(copy.claims().keySet()), "claim order is kept");
        assertEquals(Long.class, copy.claims().get("exp").getClass());
        assertEquals(Double.class, copy.claims().get("score").getClass());
        assertEquals(List.of("user-42"), copy.<ArrayList<String>>user());
        assertEquals("alice", copy.subject());
    }

    @Test
    void roundTripsWithoutUser() throws IOException, ClassNotFoundException {
        JwtPrincipal copy = roundTrip(new JwtPrincipal("/", TOKEN, Map.of("sub", "bob"), null));

        assertNull(copy.user());
        assertEquals("bob", copy.subject());
    }

    @Test
    void toStringShowsNamespaceAndSubjectButNeverTheToken() {
        JwtPrincipal principal = new JwtPrincipal("/chat", TOKEN, claims(), "user");

        String text = principal.toString();

        assertEquals("JwtPrincipal{namespace=/chat, subject=alice}", text);
        for (String part : TOKEN.split("\\.")) {
            assertFalse(text.contains(part), text);
        }
    }

    @Test
    void copiesClaimsSoLaterChangesToTheSourceMapDoNotShow() {
        Map<String, Object> source = new HashMap<>(Map.of("sub", "alice"));
        JwtPrincipal principal = new JwtPrincipal("/", TOKEN, source, null);

        source.put("sub", "mallory");
        source.put("admin", true);

        assertEquals(Map.of("sub", "alice"), principal.claims());
    }

    @Test
    void exposesClaimsReadOnly() {
        JwtPrincipal principal = new JwtPrincipal("/", TOKEN, claims(), null);

        assertThrows(UnsupportedOperationException.class, () -> principal.claims().put("admin", true));
        assertThrows(UnsupportedOperationException.class, () -> principal.claims().remove("sub"));
    }

    @Test
    void hasNoSubjectWhenSubIsMissingOrNotAString() {
        assertNull(new JwtPrincipal("/", TOKEN, Map.of(), null).subject());
        assertNull(new JwtPrincipal("/", TOKEN, Map.of("sub", 42L), null).subject());
    }

    @Test
    void withUserMakesACopyAndLeavesTheOriginalUnchanged() {
        JwtPrincipal original = new JwtPrincipal("/chat", TOKEN, claims(), null);

        JwtPrincipal withUser = original.withUser("user-42");

        assertNotSame(original, withUser);
        assertNull(original.user());
        assertEquals("user-42", withUser.<String>user());
        assertEquals(original.claims(), withUser.claims());
        assertEquals(original.token(), withUser.token());
        assertEquals(original.namespace(), withUser.namespace());
    }

    @Test
    void refusesNullNamespaceTokenOrClaims() {
        assertEquals("namespace", assertThrows(NullPointerException.class,
                () -> new JwtPrincipal(null, TOKEN, Map.of(), null)).getMessage());
        assertEquals("token", assertThrows(NullPointerException.class,
                () -> new JwtPrincipal("/", null, Map.of(), null)).getMessage());
        assertEquals("claims", assertThrows(NullPointerException.class,
                () -> new JwtPrincipal("/", TOKEN, null, null)).getMessage());
    }

    @Test
    void findsThePrincipalInTheClientStore() {
        JwtPrincipal principal = new JwtPrincipal("/", TOKEN, Map.of("sub", "alice"), null);
        SocketIOClient client = mock(SocketIOClient.class);
        when(client.get(JwtPrincipal.STORE_KEY)).thenReturn(principal);

        Optional<JwtPrincipal> found = JwtPrincipal.of(client);

        assertTrue(found.isPresent());
        assertSame(principal, found.get());
    }

    @Test
    void findsNothingWhenTheStoreHoldsNothingOrSomethingElse() {
        SocketIOClient empty = mock(SocketIOClient.class);
        SocketIOClient spoofed = mock(SocketIOClient.class);
        when(spoofed.get(JwtPrincipal.STORE_KEY)).thenReturn(Map.of("sub", "admin"));

        assertEquals(Optional.empty(), JwtPrincipal.of(empty));
        assertEquals(Optional.empty(), JwtPrincipal.of(spoofed));
    }

    private static JwtPrincipal roundTrip(JwtPrincipal principal) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(principal);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (JwtPrincipal) in.readObject();
        }
    }

    @Test
    void readsOneClaimAndClaimsThatMayBeOneValueOrAnArray() {
        JwtPrincipal principal = new JwtPrincipal("/", TOKEN, Map.of("sub", "a", "channels", List.of("x", "y"),
                "role", "admin"), null);
        assertEquals("admin", principal.claim("role"));
        assertEquals(null, principal.claim("missing"));
        assertEquals(List.of("x", "y"), principal.claimValues("channels"));
        assertEquals(List.of("admin"), principal.claimValues("role"));
        assertEquals(List.of(), principal.claimValues("missing"));
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
                () -> principal.claimValues("channels").add("z"));
    }
}
