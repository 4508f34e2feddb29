package io.github.socketiojwt;

import java.net.SocketAddress;
import java.util.Objects;
import java.util.UUID;

/**
 * What {@link AccessRules} refused an authenticated socket, for {@link AuthenticationListener#onForbidden}: the
 * event or room's name, the namespace, the subject and the address; never the event's arguments or the token.
 *
 * <pre>{@code
 * public void onForbidden(Forbidden refusal) {
 *     LOG.warn("{} may not {} {} on {}", refusal.subject(), refusal.kind() == Forbidden.Kind.EVENT ? "send" : "join",
 *             refusal.name(), refusal.namespace());
 * }
 * }</pre>
 */
public final class Forbidden {

    /** What was refused. */
    public enum Kind {
        /** An event the socket sent; it reached no listener. */
        EVENT,
        /** A room the application asked the library to join the socket to ({@link SocketIoJwt#joinRoom}). */
        ROOM,
        /** A room the socket was in and that its renewed token no longer allows: it left. */
        ROOM_LEFT
    }

    private final Kind kind;
    private final String name;
    private final String namespace;
    private final String subject;
    private final SocketAddress remoteAddress;
    private final UUID sessionId;

    /**
     * Describes a refusal.
     *
     * @param kind event or room
     * @param name the event's or room's name
     * @param namespace the namespace, {@code "/"} for the default one
     * @param subject the socket's {@code sub}, or {@code null}
     * @param remoteAddress the client's address, or {@code null}
     * @param sessionId the session id, or {@code null}
     */
    public Forbidden(Kind kind, String name, String namespace, String subject, SocketAddress remoteAddress,
            UUID sessionId) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.name = Objects.requireNonNull(name, "name");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.subject = subject;
        this.remoteAddress = remoteAddress;
        this.sessionId = sessionId;
    }

    /** @return event or room */
    public Kind kind() {
        return kind;
    }

    /** @return the event's or room's name */
    public String name() {
        return name;
    }

    /** @return the namespace, {@code "/"} for the default one */
    public String namespace() {
        return namespace;
    }

    /** @return the socket's {@code sub}, or {@code null} */
    public String subject() {
        return subject;
    }

    /** @return the client's address, or {@code null} */
    public SocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** @return the session id, or {@code null} */
    public UUID sessionId() {
        return sessionId;
    }

    @Override
    public String toString() {
        return "Forbidden{" + kind + " " + name + " on " + namespace + ", subject=" + subject + ", from "
                + remoteAddress + "}";
    }
}
