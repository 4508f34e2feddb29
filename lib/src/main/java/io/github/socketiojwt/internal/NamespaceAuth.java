package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.transport.NamespaceClient;
import io.github.socketiojwt.JwtPrincipal;

import java.util.concurrent.ScheduledFuture;

/**
 * The authentication state of one socket on one protected namespace. Transitions happen under this object's
 * monitor; {@link #phase} is volatile so that the per-packet check of an authenticated socket takes no lock.
 */
final class NamespaceAuth {

    enum Phase {
        /** Parked, waiting for the client's CONNECT (Socket.IO v4 clients). */
        AWAITING_CONNECT,
        /** A token is being verified; nothing reaches the application. */
        VERIFYING,
        /** Connected in quarantine, waiting for {@code authenticate} (authenticate mode). */
        QUARANTINED,
        /** Authenticated: connected to the real namespace. */
        AUTHENTICATED,
        /** Refused; the socket is being disconnected. */
        REJECTED
    }

    final String name;
    volatile Phase phase = Phase.AWAITING_CONNECT;
    /** The pending deadline (authenticate timeout, or grace after {@code unauthorized}); guarded by this. */
    ScheduledFuture<?> timer;
    /** The expiry of the authenticated socket's token ({@code exp} + leeway); guarded by this. */
    ScheduledFuture<?> expiry;
    /** The identity the socket is authenticated with now. */
    volatile JwtPrincipal principal;
    /** The client the library attached to the real namespace, the only one its connect listeners may see. */
    volatile Object admitted;
    /**
     * The client through which a quarantined socket's allowed events reach the application, on a private
     * namespace equal by name to the real one (never the parked root client, which "/" owns); or {@code null}.
     */
    volatile NamespaceClient lobby;
    /** The ack id of the {@code unauthorized} event awaiting the client's ack; guarded by this. */
    long unauthorizedAckId = -1;

    NamespaceAuth(String name) {
        this.name = name;
    }

    /** @return whether the socket is connected, or connecting, to the namespace */
    boolean isLive() {
        Phase current = phase;
        return current == Phase.VERIFYING || current == Phase.QUARANTINED || current == Phase.AUTHENTICATED;
    }

    /** Drops the lobby client, if any, out of its private namespace. */
    void releaseLobby() {
        NamespaceClient client = lobby;
        lobby = null;
        if (client != null) {
            client.getNamespace().onDisconnect(client);
        }
    }

    /** Cancels the token's expiry, if any. Call while holding this object's monitor. */
    void cancelExpiry() {
        ScheduledFuture<?> t = expiry;
        expiry = null;
        if (t != null) {
            t.cancel(false);
        }
    }

    /** Cancels the pending deadline, if any. Call while holding this object's monitor. */
    void cancelTimer() {
        ScheduledFuture<?> t = timer;
        timer = null;
        if (t != null) {
            t.cancel(false);
        }
    }
}
