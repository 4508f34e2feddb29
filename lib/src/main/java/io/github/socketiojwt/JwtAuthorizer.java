package io.github.socketiojwt;

import com.corundumstudio.socketio.SocketIOServer;
import io.github.socketiojwt.internal.GuardInitializer;
import io.github.socketiojwt.internal.TokenAuthenticator;

import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;

/**
 * Authenticates the sockets of a netty-socketio server with one set of {@link JwtAuthOptions}; made by
 * {@link SocketIoJwt#authorize(JwtAuthOptions)} and installed with one statement, before {@code server.start()}.
 *
 * <p>Install it on the whole server, or on named namespaces; namespaces not named stay public. Several
 * authorizers may share a server, one per namespace, each with its own mode and key:
 *
 * <pre>{@code
 * SocketIOServer server = new SocketIOServer(config);
 * SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(secret).build()).install(server, "/admin_hs");
 * SocketIoJwt.authorize(JwtAuthOptions.authenticate().secret(secret).build()).install(server, "/admin");
 * server.start(); // "/" stays public
 * }</pre>
 *
 * <p>Installing sets the server's pipeline factory (replacing any the application set) and turns on random
 * session ids. Thread-safe; immutable once built.
 */
public final class JwtAuthorizer {

    private static final Map<SocketIOServer, GuardInitializer> INSTALLED = new WeakHashMap<>();

    private final TokenAuthenticator authenticator;

    JwtAuthorizer(JwtAuthOptions options) {
        this.authenticator = new TokenAuthenticator(Objects.requireNonNull(options, "options"));
    }

    /**
     * The options this authorizer applies.
     *
     * @return the options
     */
    public JwtAuthOptions options() {
        return authenticator.options();
    }

    /**
     * Protects every namespace of a server, including namespaces added later, except those protected by another
     * authorizer.
     *
     * @param server a server that has not started
     * @return this authorizer
     * @throws IllegalStateException if the server has started or is already protected as a whole
     */
    public JwtAuthorizer install(SocketIOServer server) {
        initializer(server).protect(null, authenticator);
        return this;
    }

    /**
     * Protects the named namespaces of a server; the others keep their own protection or stay public.
     *
     * @param server a server that has not started
     * @param namespaces names such as {@code "/"} or {@code "/admin"}
     * @return this authorizer
     * @throws IllegalArgumentException if no namespace is named or a name does not start with {@code /}
     * @throws IllegalStateException if the server has started or a namespace is already protected
     */
    public JwtAuthorizer install(SocketIOServer server, String... namespaces) {
        Objects.requireNonNull(namespaces, "namespaces");
        if (namespaces.length == 0) {
            throw new IllegalArgumentException("namespaces: none (expected: at least one, such as \"/admin\")");
        }
        for (String namespace : namespaces) {
            if (namespace == null || !namespace.startsWith("/")) {
                throw new IllegalArgumentException("namespace: " + namespace + " (expected: a name starting with /)");
            }
        }
        GuardInitializer initializer = initializer(server);
        for (String namespace : namespaces) {
            initializer.protect(namespace, authenticator);
        }
        return this;
    }

    static GuardInitializer initializer(SocketIOServer server) {
        Objects.requireNonNull(server, "server");
        synchronized (INSTALLED) {
            GuardInitializer initializer = INSTALLED.get(server);
            if (initializer == null) {
                initializer = new GuardInitializer(server.getConfiguration().getJsonSupport());
                GuardInitializer.retire(server);
                server.setPipelineFactory(initializer);
                INSTALLED.put(server, initializer);
            }
            return initializer;
        }
    }

    static int deauthenticateSubject(SocketIOServer server, String subject, Deauthentication action) {
        synchronized (INSTALLED) {
            GuardInitializer initializer = INSTALLED.get(server);
            return initializer == null ? 0 : initializer.deauthenticateSubject(subject, action);
        }
    }

    /**
     * The number of Engine.IO sessions the library keeps state for on a server (diagnostics and tests).
     *
     * @param server a server with an authorizer installed
     * @return the count, 0 when nothing is installed
     */
    public static int trackedSessions(SocketIOServer server) {
        synchronized (INSTALLED) {
            GuardInitializer initializer = INSTALLED.get(server);
            return initializer == null ? 0 : initializer.trackedSessions();
        }
    }
}
