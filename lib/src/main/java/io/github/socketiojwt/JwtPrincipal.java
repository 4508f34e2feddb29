package io.github.socketiojwt;

import com.corundumstudio.socketio.SocketIOClient;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The verified identity of an authenticated socket: the token's claims exactly as its payload carries them, the
 * encoded token, and the object an {@link AuthenticationValidator} attached.
 *
 * <p>It is stored in the client's {@code Store}, which may be Redis- or Hazelcast-backed, so it is
 * {@link Serializable}; claim values are plain JSON values ({@code String}, {@code Long}, {@code Double},
 * {@code Boolean}, {@code List}, {@code Map}, {@code null}). {@link #toString()} never prints the token.
 *
 * <pre>{@code
 * server.addEventListener("whoami", Object.class, (client, data, ack) ->
 *         SocketIoJwt.principal(client).ifPresent(p -> ack.sendAckData(p.claims())));
 * }</pre>
 */
public final class JwtPrincipal implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The client {@code Store} key under which the library keeps the principal. */
    public static final String STORE_KEY = "io.github.socketiojwt.principal";

    private final String namespace;
    private final String token;
    private final LinkedHashMap<String, Object> claims;
    private final Serializable user;

    /**
     * Creates a principal.
     *
     * @param namespace the namespace it authenticated on, {@code "/"} for the default one
     * @param token the encoded token
     * @param claims the verified claims
     * @param user the application object attached by a validator, or {@code null}
     */
    public JwtPrincipal(String namespace, String token, Map<String, Object> claims, Serializable user) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.token = Objects.requireNonNull(token, "token");
        this.claims = new LinkedHashMap<>(Objects.requireNonNull(claims, "claims"));
        this.user = user;
    }

    /**
     * Looks up the principal of a socket.
     *
     * @param client a socket
     * @return the principal, or empty when the socket never authenticated
     */
    public static Optional<JwtPrincipal> of(SocketIOClient client) {
        Object value = client.get(STORE_KEY);
        return value instanceof JwtPrincipal ? Optional.of((JwtPrincipal) value) : Optional.empty();
    }

    /**
     * The namespace this principal authenticated on.
     *
     * @return the namespace name, {@code "/"} for the default one
     */
    public String namespace() {
        return namespace;
    }

    /**
     * The encoded token (socketio-jwt's {@code encoded_token}). Treat it as a secret: never log it.
     *
     * @return the token
     */
    public String token() {
        return token;
    }

    /**
     * The verified claims as the token's payload carries them ({@code exp} and {@code iat} in seconds).
     *
     * @return an unmodifiable view of the claims
     */
    public Map<String, Object> claims() {
        return Collections.unmodifiableMap(claims);
    }

    /**
     * One claim.
     *
     * @param name the claim's name, for example {@code "role"}
     * @return its value as the token's JSON carries it (string, number, boolean, list, map), or {@code null}
     */
    public Object claim(String name) {
        return claims.get(name);
    }

    /**
     * A claim that may be one value or an array of values, as a list: {@code "channels": ["a", "b"]} gives
     * {@code [a, b]}, {@code "channels": "a"} gives {@code [a]}, no such claim gives an empty list.
     *
     * @param name the claim's name
     * @return an unmodifiable list, never {@code null}
     */
    @SuppressWarnings("unchecked")
    public java.util.List<Object> claimValues(String name) {
        Object value = claims.get(name);
        if (value == null) {
            return java.util.List.of();
        }
        if (value instanceof java.util.List) {
            return Collections.unmodifiableList((java.util.List<Object>) value);
        }
        return java.util.List.of(value);
    }

    /**
     * The {@code sub} claim.
     *
     * @return the subject, or {@code null} when the token has none or it is not a string
     */
    public String subject() {
        Object sub = claims.get("sub");
        return sub instanceof String ? (String) sub : null;
    }

    /**
     * The object an {@link AuthenticationValidator} attached.
     *
     * @param <T> the type the application expects
     * @return the object, or {@code null}
     */
    @SuppressWarnings("unchecked")
    public <T extends Serializable> T user() {
        return (T) user;
    }

    /**
     * A copy of this principal with another attached user object.
     *
     * @param newUser the object to attach, or {@code null}
     * @return a new principal
     */
    public JwtPrincipal withUser(Serializable newUser) {
        return new JwtPrincipal(namespace, token, claims, newUser);
    }

    @Override
    public String toString() {
        return "JwtPrincipal{namespace=" + namespace + ", subject=" + subject() + "}";
    }
}
