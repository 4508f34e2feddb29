package io.github.socketiojwt.example;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.List;
import java.util.Optional;

/**
 * The token of an {@code Authorization: Bearer <token>} request header (RFC 6750 §2.1), as {@code POST /refresh}
 * reads it: the scheme is case-insensitive, exactly one header and one token. A malformed header throws
 * {@link IllegalArgumentException} with the library's message for it, which never echoes the header.
 *
 * @param value the token
 */
record BearerToken(String value) {

    /** The library's message for a header that is not {@code Bearer <token>}. */
    static final String BAD_FORMAT = "Format is Authorization: Bearer [token]";

    private static final String SCHEME = "Bearer ";

    BearerToken {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(BAD_FORMAT);
        }
    }

    /**
     * Reads the token of a request's {@code Authorization} header.
     *
     * @param headers the request's headers
     * @return the token, or empty when the request has no {@code Authorization} header
     * @throws IllegalArgumentException if there are two headers, or the header is not {@code Bearer <token>}
     */
    static Optional<BearerToken> from(HttpHeaders headers) {
        List<String> values = headers.getAll(HttpHeaderNames.AUTHORIZATION);
        if (values.isEmpty()) {
            return Optional.empty();
        }
        String header = values.get(0).strip();
        if (values.size() > 1 || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            throw new IllegalArgumentException(BAD_FORMAT);
        }
        String token = header.substring(SCHEME.length()).strip();
        if (token.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(BAD_FORMAT);
        }
        return Optional.of(new BearerToken(token));
    }

    /** Never shows the token. */
    @Override
    public String toString() {
        return "BearerToken{" + value.length() + " chars}";
    }
}
