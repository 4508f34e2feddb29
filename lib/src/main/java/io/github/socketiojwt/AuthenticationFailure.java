package io.github.socketiojwt;

import java.net.SocketAddress;
import java.util.Objects;
import java.util.UUID;

/**
 * What an {@link AuthenticationListener} learns about a refused socket: code, message, namespace and remote
 * address. It never carries the token.
 *
 * <pre>{@code
 * AuthenticationListener log = new AuthenticationListener() {
 *     public void onFailure(AuthenticationFailure f) {
 *         LOG.info("refused {} on {}: {} ({})", f.remoteAddress(), f.namespace(), f.code(), f.message());
 *     }
 * };
 * }</pre>
 */
public final class AuthenticationFailure {

    private final UnauthorizedException error;
    private final String namespace;
    private final SocketAddress remoteAddress;
    private final UUID sessionId;
    private final String subject;

    /**
     * Creates a failure record.
     *
     * @param error the failure
     * @param namespace the namespace, {@code "/"} for the default one
     * @param remoteAddress the client's address, may be {@code null}
     * @param sessionId the Engine.IO session id
     */
    public AuthenticationFailure(UnauthorizedException error, String namespace, SocketAddress remoteAddress,
            UUID sessionId) {
        this(error, namespace, remoteAddress, sessionId, null);
    }

    /**
     * Creates a failure record for a socket that was authenticated.
     *
     * @param error the failure
     * @param namespace the namespace, {@code "/"} for the default one
     * @param remoteAddress the client's address, may be {@code null}
     * @param sessionId the Engine.IO session id
     * @param subject the {@code sub} the socket was authenticated as, or {@code null}
     */
    public AuthenticationFailure(UnauthorizedException error, String namespace, SocketAddress remoteAddress,
            UUID sessionId, String subject) {
        this.error = Objects.requireNonNull(error, "error");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.remoteAddress = remoteAddress;
        this.sessionId = sessionId;
        this.subject = subject;
    }

    /**
     * The subject the socket was authenticated as, for expiries and deauthentications.
     *
     * @return the {@code sub}, or {@code null} when the socket was not authenticated or the token had none
     */
    public String subject() {
        return subject;
    }

    /**
     * The library's classification of the failure.
     *
     * @return the error code
     */
    public ErrorCode errorCode() {
        return error.errorCode();
    }

    /**
     * The socketio-jwt compatible code, for example {@code "invalid_token"}.
     *
     * @return the code
     */
    public String code() {
        return error.code();
    }

    /**
     * The detailed code, for example {@code "token_expired"}.
     *
     * @return the detailed code
     */
    public String detailedCode() {
        return error.detailedCode();
    }

    /**
     * The message sent to the client, for example {@code "jwt expired"}.
     *
     * @return the message
     */
    public String message() {
        return error.getMessage();
    }

    /**
     * The namespace the socket tried to authenticate on.
     *
     * @return the namespace name, {@code "/"} for the default one
     */
    public String namespace() {
        return namespace;
    }

    /**
     * The client's address.
     *
     * @return the address, or {@code null} when unknown
     */
    public SocketAddress remoteAddress() {
        return remoteAddress;
    }

    /**
     * The Engine.IO session id.
     *
     * @return the session id, or {@code null} when unknown
     */
    public UUID sessionId() {
        return sessionId;
    }

    @Override
    public String toString() {
        return "AuthenticationFailure{namespace=" + namespace + ", code=" + detailedCode() + ", message="
                + message() + ", remoteAddress=" + remoteAddress + "}";
    }
}
