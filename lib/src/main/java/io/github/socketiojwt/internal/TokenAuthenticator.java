package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.HandshakeData;
import io.github.socketiojwt.ErrorCode;
import io.github.socketiojwt.JwtAuthOptions;
import io.github.socketiojwt.JwtPrincipal;
import io.github.socketiojwt.KeyRequest;
import io.github.socketiojwt.RevocationCheck;
import io.github.socketiojwt.UnauthorizedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.security.Key;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;

/**
 * One token's way through: structure → key → signature and time claims → the application's validator → a
 * {@link JwtPrincipal}. Every step may be asynchronous; every failure, exception or time-out ends in an
 * {@link UnauthorizedException}, never in a hang. With a static key and no validator the returned future is
 * already complete, so the caller continues on the same thread.
 */
public final class TokenAuthenticator {

    private static final Logger log = LoggerFactory.getLogger(TokenAuthenticator.class);

    private final JwtAuthOptions options;
    private final TokenVerifier verifier;
    /** Tokens a static key verified; {@code null} with a key resolver or when turned off. */
    private final VerifiedTokens verified;

    /**
     * Creates an authenticator for one set of options.
     *
     * @param options the validated options
     */
    public TokenAuthenticator(JwtAuthOptions options) {
        this.options = options;
        this.verifier = new TokenVerifier(options);
        this.verified = options.key() != null && options.verifiedTokenCacheSize() > 0
                ? new VerifiedTokens(options.verifiedTokenCacheSize()) : null;
    }

    /** @return the options */
    public JwtAuthOptions options() {
        return options;
    }

