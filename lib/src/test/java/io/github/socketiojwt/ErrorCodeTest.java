package io.github.socketiojwt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Proves that every error code has its detailed code and the socketio-jwt 4.6.2 code clients receive. */
class ErrorCodeTest {

    /** socketio-jwt's codes, and express-jwt's revoked_token for the revocation check. */
    private static final Set<String> SOCKETIO_JWT_CODES = Set.of("credentials_required", "credentials_bad_format",
            "missing_authorization_header", "invalid_token", "invalid_secret", "unknown", "revoked_token");

    @ParameterizedTest
    @CsvSource({
            "CREDENTIALS_REQUIRED, credentials_required, credentials_required",
            "CREDENTIALS_BAD_FORMAT, credentials_bad_format, credentials_bad_format",
            "MISSING_AUTHORIZATION_HEADER, missing_authorization_header, missing_authorization_header",
            "INVALID_TOKEN, invalid_token, invalid_token",
            "INVALID_SECRET, invalid_secret, invalid_secret",
            "UNKNOWN, unknown, unknown",
            "TOKEN_MALFORMED, token_malformed, invalid_token",
            "TOKEN_TOO_LARGE, token_too_large, invalid_token",
            "TOKEN_DATATYPE, token_datatype, invalid_token",
            "SIGNATURE_REQUIRED, signature_required, invalid_token",
            "INVALID_ALGORITHM, invalid_algorithm, invalid_token",
            "INVALID_SIGNATURE, invalid_signature, invalid_token",
            "TOKEN_EXPIRED, token_expired, invalid_token",
            "TOKEN_NOT_ACTIVE, token_not_active, invalid_token",
            "INVALID_CLAIM, invalid_claim, invalid_token",
            "AUDIENCE_INVALID, audience_invalid, invalid_token",
            "ISSUER_INVALID, issuer_invalid, invalid_token",
            "SUBJECT_INVALID, subject_invalid, invalid_token",
            "CLAIM_MISSING, claim_missing, invalid_token",
            "MAX_AGE_EXCEEDED, max_age_exceeded, invalid_token",
            "KEY_UNAVAILABLE, key_unavailable, invalid_secret",
            "REVOKED_TOKEN, revoked_token, revoked_token",
            "SUBJECT_CHANGED, subject_changed, subject_changed",
            "DEAUTHENTICATED, deauthenticated, deauthenticated",
            "FORBIDDEN, forbidden, forbidden",
            "AUTHENTICATION_TIMEOUT, authentication_timeout, authentication_timeout",
            "CUSTOM, custom, custom"
    })
    void mapsEachConstantToItsDetailedAndSocketioJwtCode(ErrorCode errorCode, String code, String wireCode) {
        assertEquals(code, errorCode.code());
        assertEquals(wireCode, errorCode.wireCode());
    }

    @Test
    void coversEveryConstantInTheTable() {
        assertEquals(27, ErrorCode.values().length, "a new constant needs a row in the table above");
    }

    @Test
    void givesEveryConstantADistinctDetailedCode() {
        Set<String> codes = new HashSet<>();
        for (ErrorCode errorCode : ErrorCode.values()) {
            assertTrue(codes.add(errorCode.code()), "duplicate code " + errorCode.code());
        }
    }

    @Test
    void sendsOnlySocketioJwtCodesForEveryFailureAClientCanSee() {
        for (ErrorCode errorCode : ErrorCode.values()) {
            if (errorCode == ErrorCode.AUTHENTICATION_TIMEOUT || errorCode == ErrorCode.CUSTOM
                    || errorCode == ErrorCode.SUBJECT_CHANGED || errorCode == ErrorCode.DEAUTHENTICATED
                    || errorCode == ErrorCode.FORBIDDEN) {
                continue; // server-side only, the application's own code, renewal, logout, access rules
            }
            assertTrue(SOCKETIO_JWT_CODES.contains(errorCode.wireCode()), errorCode + " -> " + errorCode.wireCode());
        }
    }
}
