package io.github.socketiojwt;

/**
 * What happens to a socket whose authentication ends while it is connected: its token expired, or the server
 * deauthenticated it. Either way it first receives {@code unauthorized} with the reason, and leaves the namespace
 * (the application's disconnect listeners run, it is in no room any more).
 *
 * <pre>{@code
 * JwtAuthOptions options = JwtAuthOptions.handshake().secret(secret)
 *         .onExpiry(Deauthentication.QUARANTINE)   // keep the connection; the client renews with 'authenticate'
 *         .build();
 * SocketIoJwt.deauthenticateSubject(server, "alice", Deauthentication.DISCONNECT); // log alice out everywhere
 * }</pre>
 */
public enum Deauthentication {
    /** The socket is disconnected from the namespace (and the connection closed when nothing else is left). */
    DISCONNECT,
    /**
     * The socket stays connected but quarantined: nothing it sends reaches the application and nothing is sent to
     * it until it emits {@code authenticate} with a valid token (within the namespace's {@code timeout} when
     * {@code required}), which connects it to the namespace again.
     */
    QUARANTINE
}
