package io.github.socketiojwt;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ready-made room permissions and their composition. */
class RoomPermissionTest {

    private static final JwtPrincipal ALICE = new JwtPrincipal("/", "t", Map.of("sub", "alice", "role", "user",
            "channels", List.of("news", "sport"), "team", "blue"), null);

    @Test
    void listedInAllowsTheRoomsAClaimListsAsAnArrayOrOneValue() {
        assertTrue(RoomPermission.listedIn("channels").allows(ALICE, "news"));
        assertFalse(RoomPermission.listedIn("channels").allows(ALICE, "music"));
        assertTrue(RoomPermission.listedIn("team").allows(ALICE, "blue"));
        assertFalse(RoomPermission.listedIn("missing").allows(ALICE, "news"));
    }

    @Test
    void afterStripsAPrefixAndRefusesRoomsWithoutIt() {
        RoomPermission channels = RoomPermission.listedIn("channels").after("chan:");
        assertTrue(channels.allows(ALICE, "chan:news"));
        assertFalse(channels.allows(ALICE, "chan:music"));
        assertFalse(channels.allows(ALICE, "news"));
    }

    @Test
    void composes() {
        RoomPermission admin = RoomPermission.claimEquals("role", "admin");
        RoomPermission listed = RoomPermission.listedIn("channels");
        assertTrue(admin.or(listed).allows(ALICE, "news"));
        assertFalse(admin.and(listed).allows(ALICE, "news"));
        assertTrue(admin.negate().allows(ALICE, "x"));
        assertTrue(RoomPermission.always().allows(ALICE, "x"));
        assertFalse(RoomPermission.never().allows(ALICE, "x"));
    }
}
