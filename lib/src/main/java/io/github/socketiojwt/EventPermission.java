package io.github.socketiojwt;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Whether an authenticated socket may send an event, decided from its verified claims and the event's arguments.
 * Permissions run on a Netty thread for every matching packet: keep them fast, and never block.
 *
 * <pre>{@code
 * // SocketCluster's example: publish only to the channels the token lists
 * EventPermission ownChannels = EventPermission.argumentListedIn("channels", "channel");
 * EventPermission admins = EventPermission.claimEquals("role", "admin");
 * AccessRules rules = AccessRules.builder()
 *         .event("publish", ownChannels.or(admins))
 *         .build();
 * }</pre>
 */
@FunctionalInterface
public interface EventPermission {

    /**
     * Decides.
     *
     * @param principal the socket's verified identity
     * @param args the event's arguments as netty-socketio decoded them (maps, lists, strings, numbers…); an ack
     *        callback is not among them
     * @return whether the event may reach the application's listeners
     */
    boolean allows(JwtPrincipal principal, List<Object> args);

    /**
     * Both permissions.
     *
     * @param other another permission
     * @return a permission that allows what both allow
     */
    default EventPermission and(EventPermission other) {
        Objects.requireNonNull(other, "other");
        return (principal, args) -> allows(principal, args) && other.allows(principal, args);
    }

    /**
     * Either permission.
     *
     * @param other another permission
     * @return a permission that allows what either allows
     */
    default EventPermission or(EventPermission other) {
        Objects.requireNonNull(other, "other");
        return (principal, args) -> allows(principal, args) || other.allows(principal, args);
    }

    /**
     * The opposite.
     *
     * @return a permission that allows what this one refuses
     */
    default EventPermission negate() {
        return (principal, args) -> !allows(principal, args);
    }

    /**
     * Allows everything.
     *
     * @return the permission
     */
    static EventPermission always() {
        return (principal, args) -> true;
    }

    /**
     * Allows nothing.
     *
     * @return the permission
     */
    static EventPermission never() {
        return (principal, args) -> false;
    }

    /**
     * Allows sockets whose claim has a value, or lists it: {@code claimEquals("role", "admin")} allows
     * {@code "role": "admin"} and {@code "role": ["admin", "user"]}.
     *
     * @param claim the claim's name
     * @param value the value, compared as the token's JSON carries it (a JSON number is a {@code Long} or a
     *        {@code Double})
     * @return the permission
     */
    static EventPermission claimEquals(String claim, Object value) {
        Objects.requireNonNull(claim, "claim");
        Objects.requireNonNull(value, "value");
        return (principal, args) -> principal.claimValues(claim).contains(value);
    }

    /**
     * Allows an event whose first argument names a value that the socket's claim lists:
     * {@code argumentListedIn("channels", "channel")} allows {@code publish {channel: "news"}} from a socket
     * whose token has {@code "channels": ["news"]}.
     *
     * @param claim the claim listing allowed values
     * @param field the field of the first argument that names the value, or {@code null} when the first argument
     *        is the value itself
     * @return the permission
     */
    static EventPermission argumentListedIn(String claim, String field) {
        Objects.requireNonNull(claim, "claim");
        return (principal, args) -> {
            if (args.isEmpty()) {
                return false;
            }
            Object first = args.get(0);
            Object value = field == null ? first : first instanceof Map ? ((Map<?, ?>) first).get(field) : null;
            return value instanceof String && principal.claimValues(claim).contains(value);
        };
    }
}
