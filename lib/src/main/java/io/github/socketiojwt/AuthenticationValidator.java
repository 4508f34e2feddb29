package io.github.socketiojwt;

import com.corundumstudio.socketio.HandshakeData;

import java.io.Serializable;
import java.util.concurrent.CompletionStage;

/**
 * Extra validation after the signature and the time claims have been checked, like socketio-jwt's
 * {@code additional_auth} and @thream/socketio-jwt's {@code onAuthentication}.
 *
 * <p>Complete the stage with an application object to attach it to the {@link JwtPrincipal} (or with
 * {@code null}), or fail it with an {@link UnauthorizedException} to refuse the socket with your own code and
 * message. Any other exception, and a stage that does not complete within the configured resolution timeout,
 * refuses the socket with code {@code unknown}. The stage may complete on any thread: never block a Netty thread
 * to produce it.
 *
 * <pre>{@code
 * AuthenticationValidator users = (principal, handshake) -> userRepository.findAsync(principal.subject())
 *         .thenApply(user -> {
 *             if (user == null) {
 *                 throw new UnauthorizedException("user_unknown", "unknown user");
 *             }
 *             return user;
 *         });
 * }</pre>
 */
@FunctionalInterface
public interface AuthenticationValidator {

    /** A validator that accepts every verified token and attaches nothing. */
    AuthenticationValidator NONE = (principal, handshake) -> java.util.concurrent.CompletableFuture.completedFuture(null);

    /**
     * Validates a verified token.
     *
     * @param principal the verified claims and token
     * @param handshake the socket's handshake (headers, query, address)
     * @return a stage completing with the object to attach, or {@code null}
     */
    CompletionStage<? extends Serializable> validate(JwtPrincipal principal, HandshakeData handshake);
}
