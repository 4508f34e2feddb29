package io.github.socketiojwt;

import com.corundumstudio.socketio.SocketIOClient;
import io.github.socketiojwt.testing.RawClient;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attacks every no-bypass invariant with hand-written Engine.IO v3 and v4 frames, over polling, websocket and a
 * polling-to-websocket upgrade: an unauthenticated socket never has an event delivered to an application
 * listener, never receives a broadcast or room message, is in no room, and cannot take another session.
 */
class NoBypassTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    /** How long an attack is given to (wrongly) reach the application before the assertion that it did not. */
    private static final Duration SETTLE = Duration.ofMillis(300);

    private TestServer server;

    static Stream<Arguments> wires() {
        return Stream.of("polling", "websocket", "upgrade").flatMap(t -> Stream.of(3, 4).map(v -> Arguments.of(t, v)));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void startAuthenticateMode() {
        server = TestServer.start(s -> {
            SocketIoJwt.authorize(JwtAuthOptions.authenticate().secret(TestTokens.SECRET)
                    .timeout(Duration.ofSeconds(10)).build()).install(s, "/", "/admin");
        });
    }

    private void startHandshakeMode() {
        server = TestServer.start(s -> SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET)
                .build()).install(s, "/", "/admin_hs"));
    }

    private static RawClient open(String transport, int eio, String url, Map<String, String> query) {
        switch (transport) {
            case "polling":
                return RawClient.polling(url, eio, query, Map.of());
            case "websocket":
                return RawClient.websocket(url, eio, query, Map.of());
            default:
                return RawClient.upgrade(url, eio, query, Map.of());
        }
    }

    private static String authenticate(String nsp, String token) {
        return "42" + nsp + "[\"authenticate\",{\"token\":\"" + token + "\"}]";
    }

    // ---------------------------------------------------------------- events

    @ParameterizedTest(name = "{0} EIO{1}")
    @MethodSource("wires")
    void quarantinedEventsNeverReachListenersWhateverTheOrderInOneMessage(String transport, int eio) {
        startAuthenticateMode();
        try (RawClient raw = open(transport, eio, server.url(), Map.of())) {
            if (eio == 4) {
                raw.send("40");
            }
            raw.await(p -> p.startsWith("40"), WAIT).orElseThrow(() -> new AssertionError(raw.toString()));
            // One message: an event before authenticating, the authentication, an event after it.
            raw.send("42[\"echo\",\"before\"]", "421[\"echo\",\"before-with-ack\"]",
                    authenticate("", TestTokens.token("mallory")), "42[\"echo\",\"after\"]");
            raw.await(p -> p.contains("\"after\""), WAIT).orElseThrow(() -> new AssertionError(raw.toString()));
            assertEquals(1, server.appCalls("event / echo").size(), server.appCalls().toString());
            assertFalse(raw.received().stream().anyMatch(p -> p.contains("before")), raw.received().toString());
            assertTrue(raw.received().stream().anyMatch(p -> p.startsWith("42[\"authenticated\"")));
        }
    }

    @ParameterizedTest(name = "{0} EIO{1}")
    @MethodSource("wires")
    void eventsAcksAndBinaryEventsOfAnUnauthenticatedSocketAreDropped(String transport, int eio) throws Exception {
        startAuthenticateMode();
        try (RawClient raw = open(transport, eio, server.url(), Map.of())) {
            raw.send(eio == 4 ? "40/admin," : "40/admin");
            raw.await(p -> p.startsWith("40/admin"), WAIT).orElseThrow(() -> new AssertionError(raw.toString()));
            raw.send("42/admin,[\"echo\",1]", "42/admin,7[\"whoami\",{}]", "43/admin,0[\"x\"]",
                    "42[\"echo\",\"on-root-without-connect\"]",
                    "451-/admin,[\"echo\",{\"_placeholder\":true,\"num\":0}]");
            Thread.sleep(SETTLE.toMillis());
            assertTrue(server.appCalls("event").isEmpty(), server.appCalls().toString());
            assertTrue(server.appCalls("connect").isEmpty(), server.appCalls().toString());
            assertFalse(raw.received().stream().anyMatch(p -> p.contains("echo-response") || p.startsWith("43")),
                    raw.received().toString());
        }
    }

    @ParameterizedTest(name = "{0} EIO{1}")
    @MethodSource("wires")
    void eventsAfterARefusedConnectNeverReachListeners(String transport, int eio) throws Exception {
        startHandshakeMode();
        try (RawClient raw = open(transport, eio, server.url(), Map.of("token", "boooooo"))) {
            if (eio == 4) {
                raw.send("40{\"token\":\"boooooo\"}");
            }
            raw.await(p -> p.startsWith("44"), WAIT).orElseThrow(() -> new AssertionError(raw.toString()));
            raw.send("42[\"echo\",\"after-refusal\"]", eio == 4 ? "40/admin_hs,{\"token\":\"x\"}" : "40/admin_hs",
                    "42/admin_hs,[\"echo\",2]");
            Thread.sleep(SETTLE.toMillis());
            assertTrue(server.appCalls().isEmpty(), server.appCalls().toString());
            assertFalse(raw.received().stream().anyMatch(p -> p.contains("echo-response") || p.equals("40")),
                    raw.received().toString());
            assertTrue(raw.awaitClosed(WAIT), "a refused connection is closed: " + raw);
        }
    }

    @ParameterizedTest(name = "{0} EIO{1}")
    @MethodSource("wires")
    void aRepeatedConnectWithABadTokenDoesNotReplaceTheAuthenticatedSocket(String transport, int eio) {
        startHandshakeMode();
        String token = TestTokens.token("alice");
        try (RawClient raw = open(transport, eio, server.url(), eio == 4 ? Map.of() : Map.of("token", token))) {
            if (eio == 4) {
                raw.send("40{\"token\":\"" + token + "\"}");
            }
            raw.await(p -> p.startsWith("42[\"hi\""), WAIT).orElseThrow(() -> new AssertionError(raw.toString()));
            raw.send(eio == 4 ? "40{\"token\":\"boooooo\"}" : "40", "42[\"echo\",\"still-alice\"]");
            raw.await(p -> p.contains("still-alice"), WAIT).orElseThrow(() -> new AssertionError(raw.toString()));
            assertEquals(1, server.appCalls("connect / ").size(), server.appCalls().toString());
        }
    }

    @ParameterizedTest(name = "{0} EIO{1}")
    @MethodSource("wires")
    void aSocketThatIgnoresDisconnectIsClosedAndItsLaterEventsAreDropped(String transport, int eio)
            throws Exception {
        startAuthenticateMode();
        try (RawClient raw = open(transport, eio, server.url(), Map.of())) {
            if (eio == 4) {
                raw.send("40");
            }
            raw.await(p -> p.startsWith("40"), WAIT).orElseThrow(() -> new AssertionError(raw.toString()));
            raw.send(authenticate("", "boooooo"));
            raw.await(p -> p.contains("unauthorized"), WAIT).orElseThrow(() -> new AssertionError(raw.toString()));
            raw.send("42[\"echo\",\"ignoring-41\"]"); // never acks, ignores any 41
            assertTrue(raw.awaitClosed(WAIT), "the server closes the connection itself: " + raw);
            assertTrue(server.appCalls().isEmpty(), server.appCalls().toString());
        }
    }

    // ---------------------------------------------------------------- broadcasts and rooms

    @ParameterizedTest(name = "{0} EIO{1}")
    @MethodSource("wires")
    void broadcastsAtHighRateNeverReachUnauthenticatedSockets(String transport, int eio) throws Exception {
        startAuthenticateMode();
        List<RawClient> attackers = new ArrayList<>();
        RawClient control = null;
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong sent = new AtomicLong();
        Thread broadcaster = new Thread(() -> {
            while (running.get()) {
                server.server().getBroadcastOperations().sendEvent("bcast", sent.incrementAndGet());
                server.server().getRoomOperations("lobby").sendEvent("room-lobby", 1);
                server.server().getNamespace("/admin").getBroadcastOperations().sendEvent("bcast-admin", 1);
                server.server().getNamespace("").getRoomOperations("").sendEvent("room-default", 1);
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "broadcaster");
        try {
            for (int i = 0; i < 4; i++) {
                RawClient attacker = open(transport, eio, server.url(), Map.of());
                attacker.send(eio == 4 ? "40" : "42[\"echo\",0]", eio == 4 ? "40/admin," : "40/admin");
                attackers.add(attacker);
            }
            control = open(transport, eio, server.url(), Map.of());
            if (eio == 4) {
                control.send("40");
            }
            RawClient c = control;
            control.await(p -> p.startsWith("40"), WAIT).orElseThrow(() -> new AssertionError(c.toString()));
            control.send(authenticate("", TestTokens.token("control")));
            control.await(p -> p.startsWith("42[\"hi\""), WAIT).orElseThrow(() -> new AssertionError(c.toString()));
            broadcaster.start();
            control.awaitAll(p -> p.startsWith("42[\"bcast\""), 200, WAIT);
            Thread.sleep(500);
        } finally {
            running.set(false);
            broadcaster.join(5000);
        }
        try {
            assertTrue(sent.get() > 200, "broadcasts sent: " + sent.get());
            assertTrue(control.received().stream().filter(p -> p.contains("bcast")).count() > 100,
                    "the authenticated control socket receives the broadcasts");
            for (RawClient attacker : attackers) {
                List<String> leaked = attacker.received().stream()
                        .filter(p -> p.contains("bcast") || p.contains("room-") || p.contains("\"hi\""))
                        .collect(Collectors.toList());
                assertEquals(List.of(), leaked, "leaked to " + attacker.sid());
            }
        } finally {
            attackers.forEach(RawClient::close);
            control.close();
        }
    }

    @ParameterizedTest(name = "{0} EIO{1}")
    @MethodSource("wires")
    void unauthenticatedSocketsAreInNoRoomAndNotAmongTheNamespacesClients(String transport, int eio) {
        startAuthenticateMode();
        try (RawClient raw = open(transport, eio, server.url(), Map.of())) {
            raw.send(eio == 4 ? "40" : "42[\"echo\",0]", eio == 4 ? "40/admin," : "40/admin");
            raw.await(p -> p.startsWith("40/admin"), WAIT).orElseThrow(() -> new AssertionError(raw.toString()));
            UUID sid = UUID.fromString(raw.sid());
            assertTrue(server.server().getAllClients().stream().noneMatch(c -> c.getSessionId().equals(sid)));
            assertTrue(server.server().getNamespace("/admin").getAllClients().isEmpty());
            assertTrue(server.server().getRoomOperations("lobby").getClients().isEmpty());
            assertTrue(server.server().getNamespace("").getRoomOperations("").getClients().isEmpty());
            assertEquals(null, server.server().getClient(sid));
        }
    }

    // ---------------------------------------------------------------- sessions

    @Test
    void aClientChosenSessionIdCannotTakeOverAnAuthenticatedSession() throws Exception {
        startHandshakeMode();
        String token = TestTokens.token("victim");
        try (RawClient victim = RawClient.websocket(server.url(), 4, Map.of(), Map.of())) {
            victim.send("40{\"token\":\"" + token + "\"}");
            victim.await(p -> p.startsWith("42[\"hi\""), WAIT).orElseThrow(() -> new AssertionError(victim.toString()));
            try (RawClient attacker = RawClient.websocket(server.url(), 4, Map.of(), Map.of("io", victim.sid()))) {
                assertNotEquals(victim.sid(), attacker.sid(), "session ids are random, never the client's");
                attacker.send("42[\"echo\",\"as-victim\"]");
                server.server().getBroadcastOperations().sendEvent("bcast", "for-victim");
                victim.await(p -> p.contains("for-victim"), WAIT)
                        .orElseThrow(() -> new AssertionError("the victim still receives broadcasts: " + victim));
                Thread.sleep(SETTLE.toMillis());
                assertTrue(server.appCalls("event").isEmpty(), server.appCalls().toString());
                assertFalse(attacker.received().stream().anyMatch(p -> p.contains("for-victim")));
            }
        }
    }

    @Test
    void connectListenersSeeOnlyAuthenticatedSockets() {
        Set<UUID> connected = java.util.concurrent.ConcurrentHashMap.newKeySet();
        server = TestServer.start(s -> {
            SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET).build()).install(s);
            s.addConnectListener((SocketIOClient client) -> connected.add(client.getSessionId()));
        });
        try (RawClient good = RawClient.polling(server.url(), 3, Map.of("token", TestTokens.token("ok")), Map.of());
             RawClient bad = RawClient.polling(server.url(), 3, Map.of("token", "boooooo"), Map.of());
             RawClient none = RawClient.websocket(server.url(), 4)) {
            good.await(p -> p.startsWith("42[\"hi\""), WAIT).orElseThrow(() -> new AssertionError(good.toString()));
            bad.await(p -> p.startsWith("44"), WAIT).orElseThrow(() -> new AssertionError(bad.toString()));
            none.send("40");
            none.await(p -> p.startsWith("44"), WAIT).orElseThrow(() -> new AssertionError(none.toString()));
            assertEquals(Set.of(UUID.fromString(good.sid())), connected);
        }
    }

    @Test
    void malformedInputNeverBreaksTheServerForOthers() {
        startAuthenticateMode();
        try (RawClient attacker = RawClient.polling(server.url(), 4);
             RawClient ws = RawClient.websocket(server.url(), 4)) {
            attacker.sendRawBody("\u0000\u0001garbage");
            attacker.sendRawBody("42[\"authenticate\",{\"token\":");
            attacker.sendRawBody("40\"" + TestTokens.token("string-auth") + "\"");
            attacker.sendRawBody("4" + "[".repeat(5000));
            ws.sendFrame("42[\"authenticate\",null]");
            ws.sendFrame("42[\"authenticate\"]");
            ws.sendFrame("9999");
            try (RawClient good = RawClient.websocket(server.url(), 4)) {
                good.send("40", authenticate("", TestTokens.token("fine")), "42[\"echo\",\"served\"]");
                good.await(p -> p.contains("served"), WAIT).orElseThrow(() -> new AssertionError(good.toString()));
            }
        }
    }
}
