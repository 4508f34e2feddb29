package io.github.socketiojwt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What an authenticated socket may do on a namespace, decided from its token's claims: which events reach the
 * application's listeners, and which rooms it may be in. Immutable once built; set with
 * {@link JwtAuthOptions.Builder#accessRules(AccessRules)}.
 *
 * <p>A rule names events (or rooms) exactly, by prefix or by pattern, and gives a permission. <em>Every</em> rule
 * that matches a name must allow it, so adding a rule can only narrow what is allowed. A name that no rule matches
 * is allowed, unless {@link Builder#denyUnlistedEvents()} (or {@link Builder#denyUnlistedRooms()}) is set.
 *
 * <p>A refused event never reaches a listener: the client gets an ack {@code {message, data: {message, code:
 * "forbidden", type: "ForbiddenError", event}}} when it asked for one, else a {@code forbidden} event with that
 * payload; the socket stays connected and {@link AuthenticationListener#onForbidden} hears of it. Events that
 * {@link JwtAuthOptions.Builder#allowUnauthenticatedEvents} lets quarantined sockets send are not subject to these
 * rules while the socket is unauthenticated (there are no claims to check).
 *
 * <pre>{@code
 * AccessRules rules = AccessRules.builder()
 *         .event("publish", EventPermission.argumentListedIn("channels", "channel"))
 *         .eventsStartingWith("admin:", EventPermission.claimEquals("role", "admin"))
 *         .room("adminChannel", RoomPermission.claimEquals("role", "admin"))
 *         .roomsMatching(Pattern.compile("chan:.+"), RoomPermission.listedIn("channels").after("chan:"))
 *         .build();
 * SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(secret).accessRules(rules).build()).install(server);
 * }</pre>
 */
public final class AccessRules {

    /** No rules: every event and every room is allowed. */
    public static final AccessRules NONE = builder().build();

    /** Distinct event names whose matching rules are remembered; names beyond it are matched every time. */
    private static final int MATCH_CACHE_SIZE = 4096;

    private final List<Rule<EventPermission>> eventRules;
    private final boolean denyUnlistedEvents;
    private final List<Rule<RoomPermission>> roomRules;
    private final boolean denyUnlistedRooms;
    private final boolean hasEventRules;
    private final Map<String, EventPermission[]> matchCache = new ConcurrentHashMap<>();

    private AccessRules(Builder builder) {
        this.eventRules = List.copyOf(builder.eventRules);
        this.roomRules = List.copyOf(builder.roomRules);
        this.denyUnlistedEvents = builder.denyUnlistedEvents;
        this.denyUnlistedRooms = builder.denyUnlistedRooms;
        this.hasEventRules = !eventRules.isEmpty() || denyUnlistedEvents;
    }

    /**
     * Starts a set of rules.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return whether any event rule exists, so that the per-packet check can be skipped when none does */
    public boolean hasEventRules() {
        return hasEventRules;
    }

    /**
     * Whether a socket may send an event.
     *
     * @param principal the socket's identity
     * @param event the event's name
     * @param args the event's arguments
     * @return true when every matching rule allows it (and, with {@code denyUnlistedEvents}, one matches)
     */
    public boolean allowsEvent(JwtPrincipal principal, String event, List<Object> args) {
        if (!hasEventRules) {
            return true;
        }
        EventPermission[] matching = matchingEventRules(event);
        if (matching.length == 0) {
            return !denyUnlistedEvents;
        }
        for (EventPermission permission : matching) {
            if (!permission.allows(principal, args)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a socket may be in a room.
     *
     * @param principal the socket's identity
     * @param room the room's name
     * @return true when every matching rule allows it (and, with {@code denyUnlistedRooms}, one matches)
     */
    public boolean allowsRoom(JwtPrincipal principal, String room) {
        boolean matched = false;
        for (Rule<RoomPermission> rule : roomRules) {
            if (rule.matches(room)) {
                matched = true;
                if (!rule.permission.allows(principal, room)) {
                    return false;
                }
            }
        }
        return matched || !denyUnlistedRooms;
    }

    /** @return whether any room rule exists (renewals then re-check the socket's rooms) */
    public boolean hasRoomRules() {
        return !roomRules.isEmpty() || denyUnlistedRooms;
    }

    private EventPermission[] matchingEventRules(String event) {
        EventPermission[] cached = matchCache.get(event);
        if (cached != null) {
            return cached;
        }
        List<EventPermission> found = new ArrayList<>();
        for (Rule<EventPermission> rule : eventRules) {
            if (rule.matches(event)) {
                found.add(rule.permission);
            }
        }
        EventPermission[] matching = found.toArray(new EventPermission[0]);
        if (matchCache.size() < MATCH_CACHE_SIZE) {
            matchCache.put(event, matching);
        }
        return matching;
    }

    @Override
    public String toString() {
        return "AccessRules{" + eventRules.size() + " event rules" + (denyUnlistedEvents ? ", others denied" : "")
                + ", " + roomRules.size() + " room rules" + (denyUnlistedRooms ? ", others denied" : "") + "}";
    }

    /** One rule: which names it matches, and its permission. */
    private static final class Rule<P> {
        final Predicate<String> matcher;
        final P permission;

        Rule(Predicate<String> matcher, P permission) {
            this.matcher = matcher;
            this.permission = permission;
        }

        boolean matches(String name) {
            return matcher.test(name);
        }
    }

    /**
     * Builds {@link AccessRules}; rules apply in no particular order, since every matching one must allow.
     */
    public static final class Builder {

        private final List<Rule<EventPermission>> eventRules = new ArrayList<>();
        private final List<Rule<RoomPermission>> roomRules = new ArrayList<>();
        private boolean denyUnlistedEvents;
        private boolean denyUnlistedRooms;

        private Builder() {
        }

        /**
         * A rule for one event.
         *
         * @param name the event's exact name
         * @param permission who may send it
         * @return this builder
         */
        public Builder event(String name, EventPermission permission) {
            String exact = name(name, "event");
            eventRules.add(new Rule<>(exact::equals, Objects.requireNonNull(permission, "permission")));
            return this;
        }

        /**
         * A rule for every event whose name starts with a prefix.
         *
         * @param prefix for example {@code "admin:"}
         * @param permission who may send them
         * @return this builder
         */
        public Builder eventsStartingWith(String prefix, EventPermission permission) {
            String start = name(prefix, "prefix");
            eventRules.add(new Rule<>(n -> n.startsWith(start), Objects.requireNonNull(permission,
                    "permission")));
            return this;
        }

        /**
         * A rule for every event whose whole name matches a pattern.
         *
         * @param pattern a regular expression, matched against the whole name
         * @param permission who may send them
         * @return this builder
         */
        public Builder eventsMatching(Pattern pattern, EventPermission permission) {
            Objects.requireNonNull(pattern, "pattern");
            eventRules.add(new Rule<>(n -> pattern.matcher(n).matches(), Objects.requireNonNull(permission,
                    "permission")));
            return this;
        }

        /**
         * Refuses events that no rule names (an allow-list).
         *
         * @return this builder
         */
        public Builder denyUnlistedEvents() {
            this.denyUnlistedEvents = true;
            return this;
        }

        /**
         * A rule for one room.
         *
         * @param name the room's exact name
         * @param permission who may be in it
         * @return this builder
         */
        public Builder room(String name, RoomPermission permission) {
            String exact = name(name, "room");
            roomRules.add(new Rule<>(exact::equals, Objects.requireNonNull(permission, "permission")));
            return this;
        }

        /**
         * A rule for every room whose name starts with a prefix.
         *
         * @param prefix for example {@code "chan:"}
         * @param permission who may be in them
         * @return this builder
         */
        public Builder roomsStartingWith(String prefix, RoomPermission permission) {
            String start = name(prefix, "prefix");
            roomRules.add(new Rule<>(n -> n.startsWith(start), Objects.requireNonNull(permission,
                    "permission")));
            return this;
        }

        /**
         * A rule for every room whose whole name matches a pattern.
         *
         * @param pattern a regular expression, matched against the whole name
         * @param permission who may be in them
         * @return this builder
         */
        public Builder roomsMatching(Pattern pattern, RoomPermission permission) {
            Objects.requireNonNull(pattern, "pattern");
            roomRules.add(new Rule<>(n -> pattern.matcher(n).matches(), Objects.requireNonNull(permission,
                    "permission")));
            return this;
        }

        /**
         * Refuses rooms that no rule names (an allow-list).
         *
         * @return this builder
         */
        public Builder denyUnlistedRooms() {
            this.denyUnlistedRooms = true;
            return this;
        }

        /**
         * Adds every rule of other rules (composition: shared rules plus a namespace's own).
         *
         * @param other rules to include
         * @return this builder
         */
        public Builder include(AccessRules other) {
            Objects.requireNonNull(other, "other");
            eventRules.addAll(other.eventRules);
            roomRules.addAll(other.roomRules);
            denyUnlistedEvents |= other.denyUnlistedEvents;
            denyUnlistedRooms |= other.denyUnlistedRooms;
            return this;
        }

        /**
         * Builds the rules.
         *
         * @return immutable rules
         */
        public AccessRules build() {
            return new AccessRules(this);
        }

        private static String name(String value, String what) {
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException(what + ": " + (value == null ? "null" : "empty")
                        + " (expected: a non-empty name)");
            }
            return value;
        }
    }
}
