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
     * A socket was refused.
     *
     * @param failure what happened; never carries the token
     */
    default void onFailure(AuthenticationFailure failure) {
    }
}
