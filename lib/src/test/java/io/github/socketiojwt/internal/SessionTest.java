package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.handler.ClientHead;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/** Proves the per-connection state: namespaces, ack ids, liveness of other namespaces, and clean-up. */
class SessionTest {

    private final ClientHead head = mock(ClientHead.class);
    private final Session session = new Session(head);

    @Test
    void keepsItsClientHead() {
        assertSame(head, session.head);
    }

    @Test
    void hasNoStateForANamespaceItNeverSaw() {
        assertNull(session.get("/admin"));
    }

    @Test
    void createsOneStatePerNamespaceAndReturnsItAgain() {
        NamespaceAuth admin = session.getOrCreate("/admin");

        assertEquals("/admin", admin.name);
        assertSame(NamespaceAuth.Phase.AWAITING_CONNECT, admin.phase);
        assertSame(admin, session.getOrCreate("/admin"));
        assertSame(admin, session.get("/admin"));
        assertNotSame(admin, session.getOrCreate("/chat"));
    }

    @Test
    void removesAState() {
        NamespaceAuth admin = session.getOrCreate("/admin");

        session.remove(admin);

        assertNull(session.get("/admin"));
        assertNotSame(admin, session.getOrCreate("/admin"));
    }

    @Test
    void removingAStaleStateKeepsTheNewOne() {
        NamespaceAuth stale = session.getOrCreate("/admin");
        session.remove(stale);
        NamespaceAuth fresh = session.getOrCreate("/admin");

        session.remove(stale);

        assertSame(fresh, session.get("/admin"));
    }

    @Test
    void handsOutAckIdsFarAboveTheApplicationsInOrder() {
        assertEquals(1_000_000_000L, session.nextAckId());
        assertEquals(1_000_000_001L, session.nextAckId());
        assertEquals(1_000_000_002L, session.nextAckId());
    }

    @Test
    void hasNoOtherLiveNamespaceWhenItKnowsOnlyThisOne() {
        session.getOrCreate("/admin").phase = NamespaceAuth.Phase.AUTHENTICATED;
        session.publicConnected("/admin");

        assertFalse(session.hasOtherLiveNamespace("/admin"));
        assertFalse(new Session(head).hasOtherLiveNamespace("/"));
    }

    @ParameterizedTest
    @EnumSource(value = NamespaceAuth.Phase.class, names = {"VERIFYING", "QUARANTINED", "AUTHENTICATED"})
    void countsAnotherProtectedNamespaceThatIsConnectedOrConnecting(NamespaceAuth.Phase phase) {
        session.getOrCreate("/admin");
        session.getOrCreate("/chat").phase = phase;

        assertTrue(session.hasOtherLiveNamespace("/admin"));
    }

    @ParameterizedTest
    @EnumSource(value = NamespaceAuth.Phase.class, names = {"AWAITING_CONNECT", "REJECTED"})
    void ignoresAnotherProtectedNamespaceThatIsRefusedOrNotYetConnecting(NamespaceAuth.Phase phase) {
        session.getOrCreate("/admin");
        session.getOrCreate("/chat").phase = phase;

        assertFalse(session.hasOtherLiveNamespace("/admin"));
    }

    @Test
    void countsAnotherPublicNamespaceUntilItDisconnects() {
        session.publicConnected("");

        assertTrue(session.hasOtherLiveNamespace("/admin"));

        session.publicDisconnected("");

        assertFalse(session.hasOtherLiveNamespace("/admin"));
    }

    @Test
    void closeCancelsEveryPendingDeadline() {
        ScheduledFuture<?> adminTimer = mock(ScheduledFuture.class);
        ScheduledFuture<?> chatTimer = mock(ScheduledFuture.class);
        NamespaceAuth admin = session.getOrCreate("/admin");
        NamespaceAuth chat = session.getOrCreate("/chat");
        NamespaceAuth idle = session.getOrCreate("/idle");
        admin.timer = adminTimer;
        chat.timer = chatTimer;

        session.close();

        verify(adminTimer).cancel(false);
        verify(chatTimer).cancel(false);
        assertNull(admin.timer);
        assertNull(chat.timer);
        assertNull(idle.timer);
    }

    @Test
    void closeCancelsARealTimerSoItNeverRuns() {
        ScheduledFuture<?> timer = Timers.schedule(Duration.ofHours(1), () -> {
            throw new AssertionError("must not run");
        });
        session.getOrCreate("/admin").timer = timer;

        session.close();

        assertTrue(timer.isCancelled());
    }
}
