package io.github.socketiojwt;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which rules match a name, and how their permissions combine. */
class AccessRulesTest {

    private static final JwtPrincipal USER = principal(Map.of("sub", "alice", "role", "user",
            "channels", List.of("news", "sport")));
    private static final JwtPrincipal ADMIN = principal(Map.of("sub", "root", "role", List.of("admin", "user")));

    private static JwtPrincipal principal(Map<String, Object> claims) {
        return new JwtPrincipal("/", "t", claims, null);
    }

    @Test
    void allowsEverythingWithoutRules() {
        assertTrue(AccessRules.NONE.allowsEvent(USER, "anything", List.of()));
        assertTrue(AccessRules.NONE.allowsRoom(USER, "anywhere"));
        assertFalse(AccessRules.NONE.hasEventRules());
        assertFalse(AccessRules.NONE.hasRoomRules());
    }

    @Test
    void matchesEventsExactlyByPrefixAndByWholePattern() {
        AccessRules rules = AccessRules.builder()
                .event("publish", EventPermission.never())
                .eventsStartingWith("admin:", EventPermission.never())
                .eventsMatching(Pattern.compile("secret\\d+"), EventPermission.never())
                .build();
        assertFalse(rules.allowsEvent(USER, "publish", List.of()));
        assertTrue(rules.allowsEvent(USER, "publisher", List.of()), "exact means exact");
        assertFalse(rules.allowsEvent(USER, "admin:stats", List.of()));
        assertTrue(rules.allowsEvent(USER, "admin", List.of()));
        assertFalse(rules.allowsEvent(USER, "secret42", List.of()));
        assertTrue(rules.allowsEvent(USER, "secret42x", List.of()), "the pattern matches the whole name");
    }

    @Test
    void everyMatchingRuleMustAllow() {
        AccessRules rules = AccessRules.builder()
                .eventsStartingWith("admin:", EventPermission.claimEquals("role", "admin"))
                .event("admin:shutdown", EventPermission.claimEquals("sub", "root"))
                .build();
        assertTrue(rules.allowsEvent(ADMIN, "admin:shutdown", List.of()));
        assertFalse(rules.allowsEvent(principal(Map.of("sub", "bob", "role", "admin")), "admin:shutdown",
                List.of()), "the narrower rule applies too");
        assertFalse(rules.allowsEvent(principal(Map.of("sub", "root")), "admin:shutdown", List.of()));
    }

    @Test
    void denyUnlistedTurnsTheRulesIntoAnAllowList() {
        AccessRules events = AccessRules.builder().event("chat", EventPermission.always()).denyUnlistedEvents()
                .build();
        assertTrue(events.allowsEvent(USER, "chat", List.of()));
        assertFalse(events.allowsEvent(USER, "other", List.of()));
        AccessRules rooms = AccessRules.builder().room("lobby", RoomPermission.always()).denyUnlistedRooms().build();
        assertTrue(rooms.allowsRoom(USER, "lobby"));
        assertFalse(rooms.allowsRoom(USER, "other"));
        assertTrue(AccessRules.builder().denyUnlistedEvents().build().hasEventRules());
    }

    @Test
    void roomRulesMatchLikeEventRules() {
        AccessRules rules = AccessRules.builder()
                .room("adminChannel", RoomPermission.claimEquals("role", "admin"))
                .roomsStartingWith("chan:", RoomPermission.listedIn("channels").after("chan:"))
                .roomsMatching(Pattern.compile("user:.*"), (p, room) -> room.equals("user:" + p.subject()))
                .build();
        assertTrue(rules.allowsRoom(ADMIN, "adminChannel"));
        assertFalse(rules.allowsRoom(USER, "adminChannel"));
        assertTrue(rules.allowsRoom(USER, "chan:news"));
        assertFalse(rules.allowsRoom(USER, "chan:music"));
        assertFalse(rules.allowsRoom(ADMIN, "chan:news"));
        assertTrue(rules.allowsRoom(USER, "user:alice"));
        assertFalse(rules.allowsRoom(USER, "user:root"));
        assertTrue(rules.allowsRoom(USER, "unguarded"));
    }

    @Test
    void includeComposesRuleSets() {
        AccessRules shared = AccessRules.builder().eventsStartingWith("admin:", EventPermission.claimEquals("role",
                "admin")).denyUnlistedRooms().build();
        AccessRules own = AccessRules.builder().include(shared).event("chat", EventPermission.always())
                .room("lobby", RoomPermission.always()).build();
        assertFalse(own.allowsEvent(USER, "admin:x", List.of()));
        assertTrue(own.allowsEvent(ADMIN, "admin:x", List.of()));
        assertTrue(own.allowsRoom(USER, "lobby"));
        assertFalse(own.allowsRoom(USER, "other"));
    }

    @Test
    void decidesTheSameForNamesBeyondTheMatchCache() {
        AccessRules rules = AccessRules.builder().eventsStartingWith("x", EventPermission.never()).build();
        for (int i = 0; i < 10_000; i++) {
            assertFalse(rules.allowsEvent(USER, "x" + i, List.of()));
            assertTrue(rules.allowsEvent(USER, "y" + i, List.of()));
        }
    }

    @Test
    void refusesEmptyNamesAndNullPermissions() {
        assertThrows(IllegalArgumentException.class, () -> AccessRules.builder().event("", EventPermission.always()));
        assertThrows(IllegalArgumentException.class, () -> AccessRules.builder().roomsStartingWith(null,
                RoomPermission.always()));
        assertThrows(NullPointerException.class, () -> AccessRules.builder().event("a", null));
        assertThrows(NullPointerException.class, () -> AccessRules.builder().roomsMatching(null,
                RoomPermission.always()));
    }

    @Test
    void theBuilderDoesNotChangeBuiltRules() {
        AccessRules.Builder builder = AccessRules.builder().event("a", EventPermission.always());
        AccessRules built = builder.build();
        builder.event("a", EventPermission.never());
        assertTrue(built.allowsEvent(USER, "a", List.of()));
        assertFalse(builder.build().allowsEvent(USER, "a", List.of()));
    }

    @Test
    void aHundredRulesStillDecideByEveryMatchingOne() {
        AccessRules.Builder builder = AccessRules.builder();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            builder.event("event" + i, EventPermission.claimEquals("role", "user"));
            names.add("event" + i);
        }
        builder.eventsStartingWith("event9", EventPermission.claimEquals("role", "admin"));
        AccessRules rules = builder.build();
        assertTrue(rules.allowsEvent(USER, "event1", List.of()));
        assertFalse(rules.allowsEvent(USER, "event99", List.of()));
        assertEquals(100, names.size());
    }
}
