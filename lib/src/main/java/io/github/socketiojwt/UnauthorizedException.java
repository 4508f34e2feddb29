package io.github.socketiojwt;

import java.util.Objects;

/**
 * An authentication failure with a machine code and a short, client-safe message, as socketio-jwt's
 * {@code UnauthorizedError}.
 *
 * <p>Applications throw it from an {@link AuthenticationValidator} or a {@link KeyResolver} (or complete their
 * {@code CompletionStage} with it) to refuse a token with their own code and message:
 *
 * <pre>{@code
 * AuthenticationValidator bannedUsers = (principal, handshake) -> {
 *     if (banned.contains(principal.subject())) {
 *         throw new UnauthorizedException("user_banned", "user is banned");
 *     }
 *     return CompletableFuture.completedFuture(null);
 * };
 * }</pre>
 *
 * <p>The message is sent to the client: it must never contain a token, a secret or key material. The exception
 * carries no stack trace, since it is an expected outcome rather than a bug.
 */
public final class UnauthorizedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The {@code type} that socketio-jwt puts in every error payload. */
    public static final String TYPE = "UnauthorizedError";

    private final ErrorCode errorCode;
    private final String code;

    /**
     * Creates an application-defined failure.
     *
     * @param code the code sent to the client, for example {@code "user_banned"}; not blank
     * @param message the message sent to the client; not blank, and free of secrets
     * @throws IllegalArgumentException if {@code code} or {@code message} is blank
     */
    public UnauthorizedException(String code, String message) {
        this(ErrorCode.CUSTOM, requireText(code, "code"), requireText(message, "message"));
    }

    /**
     * Creates a failure for one of the library's codes.
     *
     * @param errorCode the reason; not {@code null}
     * @param message the message sent to the client; not blank, and free of secrets
     * @throws IllegalArgumentException if {@code message} is blank
     */
    public UnauthorizedException(ErrorCode errorCode, String message) {
        this(Objects.requireNonNull(errorCode, "errorCode"), errorCode.code(), requireText(message, "message"));
    }

    private UnauthorizedException(ErrorCode errorCode, String code, String message) {
        super(message, null, false, false);
        this.errorCode = errorCode;
        this.code = code;
    }

    /**
     * The reason, as the library classifies it ({@link ErrorCode#CUSTOM} for application codes).
     *
     * @return the error code, never {@code null}
     */
    public ErrorCode errorCode() {
        return errorCode;
    }

    /**
     * The code that a socketio-jwt client receives, for example {@code "invalid_token"}.
     *
     * @return the compatible code, or the application's code for {@link ErrorCode#CUSTOM}
     */
    public String code() {
        return errorCode == ErrorCode.CUSTOM ? code : errorCode.wireCode();
    }

    /**
     * The detailed code, for example {@code "token_expired"}, or the application's code.
     *
     * @return the detailed code, never {@code null}
     */
    public String detailedCode() {
        return code;
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + ": " + (value == null ? "null" : "blank") + " (expected: text)");
        }
        return value;
    }
}
