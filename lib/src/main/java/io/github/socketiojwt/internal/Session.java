package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.handler.ClientHead;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The library's state for one Engine.IO connection, keyed by {@link ClientHead} identity (never by session id,
 * which a client could choose, nor by the client store, which a client could influence).
 */
final class Session {

    /** Ack ids of the library's own {@code unauthorized} events; far above the application's ids. */
    private static final long FIRST_ACK_ID = 1_000_000_000L;

    final ClientHead head;
    private final Map<String, NamespaceAuth> protectedNamespaces = new ConcurrentHashMap<>(4);
    private final Set<String> publicNamespaces = ConcurrentHashMap.newKeySet(4);
    private final AtomicLong ackIds = new AtomicLong(FIRST_ACK_ID);

    Session(ClientHead head) {
        this.head = head;
    }

    NamespaceAuth get(String namespace) {
        return protectedNamespaces.get(namespace);
    }

    NamespaceAuth getOrCreate(String namespace) {
        return protectedNamespaces.computeIfAbsent(namespace, NamespaceAuth::new);
    }

    void remove(NamespaceAuth auth) {
        protectedNamespaces.remove(auth.name, auth);
        auth.releaseLobby();
    }

    void publicConnected(String namespace) {
        publicNamespaces.add(namespace);
    }

    void publicDisconnected(String namespace) {
        publicNamespaces.remove(namespace);
    }

    long nextAckId() {
        return ackIds.getAndIncrement();
    }

    /**
     * Whether the client is connected, or connecting, to any namespace but one.
     *
     * @param namespace the namespace to leave out
     * @return true when closing the connection would cut the client off another namespace
     */
    boolean hasOtherLiveNamespace(String namespace) {
        for (NamespaceAuth auth : protectedNamespaces.values()) {
            if (!auth.name.equals(namespace) && auth.isLive()) {
                return true;
            }
        }
        for (String name : publicNamespaces) {
            if (!name.equals(namespace)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The namespaces this connection is authenticated on as a subject.
     *
     * @param subject the {@code sub}
     * @return netty-socketio's namespace names
     */
    java.util.List<String> authenticatedAs(String subject) {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (NamespaceAuth auth : protectedNamespaces.values()) {
            synchronized (auth) { // a promotion in progress on another thread completes first
                io.github.socketiojwt.JwtPrincipal principal = auth.principal;
                if (auth.phase == NamespaceAuth.Phase.AUTHENTICATED && principal != null
                        && subject.equals(principal.subject())) {
                    names.add(auth.name);
                }
            }
        }
        return names;
    }

    /** @return the namespaces where the socket is quarantined, waiting for {@code authenticate} */
    java.util.List<NamespaceAuth> quarantined() {
        java.util.List<NamespaceAuth> found = new java.util.ArrayList<>();
        for (NamespaceAuth auth : protectedNamespaces.values()) {
            if (auth.phase == NamespaceAuth.Phase.QUARANTINED) {
                found.add(auth);
            }
        }
        return found;
    }

    /** Cancels every pending deadline. */
    void close() {
        for (NamespaceAuth auth : protectedNamespaces.values()) {
            synchronized (auth) {
                auth.cancelTimer();
                auth.cancelExpiry();
            }
            auth.releaseLobby();
        }
    }
}
