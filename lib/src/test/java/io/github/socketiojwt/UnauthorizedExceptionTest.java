package io.github.socketiojwt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Proves the codes, messages and preconditions of the one exception type clients' errors come from. */
class UnauthorizedExceptionTest {

    @Test
    void carriesTheApplicationCodeAsBothWireAndDetailedCode() {
        UnauthorizedException e = new UnauthorizedException("user_banned", "user is banned");

        assertSame(ErrorCode.CUSTOM, e.errorCode());
        assertEquals("user_banned", e.code());
        assertEquals("user_banned", e.detailedCode());
        assertEquals("user is banned", e.getMessage());
    }

    @Test
    void sendsTheSocketioJwtCodeAndKeepsTheDetailedCodeForLibraryFailures() {
        UnauthorizedException e = new UnauthorizedException(ErrorCode.TOKEN_EXPIRED, "jwt expired");

        assertSame(ErrorCode.TOKEN_EXPIRED, e.errorCode());
        assertEquals("invalid_token", e.code());
        assertEquals("token_expired", e.detailedCode());
        assertEquals("jwt expired", e.getMessage());
    }

    @Test
    void keepsTheCustomCodeEvenWhenItLooksLikeALibraryCode() {
        UnauthorizedException e = new UnauthorizedException("token_expired", "session over");

        assertSame(ErrorCode.CUSTOM, e.errorCode());
        assertEquals("token_expired", e.code());
    }

    @Test
    void tagsErrorsWithSocketioJwtType() {
        assertEquals("UnauthorizedError", UnauthorizedException.TYPE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\n"})
    void refusesBlankCustomCode(String code) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new UnauthorizedException(code, "message"));
        assertEquals("code: blank (expected: text)", e.getMessage());
    }

    @ParameterizedTest
    @NullSource
    void refusesNullCustomCode(String code) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new UnauthorizedException(code, "message"));
        assertEquals("code: null (expected: text)", e.getMessage());
    }

    @Test
    void refusesBlankOrNullMessage() {
        IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
                () -> new UnauthorizedException("user_banned", "  "));
        assertEquals("message: blank (expected: text)", blank.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> new UnauthorizedException(ErrorCode.TOKEN_EXPIRED, null));
        assertEquals("message: null (expected: text)", missing.getMessage());
    }

    @Test
    void refusesNullErrorCode() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> new UnauthorizedException((ErrorCode) null, "jwt expired"));
        assertEquals("errorCode", e.getMessage());
    }

    @Test
    void hasNoStackTraceCauseOrSuppressedExceptions() {
        UnauthorizedException e = new UnauthorizedException(ErrorCode.INVALID_SIGNATURE, "invalid signature");
        e.addSuppressed(new IllegalStateException("ignored"));

        assertEquals(0, e.getStackTrace().length);
        assertNull(e.getCause());
        assertEquals(0, e.getSuppressed().length);
    }

    @Test
    void survivesSerializationWithItsCodes() throws IOException, ClassNotFoundException {
        UnauthorizedException original = new UnauthorizedException("tenant_unknown", "unknown tenant");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(original);
        }
        UnauthorizedException copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (UnauthorizedException) in.readObject();
        }

        assertSame(ErrorCode.CUSTOM, copy.errorCode());
        assertEquals("tenant_unknown", copy.code());
        assertEquals("unknown tenant", copy.getMessage());
    }
}
