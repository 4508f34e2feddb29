package io.github.socketiojwt;

import com.corundumstudio.socketio.SocketIONamespace;
import io.github.socketiojwt.testing.JavaClient;
import io.github.socketiojwt.testing.NodeClient;
import io.github.socketiojwt.testing.RawClient;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Access rules from the token's claims, end to end: a refused event never reaches a listener and the client is
 * told {@code forbidden} while staying connected; rooms are joined only when the claims allow; a renewal with
 * narrower claims leaves the room; an ended authentication leaves every room.
 */
class AccessControlTest {

    private static final Duration WAIT = Duration.ofSeconds(8);
    private static final Duration SETTLE = Duration.ofMillis(300);

    /** SocketCluster's seed scenarios: publish only to the channels the token lists; adminChannel for admins. */
    static final AccessRules RULES = AccessRules.builder()
            .event("publish", EventPermission.argumentListedIn("channels", "channel"))
            .eventsStartingWith("admin:", EventPermission.claimEquals("role", "admin"))
            .room("adminChannel", RoomPermission.claimEquals("role", "admin"))
            .roomsStartingWith("chan:", RoomPermission.listedIn("channels").after("chan:"))
            .build();

    private final List<String> forbidden = new CopyOnWriteArrayList<>();
    private final List<String> appEvents = new CopyOnWriteArrayList<>();
    private TestServer server;

