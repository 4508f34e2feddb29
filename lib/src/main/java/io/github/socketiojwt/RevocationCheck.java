package io.github.socketiojwt;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * Says whether a verified token has been revoked (express-jwt's {@code isRevoked}). Called after the signature and
 * the claims have been checked, before any {@link AuthenticationValidator}.
 *
 * <p>A token reported revoked is refused with code {@code revoked_token} and message
 * {@code "The token has been revoked."}. A check that fails, or does not answer within the resolution timeout,
 * refuses the token the same way: revocation fails closed. The check runs on a Netty event loop: if it does I/O,
 * return an incomplete stage and do the I/O elsewhere.
 *
 * <pre>{@code
 * Set<String> revokedIds = ConcurrentHashMap.newKeySet();
 * JwtAuthOptions options = JwtAuthOptions.handshake()
 *         .secret(secret)
 *         .revocationCheck(RevocationCheck.of(principal -> revokedIds.contains(principal.claims().get("jti"))))
 *         .build();
 * }</pre>
 */
@FunctionalInterface
public interface RevocationCheck {

    /** Never reports a token revoked. */
    RevocationCheck NONE = principal -> CompletableFuture.completedFuture(false);

    /**
     * Whether a token has been revoked.
     *
     * @param principal the verified claims and the encoded token
     * @return a stage completing with {@code true} when the token is revoked
     */
    CompletionStage<Boolean> isRevoked(JwtPrincipal principal);

    /**
     * Adapts a synchronous predicate. It must not block: it runs on a Netty event loop.
     *
     * @param revoked returns true for a revoked token
     * @return a check
     */
    static RevocationCheck of(Predicate<JwtPrincipal> revoked) {
        Objects.requireNonNull(revoked, "revoked");
        return principal -> CompletableFuture.completedFuture(revoked.test(principal));
    }
}
