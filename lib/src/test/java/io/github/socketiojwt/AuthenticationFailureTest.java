package io.github.socketiojwt;

import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Proves what a listener learns about a refused socket, and that the record never prints a token. */
class AuthenticationFailureTest {

    private static final InetSocketAddress ADDRESS = new InetSocketAddress("127.0.0.1", 40123);
    private static final UUID SESSION = UUID.fromString("6f1c2a3e-0000-4000-8000-000000000001");

    @Test
    void exposesCodesMessageNamespaceAddressAndSession() {
        AuthenticationFailure failure = new AuthenticationFailure(
                new UnauthorizedException(ErrorCode.TOKEN_EXPIRED, "jwt expired"), "/chat", ADDRESS, SESSION);

        assertSame(ErrorCode.TOKEN_EXPIRED, failure.errorCode());
        assertEquals("invalid_token", failure.code());
        assertEquals("token_expired", failure.detailedCode());
        assertEquals("jwt expired", failure.message());
        assertEquals("/chat", failure.namespace());
        assertSame(ADDRESS, failure.remoteAddress());
        assertEquals(SESSION, failure.sessionId());
    }

    @Test
    void exposesTheApplicationCodeOfACustomFailure() {
        AuthenticationFailure failure = new AuthenticationFailure(
                new UnauthorizedException("user_banned", "user is banned"), "/", null, null);

        assertSame(ErrorCode.CUSTOM, failure.errorCode());
        assertEquals("user_banned", failure.code());
        assertEquals("user_banned", failure.detailedCode());
        assertNull(failure.remoteAddress());
        assertNull(failure.sessionId());
    }

    @Test
    void toStringShowsDetailedCodeMessageNamespaceAndAddress() {
        AuthenticationFailure failure = new AuthenticationFailure(
                new UnauthorizedException(ErrorCode.INVALID_SIGNATURE, "invalid signature"), "/chat", ADDRESS,
                SESSION);

        assertEquals("AuthenticationFailure{namespace=/chat, code=invalid_signature, message=invalid signature,"
                + " remoteAddress=/127.0.0.1:40123}", failure.toString());
    }

    @Test
    void toStringNeverContainsTheTokenOfAnyLibraryFailure() {
        String token = TestTokens.tampered("alice");
        for (ErrorCode code : ErrorCode.values()) {
            if (code == ErrorCode.CUSTOM) {
                continue;
            }
            String text = new AuthenticationFailure(new UnauthorizedException(code, "invalid token"), "/", ADDRESS,
                    SESSION).toString();
            for (String part : token.split("\\.")) {
                assertFalse(text.contains(part), text);
            }
        }
    }

    @Test
    void refusesNullErrorOrNamespace() {
        UnauthorizedException error = new UnauthorizedException(ErrorCode.TOKEN_EXPIRED, "jwt expired");

        assertEquals("error", assertThrows(NullPointerException.class,
                () -> new AuthenticationFailure(null, "/", ADDRESS, SESSION)).getMessage());
        assertEquals("namespace", assertThrows(NullPointerException.class,
                () -> new AuthenticationFailure(error, null, ADDRESS, SESSION)).getMessage());
    }
}
