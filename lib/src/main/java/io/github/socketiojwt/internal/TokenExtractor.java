package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.HandshakeData;
import io.github.socketiojwt.ErrorCode;
import io.github.socketiojwt.JwtAuthOptions;
import io.github.socketiojwt.UnauthorizedException;
import io.netty.handler.codec.http.HttpHeaderNames;

import java.util.List;
import java.util.Map;

/**
 * Finds the token of a handshake-mode connection. Sources, first found wins: the Socket.IO v4 CONNECT
 * {@code auth} payload's {@code token} (with or without a {@code Bearer } prefix), the
 * {@code Authorization: Bearer} header, the {@code token} query parameter.
 *
 * <p>The first source that carries a token decides: a malformed value there is refused, never rescued by a later
 * source. With {@code authHeaderRequired} the header is the only source, and nothing overrides it (socketio-jwt
 * let the query win). Empty values count as absent.
 */
final class TokenExtractor {

    private static final String BEARER = "Bearer";

    private TokenExtractor() {
    }

    /**
     * Finds the token.
     *
     * @param authPayload the v4 CONNECT payload, or {@code null}
     * @param handshake the handshake's headers and query
     * @param options the namespace's options
     * @return the token, never empty
     * @throws UnauthorizedException {@code credentials_required}, {@code credentials_bad_format},
     *         {@code missing_authorization_header} or {@code invalid_token} ({@code invalid token datatype})
     */
    static String extract(Object authPayload, HandshakeData handshake, JwtAuthOptions options) {
        if (options.authHeaderRequired()) {
            String fromHeader = fromHeader(handshake);
            if (fromHeader == null) {
                throw new UnauthorizedException(ErrorCode.MISSING_AUTHORIZATION_HEADER,
                        "Server requires Authorization Header");
            }
            return fromHeader;
        }
        String fromAuth = fromAuthPayload(authPayload);
        if (fromAuth != null) {
            return fromAuth;
        }
        String fromHeader = fromHeader(handshake);
        if (fromHeader != null) {
            return fromHeader;
        }
        if (options.queryTokenAllowed()) {
            String fromQuery = fromQuery(handshake);
            if (fromQuery != null) {
                return fromQuery;
            }
        }
        throw new UnauthorizedException(ErrorCode.CREDENTIALS_REQUIRED, "no token provided");
    }

    private static String fromAuthPayload(Object payload) {
        if (!(payload instanceof Map)) {
            return null; // no object, no token in it: the other sources decide
        }
        Map<?, ?> auth = (Map<?, ?>) payload;
        if (!auth.containsKey("token")) {
            return null;
        }
        Object value = auth.get("token");
        if (value == null) {
            return null;
        }
        if (!(value instanceof String)) {
            throw new UnauthorizedException(ErrorCode.TOKEN_DATATYPE, "invalid token datatype");
        }
        String token = (String) value;
        if (token.isEmpty()) {
            return null;
        }
        if (startsWithIgnoreCase(token, BEARER + " ") || token.equalsIgnoreCase(BEARER)) {
            String[] parts = token.split(" ", -1);
            if (parts.length != 2 || parts[1].isEmpty()) {
                throw badFormat();
            }
            return parts[1];
        }
        return token;
    }

    private static String fromHeader(HandshakeData handshake) {
        if (handshake == null || handshake.getHttpHeaders() == null) {
            return null;
        }
        List<String> values = handshake.getHttpHeaders().getAll(HttpHeaderNames.AUTHORIZATION);
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw badFormat();
        }
        if (values.get(0).isEmpty()) {
            return null; // socketio-jwt reads the header only when it is truthy
        }
        String[] parts = values.get(0).split(" ", -1);
        if (parts.length != 2) {
            throw badFormat();
        }
        if (!parts[0].equalsIgnoreCase(BEARER)) {
            return null;
        }
        if (parts[1].isEmpty()) {
            throw badFormat();
        }
        return parts[1];
    }

    private static String fromQuery(HandshakeData handshake) {
        if (handshake == null || handshake.getUrlParams() == null) {
            return null;
        }
        List<String> values = handshake.getUrlParams().get("token");
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw badFormat();
        }
        String token = values.get(0);
        return token == null || token.isEmpty() ? null : token;
    }

    private static boolean startsWithIgnoreCase(String value, String prefix) {
        return value.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    private static UnauthorizedException badFormat() {
        return new UnauthorizedException(ErrorCode.CREDENTIALS_BAD_FORMAT, "Format is Authorization: Bearer [token]");
    }
}
