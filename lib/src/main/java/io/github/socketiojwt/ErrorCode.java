package io.github.socketiojwt;

/**
 * Why an authentication failed: the library's error codes as data.
 *
 * <p>Each constant has a {@linkplain #code() detailed code} and the {@linkplain #wireCode() socketio-jwt code}
 * that clients receive by default, so that JavaScript clients written for {@code socketio-jwt} 4.6.2 keep working
 * unchanged. Server-side hooks always see the detailed code; clients see it only when
 * {@link JwtAuthOptions.Builder#detailedErrorCodes(boolean)} is on.
 *
 * <pre>{@code
 * AuthenticationListener audit = new AuthenticationListener() {
 *     public void onFailure(AuthenticationFailure failure) {
 *         if (failure.errorCode() == ErrorCode.TOKEN_EXPIRED) {
 *             metrics.increment("jwt.expired");
 *         }
 *     }
 * };
 * }</pre>
 */
public enum ErrorCode {

    /** No token was found in any accepted source ({@code "no token provided"}). */
    CREDENTIALS_REQUIRED("credentials_required", null),
    /** An {@code Authorization} header, or an {@code auth.token}, that is not {@code Bearer <token>}. */
    CREDENTIALS_BAD_FORMAT("credentials_bad_format", null),
    /** The namespace requires the {@code Authorization} header and the token came another way, or not at all. */
    MISSING_AUTHORIZATION_HEADER("missing_authorization_header", null),
    /** The token was rejected; the message says why, as jsonwebtoken would. */
    INVALID_TOKEN("invalid_token", null),
    /** No key could be resolved for the token (resolver returned nothing, failed or timed out). */
    INVALID_SECRET("invalid_secret", null),
    /**
     * A renewal ({@code authenticate} on an authenticated socket) carried a token for another subject
     * ({@code "jwt subject changed"}); allowed only with {@link JwtAuthOptions.Builder#allowSubjectChange(boolean)}.
     */
    SUBJECT_CHANGED("subject_changed", null),
    /** The server ended the socket's authentication ({@code "The session was ended by the server."}). */
    DEAUTHENTICATED("deauthenticated", null),
    /**
     * An authenticated socket sent an event, or was to join a room, that the namespace's {@link AccessRules}
     * refuse; it stays connected. Sent as an ack error, or a {@code forbidden} event.
     */
    FORBIDDEN("forbidden", null),
    /** The revocation check says the token was revoked, or could not answer ({@code "The token has been revoked."}). */
    REVOKED_TOKEN("revoked_token", null),
    /** An application validator rejected the token without naming a code (socketio-jwt's {@code additional_auth}). */
    UNKNOWN("unknown", null),

    /** The token is not a JWS in compact form ({@code "jwt malformed"}, {@code "invalid token"}). */
    TOKEN_MALFORMED("token_malformed", INVALID_TOKEN),
    /** The token is longer than the configured maximum. */
    TOKEN_TOO_LARGE("token_too_large", INVALID_TOKEN),
    /** The token was not a string ({@code "invalid token datatype"}). */
    TOKEN_DATATYPE("token_datatype", INVALID_TOKEN),
    /** The token carries no signature ({@code "jwt signature is required"}), {@code alg: none} included. */
    SIGNATURE_REQUIRED("signature_required", INVALID_TOKEN),
    /** The token's algorithm is not accepted for the key ({@code "invalid algorithm"}). */
    INVALID_ALGORITHM("invalid_algorithm", INVALID_TOKEN),
    /** The signature does not verify ({@code "invalid signature"}). */
    INVALID_SIGNATURE("invalid_signature", INVALID_TOKEN),
    /** The token's {@code exp} has passed ({@code "jwt expired"}). */
    TOKEN_EXPIRED("token_expired", INVALID_TOKEN),
    /** The token's {@code nbf} is in the future ({@code "jwt not active"}). */
    TOKEN_NOT_ACTIVE("token_not_active", INVALID_TOKEN),
    /** A registered claim has the wrong type ({@code "invalid exp value"}, {@code "invalid nbf value"}). */
    INVALID_CLAIM("invalid_claim", INVALID_TOKEN),
    /** The token's {@code aud} names none of the expected audiences ({@code "jwt audience invalid. expected: …"}). */
    AUDIENCE_INVALID("audience_invalid", INVALID_TOKEN),
    /** The token's {@code iss} is not an expected issuer ({@code "jwt issuer invalid. expected: …"}). */
    ISSUER_INVALID("issuer_invalid", INVALID_TOKEN),
    /** The token's {@code sub} is not the expected subject ({@code "jwt subject invalid. expected: …"}). */
    SUBJECT_INVALID("subject_invalid", INVALID_TOKEN),
    /** A required claim is missing ({@code "jwt missing required claim: …"}, {@code "iat required when maxAge is specified"}). */
    CLAIM_MISSING("claim_missing", INVALID_TOKEN),
    /** The token was issued longer ago than the configured maximum age ({@code "maxAge exceeded"}). */
    MAX_AGE_EXCEEDED("max_age_exceeded", INVALID_TOKEN),
    /** The key resolver found no key, failed, or did not answer in time. */
    KEY_UNAVAILABLE("key_unavailable", INVALID_SECRET),
    /**
     * The socket did not emit {@code authenticate} within the timeout (authenticate mode). Seen only by
     * server-side hooks: like socketio-jwt, the client is just disconnected.
     */
    AUTHENTICATION_TIMEOUT("authentication_timeout", null),
    /** An application-defined code, carried by an {@link UnauthorizedException} from a validator or resolver. */
    CUSTOM("custom", null);

    private final String code;
    private final ErrorCode parent;

    ErrorCode(String code, ErrorCode parent) {
        this.code = code;
        this.parent = parent;
    }

    /**
     * The detailed code, for example {@code "token_expired"}.
     *
     * @return the detailed code, never {@code null}
     */
    public String code() {
        return code;
    }

    /**
     * The code socketio-jwt 4.6.2 sends for this failure, for example {@code "invalid_token"} for
     * {@link #TOKEN_EXPIRED}.
     *
     * @return the compatible code, never {@code null}
     */
    public String wireCode() {
        return parent == null ? code : parent.code;
    }
}
