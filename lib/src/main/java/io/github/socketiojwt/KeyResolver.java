package io.github.socketiojwt;

import java.security.Key;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Resolves the verification key of one token at run time: per user, per tenant or per {@code kid} (socketio-jwt's
 * {@code secret} function).
 *
 * <p>Return a {@code SecretKey} for HMAC tokens or a {@code PublicKey} for RSA, EC and EdDSA tokens; the
 * algorithms accepted follow from the key. A stage that completes with {@code null}, fails, or does not complete
 * within the configured resolution timeout refuses the socket with code {@code invalid_secret}; it never hangs.
 * A resolver that does I/O must return an incomplete stage and do the I/O elsewhere: it is called on a Netty
 * event loop.
 *
 * <pre>{@code
 * // synchronous: a map look-up
 * KeyResolver perUser = KeyResolver.of(request -> keysByUser.get(request.unverifiedClaims().get("sub")));
 *
 * // asynchronous: a database call off the event loop
 * KeyResolver fromDb = request -> CompletableFuture.supplyAsync(() -> db.keyFor(request.keyId()), dbPool);
 * }</pre>
 */
@FunctionalInterface
public interface KeyResolver {

    /**
     * Resolves the key for a token.
     *
     * @param request the handshake, namespace, header and unverified claims
     * @return a stage completing with the key, or with {@code null} when there is none
     */
    CompletionStage<? extends Key> resolve(KeyRequest request);

    /**
     * The algorithms the keys of this resolver can verify, checked before {@link #resolve} is called: a token with
     * another {@code alg} is refused ({@code "invalid algorithm"}) without any key look-up. Resolvers of public
     * keys return the asymmetric algorithms, so that an HMAC token forged with a public key never reaches them.
     *
     * @return the algorithm names, or an empty set for any algorithm the resolved key allows
     */
    default java.util.Set<String> acceptedAlgorithms() {
        return java.util.Set.of();
    }

    /**
     * Adapts a synchronous function. It must not block: it runs on a Netty event loop.
     *
     * @param function returns the key, or {@code null} when there is none
     * @return a resolver
     */
    static KeyResolver of(Function<KeyRequest, ? extends Key> function) {
        java.util.Objects.requireNonNull(function, "function");
        return request -> CompletableFuture.completedFuture(function.apply(request));
    }
}
