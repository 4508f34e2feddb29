package io.github.socketiojwt;

import com.corundumstudio.socketio.HandshakeData;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link KeyResolver} knows when it picks a key: the socket's handshake, the namespace, and the token's
 * header and claims, <em>not yet verified</em>.
 *
 * <p>Treat every value of the header and the claims as attacker-controlled (RFC 8725 §3.10): look keys up by
 * them, never build paths, queries or URLs from them unchecked.
 *
 * <pre>{@code
 * KeyResolver perUser = KeyResolver.of(request -> {
 *     Object userId = request.unverifiedClaims().get("sub");
 *     return userId instanceof String ? secretsByUser.get(userId) : null;
 * });
 * }</pre>
 */
public final class KeyRequest {

    private final HandshakeData handshake;
    private final String namespace;
    private final Map<String, Object> header;
    private final Map<String, Object> unverifiedClaims;

    /**
     * Creates a request.
     *
     * @param handshake the socket's handshake
     * @param namespace the namespace, {@code "/"} for the default one
     * @param header the token's JOSE header
     * @param unverifiedClaims the token's claims, not verified yet
     */
    public KeyRequest(HandshakeData handshake, String namespace, Map<String, Object> header,
            Map<String, Object> unverifiedClaims) {
        this.handshake = handshake;
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.header = Collections.unmodifiableMap(Objects.requireNonNull(header, "header"));
        this.unverifiedClaims = Collections.unmodifiableMap(Objects.requireNonNull(unverifiedClaims, "claims"));
    }

    /**
     * The socket's handshake: headers, query parameters, remote address.
     *
     * @return the handshake
     */
    public HandshakeData handshake() {
        return handshake;
    }

    /**
     * The namespace the socket is authenticating on.
     *
     * @return the namespace name, {@code "/"} for the default one
     */
    public String namespace() {
        return namespace;
    }

    /**
     * The token's JOSE header, for example {@code {alg=HS256, kid=k1}}.
     *
     * @return an unmodifiable map
     */
    public Map<String, Object> header() {
        return header;
    }

    /**
     * The token's claims, decoded but <em>not verified</em>.
     *
     * @return an unmodifiable map
     */
    public Map<String, Object> unverifiedClaims() {
        return unverifiedClaims;
    }

    /**
     * The header's {@code kid}.
     *
     * @return the key id, or {@code null} when absent or not a string
     */
    public String keyId() {
        Object kid = header.get("kid");
        return kid instanceof String ? (String) kid : null;
    }
}
