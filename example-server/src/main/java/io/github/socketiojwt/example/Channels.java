package io.github.socketiojwt.example;

import io.github.socketiojwt.AccessRules;
import io.github.socketiojwt.EventPermission;
import io.github.socketiojwt.RoomPermission;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The example's chat channels. A channel is a Socket.IO room of namespace {@code /} with the same name; the
 * channels a user may join are listed in their token's {@value #CLAIM} claim, and the library's
 * {@link AccessRules} enforce it:
 *
 * <ul>
 *   <li>a room whose name is a channel name may be joined only when the claim lists it; any other room never
 *       ({@code denyUnlistedRooms}): {@code join} goes through {@code SocketIoJwt.joinRoom};</li>
 *   <li>{@code chat {text, room}} is refused ({@code forbidden}) unless the claim lists the room; {@code chat
 *       {text}}, without a room, is the chat for everyone and stays allowed.</li>
 * </ul>
 */
final class Channels {

    /** The claim listing a user's channels: a JSON array of names, absent when the user has none. */
    static final String CLAIM = "channels";
    /** The field of {@code join}, {@code leave} and {@code chat} that names a channel. */
    static final String ROOM_FIELD = "room";
    /** A channel's name: 1 to 32 ASCII letters, digits, '-' or '_', starting with a letter or a digit. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,31}");
    /** What {@link #NAME} allows, in words, for messages. */
    static final String NAME_RULE = "1 to 32 letters, digits, '-' or '_', starting with a letter or digit";
    /** The most channels one account may have: they all travel in every token. */
    static final int MAX_PER_ACCOUNT = 16;
    /** The channels of the demo account the server makes up when no {@code --user} is given. */
    static final List<String> DEMO = List.of("general", "news");

    private Channels() {
    }

    /**
     * The access rules of namespace {@code /}: channel rooms by the {@value #CLAIM} claim, no other room, and
     * {@code chat} to a room only when the claim lists it.
     *
     * @return the rules
     */
    static AccessRules rules() {
        EventPermission toEveryone = (principal, args) -> !namesRoom(args);
        return AccessRules.builder()
                .roomsMatching(NAME, RoomPermission.listedIn(CLAIM))
                .denyUnlistedRooms()
                .event("chat", toEveryone.or(EventPermission.argumentListedIn(CLAIM, ROOM_FIELD)))
                .build();
    }

    /**
     * Reads a comma-separated list of channel names.
     *
     * @param list for example {@code general,news}; empty for none
     * @return the names, in order
     * @throws IllegalArgumentException naming the position of a bad entry, never its text
     */
    static List<String> parseList(String list) {
        if (list.isEmpty()) {
            return List.of();
        }
        String[] names = list.split(",", -1);
        if (names.length > MAX_PER_ACCOUNT) {
            throw new IllegalArgumentException(names.length + " channels (expected: at most " + MAX_PER_ACCOUNT
                    + ")");
        }
        List<String> channels = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            if (!isName(names[i])) {
                throw new IllegalArgumentException("channel " + (i + 1) + " of " + names.length
                        + " is not a channel name (expected: " + NAME_RULE + ")");
            }
            if (channels.contains(names[i])) {
                throw new IllegalArgumentException("channel " + (i + 1) + " of " + names.length
                        + " is given twice (expected: each channel once)");
            }
            channels.add(names[i]);
        }
        return List.copyOf(channels);
    }

    /**
     * Whether a string is a channel name.
     *
     * @param name the string
     * @return whether {@link #NAME} matches it
     */
    static boolean isName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * The room an event's argument names, as {@code {room: "news"}}.
     *
     * @param data the event's argument
     * @return the {@value #ROOM_FIELD} field when it is a string, else {@code null}
     */
    static String room(Object data) {
        Object room = data instanceof Map ? ((Map<?, ?>) data).get(ROOM_FIELD) : null;
        return room instanceof String ? (String) room : null;
    }

    /** Whether an event's first argument has a {@value #ROOM_FIELD} field (of any type, even empty). */
    private static boolean namesRoom(List<Object> args) {
        return !args.isEmpty() && args.get(0) instanceof Map && ((Map<?, ?>) args.get(0)).get(ROOM_FIELD) != null;
    }
}
