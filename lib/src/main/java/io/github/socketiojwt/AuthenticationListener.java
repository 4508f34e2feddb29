package io.github.socketiojwt;

import com.corundumstudio.socketio.SocketIOClient;

/**
 * Server-side hooks for authentication outcomes, for counting and logging. Each method has an empty default, so
 * implement only what you need. Hooks run on a Netty or timer thread: keep them short and never block.
 *
 * <p>{@link #onAuthenticated} runs after the socket has left quarantine and before the application's connect
 * listeners; {@link #onFailure} runs for every refusal, in both modes (socketio-jwt's {@code fail} hook).
 *
 * <pre>{@code
 * JwtAuthOptions options = JwtAuthOptions.handshake()
 *         .secret(secret)
 *         .listener(new AuthenticationListener() {
 *             public void onAuthenticated(SocketIOClient client, JwtPrincipal principal) {
 *                 LOG.info("{} joined {}", principal.subject(), principal.namespace());
 *             }
 *             public void onFailure(AuthenticationFailure failure) {
 *                 LOG.warn("refused: {}", failure);
 *             }
 *         })
 *         .build();
 * }</pre>
 */
public interface AuthenticationListener {

    /** A listener that does nothing. */
    AuthenticationListener NONE = new AuthenticationListener() {
    };

    /**
     * A socket authenticated.
     *
     * @param client the socket, already connected to the namespace
     * @param principal its verified identity
     */
    default void onAuthenticated(SocketIOClient client, JwtPrincipal principal) {
    }

    /**
     * An authenticated socket renewed its token ({@code authenticate} again); its expiry moved.
     *
     * @param client the socket
     * @param principal its new identity
     */
    default void onRenewed(SocketIOClient client, JwtPrincipal principal) {
    }

    /**
     * An authenticated socket's token expired while it was connected ({@link ErrorCode#TOKEN_EXPIRED}).
     *
     * @param expiry the namespace, the subject and the address; never the token
     */
    default void onExpired(AuthenticationFailure expiry) {
    }

    /**
     * The server ended a socket's authentication ({@link SocketIoJwt#deauthenticate},
     * {@link SocketIoJwt#deauthenticateSubject}).
     *
     * @param deauthentication the namespace, the subject and the address; never the token
     */
    default void onDeauthenticated(AuthenticationFailure deauthentication) {
    }

    /**
     * The namespace's {@link AccessRules} refused an authenticated socket an event or a room; the socket stays
     * connected. Never carries the event's arguments or the token.
     *
     * @param refusal what was refused, on which namespace, to whom
     */
    default void onForbidden(Forbidden refusal) {
    }

    /**
     * A socket was refused: a bad token, a timeout or a failed renewal; never carries the token.
     *
     * @param failure what happened
     */
    default void onFailure(AuthenticationFailure failure) {
    }
}
