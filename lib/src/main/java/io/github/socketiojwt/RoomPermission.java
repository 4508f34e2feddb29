package io.github.socketiojwt;

import java.util.Objects;

/**
 * Whether an authenticated socket may be in a room, decided from its verified claims and the room's name.
 * Checked when the application joins a socket with {@link SocketIoJwt#joinRoom}, and again at every renewal.
 *
 * <pre>{@code
 * AccessRules rules = AccessRules.builder()
 *         .room("adminChannel", RoomPermission.claimEquals("role", "admin"))
 *         .roomsStartingWith("chan:", RoomPermission.listedIn("channels").after("chan:"))
 *         .build();
 * }</pre>
 */
@FunctionalInterface
public interface RoomPermission {

    /**
     * Decides.
     *
     * @param principal the socket's verified identity
     * @param room the room's name
     * @return whether the socket may be in the room
     */
    boolean allows(JwtPrincipal principal, String room);

    /**
     * Both permissions.
     *
     * @param other another permission
     * @return a permission that allows what both allow
     */
    default RoomPermission and(RoomPermission other) {
        Objects.requireNonNull(other, "other");
        return (principal, room) -> allows(principal, room) && other.allows(principal, room);
    }

    /**
     * Either permission.
     *
     * @param other another permission
     * @return a permission that allows what either allows
     */
    default RoomPermission or(RoomPermission other) {
        Objects.requireNonNull(other, "other");
        return (principal, room) -> allows(principal, room) || other.allows(principal, room);
    }

    /**
     * The opposite.
     *
     * @return a permission that allows what this one refuses
     */
    default RoomPermission negate() {
        return (principal, room) -> !allows(principal, room);
    }

    /**
     * This permission applied to what follows a prefix of the room's name: {@code listedIn("channels")
     * .after("chan:")} allows room {@code chan:news} when the token lists {@code news}.
     *
     * @param prefix the prefix to strip; a room without it is refused
     * @return the permission
     */
    default RoomPermission after(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return (principal, room) -> room.startsWith(prefix) && allows(principal, room.substring(prefix.length()));
    }

    /**
     * Allows every room.
     *
     * @return the permission
     */
    static RoomPermission always() {
        return (principal, room) -> true;
    }

    /**
     * Allows no room.
     *
     * @return the permission
     */
    static RoomPermission never() {
        return (principal, room) -> false;
    }

    /**
     * Allows the rooms a claim lists: {@code listedIn("channels")} allows room {@code news} for a token with
     * {@code "channels": ["news", "sport"]} (or {@code "channels": "news"}).
     *
     * @param claim the claim's name
     * @return the permission
     */
    static RoomPermission listedIn(String claim) {
        Objects.requireNonNull(claim, "claim");
        return (principal, room) -> principal.claimValues(claim).contains(room);
    }

    /**
     * Allows sockets whose claim has a value, or lists it.
     *
     * @param claim the claim's name
     * @param value the value
     * @return the permission
     */
    static RoomPermission claimEquals(String claim, Object value) {
        Objects.requireNonNull(claim, "claim");
        Objects.requireNonNull(value, "value");
        return (principal, room) -> principal.claimValues(claim).contains(value);
    }
}
