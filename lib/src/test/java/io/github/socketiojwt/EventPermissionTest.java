package io.github.socketiojwt;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ready-made event permissions and their composition. */
class EventPermissionTest {

    private static final JwtPrincipal ALICE = new JwtPrincipal("/", "t", Map.of("sub", "alice", "role", "user",
            "channels", List.of("news"), "level", 3L), null);

    @Test
    void claimEqualsMatchesOneValueOrAListedOne() {
        assertTrue(EventPermission.claimEquals("role", "user").allows(ALICE, List.of()));
        assertFalse(EventPermission.claimEquals("role", "admin").allows(ALICE, List.of()));
        assertTrue(EventPermission.claimEquals("channels", "news").allows(ALICE, List.of()));
        assertTrue(EventPermission.claimEquals("level", 3L).allows(ALICE, List.of()));
        assertFalse(EventPermission.claimEquals("missing", "x").allows(ALICE, List.of()));
    }

    @Test
    void argumentListedInReadsTheFirstArgumentOrOneOfItsFields() {
        EventPermission field = EventPermission.argumentListedIn("channels", "channel");
        assertTrue(field.allows(ALICE, List.of(Map.of("channel", "news"))));
        assertFalse(field.allows(ALICE, List.of(Map.of("channel", "sport"))));
        assertFalse(field.allows(ALICE, List.of(Map.of("channel", List.of("news")))), "only a string names");
        assertFalse(field.allows(ALICE, List.of("news")), "the field is missing");
        assertFalse(field.allows(ALICE, List.of()));
        EventPermission itself = EventPermission.argumentListedIn("channels", null);
        assertTrue(itself.allows(ALICE, List.of("news", "ignored")));
        assertFalse(itself.allows(ALICE, List.of(42L)));
    }

    @Test
    void composes() {
        EventPermission user = EventPermission.claimEquals("role", "user");
        EventPermission admin = EventPermission.claimEquals("role", "admin");
        assertTrue(user.or(admin).allows(ALICE, List.of()));
        assertFalse(user.and(admin).allows(ALICE, List.of()));
        assertTrue(admin.negate().allows(ALICE, List.of()));
        assertTrue(EventPermission.always().allows(ALICE, List.of()));
        assertFalse(EventPermission.never().allows(ALICE, List.of()));
    }
}
