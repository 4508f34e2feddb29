package io.github.socketiojwt;

import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The revocation check's adapters. */
class RevocationCheckTest {

    private static final JwtPrincipal ALICE = new JwtPrincipal("/", TestTokens.token("alice"),
            Map.of("sub", "alice"), null);

    @Test
    void noneNeverRevokes() {
        assertEquals(false, RevocationCheck.NONE.isRevoked(ALICE).toCompletableFuture().join());
    }

    @Test
    void ofAdaptsAPredicate() {
        RevocationCheck check = RevocationCheck.of(p -> "alice".equals(p.subject()));
        assertEquals(true, check.isRevoked(ALICE).toCompletableFuture().join());
    }

    @Test
    void ofRefusesNull() {
        assertThrows(NullPointerException.class, () -> RevocationCheck.of(null));
    }
}
