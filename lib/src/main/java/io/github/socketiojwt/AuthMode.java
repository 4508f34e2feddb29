package io.github.socketiojwt;

/**
 * How a namespace authenticates its sockets.
 *
 * <pre>{@code
 * JwtAuthOptions oneRoundTrip = JwtAuthOptions.handshake().secret(secret).build();
 * JwtAuthOptions twoRoundTrips = JwtAuthOptions.authenticate().secret(secret).build();
 * assert oneRoundTrip.mode() == AuthMode.HANDSHAKE;
 * }</pre>
 */
public enum AuthMode {
    /**
     * One round trip: the token comes with the connection (Socket.IO v4 {@code auth} payload,
     * {@code Authorization: Bearer} header or {@code ?token=} query) and a bad one never becomes a connected socket.
     */
    HANDSHAKE,
    /**
     * Two round trips (socketio-jwt's default): the socket connects in quarantine and must emit
     * {@code authenticate {token}} before its timeout; it is answered {@code authenticated} or {@code unauthorized}.
     */
    AUTHENTICATE
}