    /**
     * Authenticates a token.
     *
     * @param token the encoded token, non-empty
     * @param handshake the socket's handshake
     * @param namespace the namespace, {@code "/"} for the default one
     * @return a future completing with the principal, or exceptionally with an {@link UnauthorizedException}
     */
    public CompletableFuture<JwtPrincipal> authenticate(String token, HandshakeData handshake, String namespace) {
        long now = options.clock().millis();
        JwtPrincipal known = verified == null ? null : verified.get(token, namespace, now);
        if (known != null) {
            try {
                verifier.recheck(known.claims()); // time and claim rules, as for a new token
            } catch (UnauthorizedException e) {
                return CompletableFuture.failedFuture(e);
            }
            return afterVerification(CompletableFuture.completedFuture(known), handshake);
        }
        DecodedToken decoded;
        try {
            decoded = verifier.decode(token);
        } catch (UnauthorizedException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<JwtPrincipal> checked = resolveKey(decoded, handshake, namespace).thenApply(key -> {
            if (key == null) {
                throw new UnauthorizedException(ErrorCode.KEY_UNAVAILABLE, "secret or public key must be provided");
            }
            verifier.verify(decoded, key);
            JwtPrincipal principal = new JwtPrincipal(namespace, token, decoded.claims, null);
            if (verified != null) {
                verified.put(token, principal, expiresAtMillis(decoded.claims));
            }
            return principal;
        });
        return afterVerification(checked, handshake);
    }

    /** Drops the verified tokens whose {@code exp} has passed (a periodic clean-up; lookups never return them). */
    void forgetExpiredTokens() {
        if (verified != null) {
            verified.forgetExpired(options.clock().millis());
        }
    }

    /** The revocation check and the validator, which run on every use of a token, cached or not. */
    private CompletableFuture<JwtPrincipal> afterVerification(CompletableFuture<JwtPrincipal> verified,
            HandshakeData handshake) {
        if (options.revocationCheck() != RevocationCheck.NONE) {
            verified = verified.thenCompose(this::checkRevocation);
        }
        if (options.validator() == io.github.socketiojwt.AuthenticationValidator.NONE) {
            return unwrap(verified);
        }
        return unwrap(verified.thenCompose(principal -> validate(principal, handshake)));
    }

    /**
     * When a verified token stops being valid, as its verification decides it: its {@code exp} plus the leeway.
     *
     * @param claims the token's claims
     * @return epoch milliseconds, {@code Long.MAX_VALUE} for a token that never expires
     */
    long expiresAtMillis(java.util.Map<String, Object> claims) {
        return verifier.expiresAtMillis(claims);
    }

    private CompletableFuture<Key> resolveKey(DecodedToken decoded, HandshakeData handshake, String namespace) {
        if (options.key() != null) {
            return CompletableFuture.completedFuture(options.key());
        }
        CompletionStage<? extends Key> stage;
        try {
            stage = options.keyResolver().resolve(new KeyRequest(handshake, namespace, decoded.header, decoded.claims));
        } catch (UnauthorizedException e) {
            return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            log.warn("The key resolver failed on namespace {}: {}", namespace, e.getClass().getName());
            return CompletableFuture.failedFuture(keyUnavailable());
        }
        if (stage == null) {
            return CompletableFuture.failedFuture(keyUnavailable());
        }
        return withTimeout(stage, TokenAuthenticator::keyUnavailable, "key resolver", namespace);
    }

    private CompletableFuture<JwtPrincipal> checkRevocation(JwtPrincipal principal) {
        CompletionStage<Boolean> stage;
        try {
            stage = options.revocationCheck().isRevoked(principal);
        } catch (RuntimeException e) {
            log.warn("The revocation check failed on namespace {}: {}", principal.namespace(), e.getClass().getName());
            return CompletableFuture.failedFuture(revoked());
        }
        if (stage == null) {
            return CompletableFuture.failedFuture(revoked());
        }
        return withTimeout(stage, TokenAuthenticator::revoked, "revocation check", principal.namespace())
                .thenApply(isRevoked -> {
                    if (!Boolean.FALSE.equals(isRevoked)) {
                        throw revoked(); // true, or no answer: fail closed
                    }
                    return principal;
                });
    }

    private CompletableFuture<JwtPrincipal> validate(JwtPrincipal principal, HandshakeData handshake) {
        CompletionStage<? extends Serializable> stage;
        try {
            stage = options.validator().validate(principal, handshake);
        } catch (UnauthorizedException e) {
            return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            log.warn("The validator failed on namespace {}: {}", principal.namespace(), e.getClass().getName());
            return CompletableFuture.failedFuture(validationFailed());
        }
        if (stage == null) {
            return CompletableFuture.completedFuture(principal);
        }
        return withTimeout(stage, TokenAuthenticator::validationFailed, "validator", principal.namespace())
                .thenApply(user -> user == null ? principal : principal.withUser(user));
    }

    private <T> CompletableFuture<T> withTimeout(CompletionStage<? extends T> stage,
            java.util.function.Supplier<UnauthorizedException> failure, String what, String namespace) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            stage.whenComplete((value, error) -> complete(result, value, error, failure, what, namespace));
        } catch (RuntimeException e) {
            log.warn("The {} on namespace {} returned an unusable stage: {}", what, namespace, e.getClass().getName());
            result.completeExceptionally(failure.get());
        }
        if (result.isDone()) {
            return result; // answered at once: no timer
        }
        // Time-outs are owned here, never by the application's stage.
        ScheduledFuture<?> timeout = Timers.schedule(options.resolutionTimeout(), () -> {
            if (result.completeExceptionally(failure.get())) {
                log.warn("The {} on namespace {} did not answer in time", what, namespace);
            }
        });
        result.whenComplete((value, error) -> timeout.cancel(false));
        return result;
    }

    private static <T> void complete(CompletableFuture<T> result, T value, Throwable error,
            java.util.function.Supplier<UnauthorizedException> failure, String what, String namespace) {
        if (error == null) {
            result.complete(value);
            return;
        }
        Throwable cause = cause(error);
        if (cause instanceof UnauthorizedException) {
            result.completeExceptionally(cause);
        } else {
            log.warn("The {} on namespace {} failed: {}", what, namespace, cause.getClass().getName());
            result.completeExceptionally(failure.get());
        }
    }

    private static <T> CompletableFuture<T> unwrap(CompletableFuture<T> future) {
        if (future.isDone() && !future.isCompletedExceptionally()) {
            return future;
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        future.whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
                return;
            }
            Throwable cause = cause(error);
            if (cause instanceof UnauthorizedException) {
                result.completeExceptionally(cause);
            } else {
                log.error("Unexpected failure while authenticating a token: {}", cause.getClass().getName());
                result.completeExceptionally(new UnauthorizedException(ErrorCode.INVALID_TOKEN, "invalid token"));
            }
        });
        return result;
    }

    /**
     * The failure a stage reports, without the {@code CompletionException} that dependent stages wrap it in.
     *
     * @param error what a stage completed with
     * @return the original failure
     */
    static Throwable cause(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static UnauthorizedException keyUnavailable() {
        return new UnauthorizedException(ErrorCode.KEY_UNAVAILABLE, "secret could not be resolved");
    }

    private static UnauthorizedException revoked() {
        return new UnauthorizedException(ErrorCode.REVOKED_TOKEN, "The token has been revoked.");
    }

    private static UnauthorizedException validationFailed() {
        return new UnauthorizedException(ErrorCode.UNKNOWN, "authentication failed");
    }
}
