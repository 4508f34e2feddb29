package io.github.socketiojwt.example;

import io.github.socketiojwt.AccessRules;
import io.github.socketiojwt.JwtPrincipal;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChannelsTest {

    private static final AccessRules RULES = Channels.rules();
    private static final JwtPrincipal ALICE = principal(Map.of("sub", "alice", "channels", List.of("general",
            "news")));
    private static final JwtPrincipal NOBODY = principal(Map.of("sub", "bob"));

    private static JwtPrincipal principal(Map<String, Object> claims) {
        return new JwtPrincipal("/", "t", claims, null);
    }

    @Test
    void aChannelRoomMayBeJoinedOnlyWhenTheClaimListsIt() {
        assertTrue(RULES.allowsRoom(ALICE, "general"));
        assertTrue(RULES.allowsRoom(ALICE, "news"));
        assertFalse(RULES.allowsRoom(ALICE, "staff"), "not listed");
        assertFalse(RULES.allowsRoom(ALICE, "General"), "names are case-sensitive");
        assertFalse(RULES.allowsRoom(NOBODY, "general"), "no claim, no channel");
    }

    @Test
    void aRoomThatIsNoChannelNameIsNeverAllowedEvenWhenATokenListsIt() {
        JwtPrincipal odd = principal(Map.of("sub", "eve", "channels", List.of("", "a b", "x".repeat(33))));
        for (String room : List.of("", "a b", "x".repeat(33))) {
            assertFalse(RULES.allowsRoom(odd, room), "<" + room + ">");
        }
    }

    @Test
    void chatWithoutARoomIsForEveryoneAndWithARoomOnlyForChannelsTheClaimLists() {
        assertTrue(RULES.allowsEvent(NOBODY, "chat", List.of(Map.of("text", "hi"))), "the chat for everyone");
        assertTrue(RULES.allowsEvent(ALICE, "chat", List.of(Map.of("text", "hi", "room", "news"))));
        assertFalse(RULES.allowsEvent(ALICE, "chat", List.of(Map.of("text", "hi", "room", "staff"))));
        assertFalse(RULES.allowsEvent(NOBODY, "chat", List.of(Map.of("text", "hi", "room", "general"))));
        assertFalse(RULES.allowsEvent(ALICE, "chat", List.of(Map.of("text", "hi", "room", ""))), "an empty room");
        assertFalse(RULES.allowsEvent(ALICE, "chat", List.of(Map.of("text", "hi", "room", 5))), "not a string");
        assertFalse(RULES.allowsEvent(ALICE, "chat", List.of(Map.of("text", "hi", "room", List.of("news")))));
        assertTrue(RULES.allowsEvent(ALICE, "chat", List.of()), "nothing to check: the listener drops it");
        assertTrue(RULES.allowsEvent(ALICE, "chat", List.of("text")), "nothing to check: the listener drops it");
    }

    @Test
    void otherEventsAreNotRestricted() {
        for (String event : List.of("echo", "whoami", "join", "leave")) {
            assertTrue(RULES.allowsEvent(NOBODY, event, List.of(Map.of("room", "staff"))), event);
        }
    }

    @Test
    void parsesListsAndRefusesBadOnes() {
        assertEquals(List.of(), Channels.parseList(""));
        assertEquals(List.of("general", "news"), Channels.parseList("general,news"));
        assertEquals("channel 2 of 2 is not a channel name (expected: 1 to 32 letters, digits, '-' or '_', starting"
                + " with a letter or digit)", assertThrows(IllegalArgumentException.class,
                        () -> Channels.parseList("general,")).getMessage());
        assertEquals("channel 3 of 3 is given twice (expected: each channel once)",
                assertThrows(IllegalArgumentException.class, () -> Channels.parseList("a,b,a")).getMessage());
        assertEquals("17 channels (expected: at most 16)", assertThrows(IllegalArgumentException.class,
                () -> Channels.parseList("a,".repeat(16) + "b")).getMessage());
        assertEquals(16, Channels.parseList(String.join(",", List.of("a", "b", "c", "d", "e", "f", "g", "h", "i",
                "j", "k", "l", "m", "n", "o", "p"))).size());
    }

    @Test
    void readsTheRoomFieldOnlyWhenItIsAString() {
        assertEquals("news", Channels.room(Map.of("room", "news")));
        assertNull(Channels.room(Map.of("room", 1)));
        assertNull(Channels.room(Map.of("text", "x")));
        assertNull(Channels.room("news"));
        assertNull(Channels.room(null));
    }
}