    @BeforeEach
    void start() {
        AuthenticationListener hooks = new AuthenticationListener() {
            @Override
            public void onForbidden(Forbidden refusal) {
                forbidden.add(refusal.kind() + " " + refusal.name() + " " + refusal.namespace() + " "
                        + refusal.subject());
            }
        };
        server = TestServer.start(s -> {
            SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET).accessRules(RULES)
                    .listener(hooks).build()).install(s, "/");
            SocketIoJwt.authorize(JwtAuthOptions.authenticate().secret(TestTokens.SECRET).accessRules(RULES)
                    .listener(hooks).build()).install(s, "/admin");
            for (String name : List.of("/", "/admin")) {
                SocketIONamespace ns = "/".equals(name) ? s.getNamespace("") : s.getNamespace(name);
                for (String event : List.of("publish", "admin:stats")) {
                    ns.addEventListener(event, Object.class, (client, data, ack) -> {
                        appEvents.add(name + " " + event);
                        if (ack.isAckRequested()) {
                            ack.sendAckData(Map.of("ok", true));
                        }
                    });
                }
                ns.addEventListener("join", String.class, (client, room, ack) ->
                        ack.sendAckData(SocketIoJwt.joinRoom(client, room) ? Map.of("ok", true)
                                : Map.of("error", "forbidden")));
            }
        });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String token(String sub, String role, List<String> channels) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", sub);
        claims.put("role", role);
        claims.put("channels", channels);
        claims.put("exp", Instant.now().plusSeconds(3600).getEpochSecond());
        return TestTokens.token(TestTokens.key(TestTokens.SECRET), claims);
    }

    private static Map<String, Object> forbiddenPayload(String message, String what, String name) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("message", message);
        data.put("code", "forbidden");
        data.put("type", "ForbiddenError");
        data.put(what, name);
        return Map.of("message", message, "data", data);
    }

    private JavaClient connect(String sub, String role, List<String> channels) {
        JavaClient client = JavaClient.connect(server.url(), "/", Map.of("token", token(sub, role, channels)), null,
                null).listen("forbidden", "news");
        client.awaitOrFail("connect", WAIT);
        return client;
    }

    @Test
    void anAllowedEventReachesItsListenerAndARefusedOneIsAnsweredForbiddenWhileTheSocketStays() {
        try (JavaClient alice = connect("alice", "user", List.of("news"))) {
            alice.emitWithAck("publish", Map.of("channel", "news", "text", "hello"));
            assertEquals(Map.of("ok", true), alice.awaitOrFail("ack:publish", WAIT).arg(0));

            alice.emitWithAck("admin:stats", Map.of());
            assertEquals(forbiddenPayload("event not allowed", "event", "admin:stats"),
                    alice.awaitOrFail("ack:admin:stats", WAIT).arg(0), "an ack error when an ack was asked for");
            alice.emit("publish", Map.of("channel", "sport", "text", "secret"));
            assertEquals(forbiddenPayload("event not allowed", "event", "publish"),
                    alice.awaitOrFail("forbidden", WAIT).arg(0), "else a forbidden event");

            alice.emit("admin:stats", (Object) new byte[] {1, 2, 3}); // a binary event
            alice.await(e -> alice.events().stream().filter(x -> x.name().equals("forbidden")).count() == 2, WAIT)
                    .orElseThrow();
            alice.emit("echo", "still connected");
            alice.awaitOrFail("echo-response", WAIT);
            assertEquals(List.of("/ publish"), appEvents);
            assertEquals(List.of("EVENT admin:stats / alice", "EVENT publish / alice", "EVENT admin:stats / alice"),
                    forbidden);
            assertFalse(alice.has("disconnect"));
        }
    }

    @Test
    void anAdminMaySendWhatAUserMayNot() {
        try (JavaClient admin = connect("root", "admin", List.of())) {
            admin.emitWithAck("admin:stats", Map.of());
            assertEquals(Map.of("ok", true), admin.awaitOrFail("ack:admin:stats", WAIT).arg(0));
            assertEquals(List.of("/ admin:stats"), appEvents);
        }
    }

    @ParameterizedTest(name = "socket.io-client v{0}")
    @ValueSource(strings = {"2", "4"})
    void nodeClientsSeeAllowedAndRefusedEvents(String version) {
        String token = token("bob", "user", List.of("news"));
        NodeClient client = NodeClient.of(version, server.url()).listen("forbidden");
        client = "4".equals(version) ? client.auth(Map.of("token", token)) : client.query("token", token);
        NodeClient.Result result = client.waitFor("connect", 5000)
                .emitWithAck("publish", Map.of("channel", "news")).waitFor("ack:publish", 5000)
                .emitWithAck("publish", Map.of("channel", "sport")).waitFor("ack:publish", 5000)
                .emit("admin:stats", Map.of()).waitFor("forbidden", 5000).run();
        assertTrue(result.timeouts().isEmpty(), result.toString());
        List<Object> acks = result.events().stream().filter(e -> e.name().equals("ack:publish"))
                .map(NodeClient.Event::firstArg).collect(Collectors.toList());
        assertEquals(List.of(Map.of("ok", true), forbiddenPayload("event not allowed", "event", "publish")), acks);
        assertEquals(forbiddenPayload("event not allowed", "event", "admin:stats"),
                result.first("forbidden").orElseThrow().firstArg());
        assertEquals(List.of("/ publish"), appEvents);
        assertTrue(result.first("disconnect").isEmpty(), result.toString());
    }

    static Stream<Arguments> wires() {
        return Stream.of("polling", "websocket").flatMap(t -> Stream.of(3, 4).map(v -> Arguments.of(t, v)));
    }

    @ParameterizedTest(name = "{0} EIO{1}")
    @MethodSource("wires")
    void rawFramesCannotGetARefusedEventToAListener(String transport, int eio) throws InterruptedException {
        String token = token("mallory", "user", List.of("news"));
        Map<String, String> query = Map.of("token", token);
        try (RawClient raw = "polling".equals(transport) ? RawClient.polling(server.url(), eio, query, Map.of())
                : RawClient.websocket(server.url(), eio, query, Map.of())) {
            if (eio == 4) {
                raw.send("40");
            }
            raw.await(p -> p.startsWith("40"), WAIT).orElseThrow(() -> new AssertionError(raw.toString()));
            // One message: refused events, plain and acked, a binary one without its attachment, near-miss names.
            raw.send("42[\"publish\",{\"channel\":\"sport\"}]", "427[\"admin:stats\",{}]",
                    "451-[\"publish\",{\"_placeholder\":true,\"num\":0}]", "42[\"publish\"]",
                    "42[\"publish\",\"news\"]", "42[\"admin:\",1]", "428[\"publish\",{\"channel\":[\"news\"]}]",
                    "42[\"echo\",\"served\"]");
            raw.await(p -> p.contains("\"served\""), WAIT).orElseThrow(() -> new AssertionError(raw.toString()));
            raw.await(p -> p.startsWith("438"), WAIT).orElseThrow(() -> new AssertionError(raw.toString()));
            Thread.sleep(SETTLE.toMillis());
            assertEquals(List.of(), appEvents, "no refused event reached a listener");
            assertTrue(raw.received().stream().anyMatch(p -> p.startsWith("437[{\"message\":\"event not allowed\"")),
                    raw.received().toString());
        }
    }

    @Test
    void roomsAreJoinedOnlyWhenTheClaimsAllowAndRoomMessagesReachOnlyMembers() {
        try (JavaClient alice = connect("alice", "user", List.of("news"));
             JavaClient root = connect("root", "admin", List.of())) {
            alice.emitWithAck("join", "chan:news");
            assertEquals(Map.of("ok", true), nth(alice, "ack:join", 1).arg(0));
            root.emitWithAck("join", "chan:news");
            assertEquals(Map.of("error", "forbidden"), nth(root, "ack:join", 1).arg(0));
            root.emitWithAck("join", "adminChannel");
            assertEquals(Map.of("ok", true), nth(root, "ack:join", 2).arg(0));
            alice.emitWithAck("join", "adminChannel");
            assertEquals(Map.of("error", "forbidden"), nth(alice, "ack:join", 2).arg(0));

            SocketIONamespace root0 = server.server().getNamespace("");
            assertEquals(Set.of(sidOf("alice")), sids(root0, "chan:news"));
            assertEquals(List.of("ROOM chan:news / root", "ROOM adminChannel / alice"), forbidden);
            root0.getRoomOperations("chan:news").sendEvent("news", "for members");
            alice.awaitOrFail("news", WAIT);
        }
    }

    /** Waits for the n-th (from 1) event of a name. */
    private static JavaClient.Event nth(JavaClient client, String name, int n) {
        client.await(e -> client.events().stream().filter(x -> x.name().equals(name)).count() >= n, WAIT)
                .orElseThrow(() -> new AssertionError("no " + name + " #" + n + ": " + client.events()));
        return client.events().stream().filter(x -> x.name().equals(name)).skip(n - 1).findFirst().orElseThrow();
    }

    /** The session id of the socket authenticated as a subject on "/". */
    private UUID sidOf(String subject) {
        return server.server().getAllClients().stream()
                .filter(c -> SocketIoJwt.principal(c).map(p -> subject.equals(p.subject())).orElse(false))
                .findFirst().orElseThrow().getSessionId();
    }

    private static Set<UUID> sids(SocketIONamespace ns, String room) {
        return ns.getRoomOperations(room).getClients().stream().map(c -> c.getSessionId())
                .collect(Collectors.toSet());
    }

    @Test
    void sendToRoomReachesOnlyTheMembersWhoseClaimsMatch() {
        try (JavaClient alice = connect("alice", "user", List.of("news"));
             JavaClient editor = connect("eve", "admin", List.of("news"))) {
            alice.emitWithAck("join", "chan:news");
            editor.emitWithAck("join", "chan:news");
            alice.awaitOrFail("ack:join", WAIT);
            editor.awaitOrFail("ack:join", WAIT);
            int sent = SocketIoJwt.sendToRoom(server.server().getNamespace(""), "chan:news",
                    p -> "admin".equals(p.claim("role")), "news", "moderation");
            assertEquals(1, sent);
            assertEquals("moderation", editor.awaitOrFail("news", WAIT).arg(0));
            server.server().getNamespace("").getRoomOperations("chan:news").sendEvent("news", "everyone");
            alice.awaitOrFail("news", WAIT);
            assertEquals(List.of("everyone"), alice.events().stream().filter(e -> e.name().equals("news"))
                    .map(e -> e.arg(0)).collect(Collectors.toList()), "alice never got the admins' message");
        }
    }

    @Test
    void aRenewalWithNarrowerClaimsLeavesTheRoomsTheyNoLongerAllow() {
        try (JavaClient alice = JavaClient.connect(server.url(), "/admin", null, null, null).listen("forbidden")) {
            alice.awaitOrFail("connect", WAIT);
            alice.emit("authenticate", Map.of("token", token("alice", "user", List.of("news", "sport"))));
            alice.awaitOrFail("authenticated", WAIT);
            alice.emitWithAck("join", "chan:news");
            alice.awaitOrFail("ack:join", WAIT);
            alice.emitWithAck("join", "chan:sport");
            alice.await(e -> alice.events().stream().filter(x -> x.name().equals("ack:join")).count() == 2, WAIT)
                    .orElseThrow();
            SocketIONamespace admin = server.server().getNamespace("/admin");
            assertEquals(1, sids(admin, "chan:sport").size());

            alice.emit("authenticate", Map.of("token", token("alice", "user", List.of("news"))));
            assertEquals(forbiddenPayload("room no longer allowed", "room", "chan:sport"),
                    alice.awaitOrFail("forbidden", WAIT).arg(0));
            alice.await(e -> alice.events().stream().filter(x -> x.name().equals("authenticated")).count() == 2,
                    WAIT).orElseThrow();
            assertTrue(sids(admin, "chan:sport").isEmpty(), "left the room its claims no longer allow");
            assertEquals(1, sids(admin, "chan:news").size(), "kept the one they still allow");
            assertTrue(sids(admin, "lobby").size() == 1, "rooms no rule governs are kept");
            assertEquals(List.of("ROOM_LEFT chan:sport /admin alice"), forbidden);
        }
    }

    @Test
    void aDeauthenticatedSocketIsInNoRoomAndDoesNotGetItsRoomsBackWhenItAuthenticatesAgain() {
        try (JavaClient alice = JavaClient.connect(server.url(), "/admin", null, null, null)) {
            alice.awaitOrFail("connect", WAIT);
            alice.emit("authenticate", Map.of("token", token("alice", "user", List.of("news"))));
            alice.awaitOrFail("authenticated", WAIT);
            alice.emitWithAck("join", "chan:news");
            alice.awaitOrFail("ack:join", WAIT);
            SocketIONamespace admin = server.server().getNamespace("/admin");
            assertEquals(1, SocketIoJwt.deauthenticateSubject(server.server(), "alice", Deauthentication.QUARANTINE));
            alice.awaitOrFail("unauthorized", WAIT);
            assertTrue(sids(admin, "chan:news").isEmpty());
            assertTrue(sids(admin, "lobby").isEmpty());

            alice.emit("authenticate", Map.of("token", token("alice", "user", List.of("news"))));
            alice.await(e -> alice.events().stream().filter(x -> x.name().equals("authenticated")).count() == 2,
                    WAIT).orElseThrow();
            assertTrue(sids(admin, "chan:news").isEmpty(), "a new authentication starts with no guarded room");
        }
    }

    /** The README's snippet, as written there: publish to listed channels, subscribe through joinRoom. */
    @Test
    void theReadmeSeedScenariosRunAsDocumented() {
        TestServer readme = TestServer.start(server -> {
            SocketIoJwt.authorize(JwtAuthOptions.handshake().secret(TestTokens.SECRET).accessRules(RULES).build())
                    .install(server);
            server.addEventListener("publish", Map.class, (client, message, ack) ->
                    server.getRoomOperations("chan:" + message.get("channel")).sendEvent("message", message));
            server.addEventListener("subscribe", String.class, (client, channel, ack) ->
                    ack.sendAckData(SocketIoJwt.joinRoom(client, "chan:" + channel) ? "ok" : "forbidden"));
        });
        try (JavaClient alice = JavaClient.connect(readme.url(), "/", Map.of("token", token("alice", "user",
                List.of("news"))), null, null).listen("message", "forbidden")) {
            alice.awaitOrFail("connect", WAIT);
            alice.emitWithAck("subscribe", "news");
            assertEquals("ok", nth(alice, "ack:subscribe", 1).arg(0));
            alice.emitWithAck("subscribe", "sport");
            assertEquals("forbidden", nth(alice, "ack:subscribe", 2).arg(0));
            alice.emit("publish", Map.of("channel", "news", "text", "hello"));
            assertEquals(Map.of("channel", "news", "text", "hello"), alice.awaitOrFail("message", WAIT).arg(0));
            alice.emit("publish", Map.of("channel", "sport", "text", "nope"));
            assertEquals("publish", ((Map<?, ?>) ((Map<?, ?>) alice.awaitOrFail("forbidden", WAIT).arg(0))
                    .get("data")).get("event"));
        } finally {
            readme.close();
        }
    }
}
