package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.handler.ClientHead;
import io.github.socketiojwt.AccessRulesBenchmark;
import io.github.socketiojwt.JwtAuthOptions;
import io.github.socketiojwt.SocketIoJwt;
import io.jsonwebtoken.Jwts;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;

/**
 * One inbound event packet, {@code 42["publish",{"channel":"news","text":"hello"}]}, decoded and dispatched to
 * the application's listener on "/": netty-socketio's own packet handler against the library's guard, with real
 * netty-socketio objects and no network (see {@link OfflineServer}). The socket speaks Engine.IO v4 over WebSocket.
 *
 * <p>{@code path}:
 * <ul>
 *   <li>{@code nettySocketio}: netty-socketio 2.0.14 alone ({@code InPacketHandler}), the baseline.</li>
 *   <li>{@code guardPublicNamespace}: the library installed on {@code /admin} only, the event sent on the public
 *       "/": what the guard costs namespaces it does not protect.</li>
 *   <li>{@code guardNoRules}: "/" protected (handshake mode, HS256), the socket authenticated, no access
 *       rules.</li>
 *   <li>{@code guard100Rules}: the same with {@link AccessRulesBenchmark#rules(String) 100 exact-name rules plus
 *       three prefix and pattern rules}; the event matches one rule, which allows it.</li>
 * </ul>
 *
 * <p>{@code nettyTimer}: every packet, on either path, reschedules the session's ping time-out on netty-socketio's
 * timer ({@code ClientHead.schedulePingTimeout}). With {@code real}, netty-socketio's own {@code HashedWheelTimer}
 * does it, and its worker thread, busy with a million cancelled time-outs a second, competes with the measured one
 * (two cores here): the figures include that work and vary with it. With {@code stubbed}, the timer does nothing,
 * on both paths alike, and the figures are the packet path's alone: use them to compare the paths.
 *
 * <p>Not measured: the WebSocket frame decoding and the channel pipeline before the packet handler (the same with
 * and without the library), and anything the server sends back (nothing, here: no ack is requested). Every
 * iteration checks that each packet reached the listener, so that a dropped packet is never measured as a fast one.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class GuardDispatchBenchmark {

    private static final byte[] EVENT = "42[\"publish\",{\"channel\":\"news\",\"text\":\"hello\"}]"
            .getBytes(StandardCharsets.UTF_8);

    @Param({"nettySocketio", "guardPublicNamespace", "guardNoRules", "guard100Rules"})
    public String path;

    /** {@code stubbed}: netty-socketio's timer does nothing; {@code real}: its own HashedWheelTimer. */
    @Param({"stubbed", "real"})
    public String nettyTimer;

    private OfflineServer server;
    private ClientHead head;
    private long sent;
    private long received;

    @Setup(Level.Trial)
    public void setUp() {
        if (!nettyTimer.equals("stubbed") && !nettyTimer.equals("real")) {
            throw new IllegalArgumentException("nettyTimer: " + nettyTimer + " (expected: stubbed or real)");
        }
        SecretKey key = Jwts.SIG.HS256.key().build();
        server = OfflineServer.start(nettyTimer.equals("stubbed"), s -> {
            s.addEventListener("publish", Map.class, (client, data, ack) -> received++);
            switch (path) {
                case "nettySocketio":
                    break;
                case "guardPublicNamespace":
                    s.addNamespace("/admin");
                    SocketIoJwt.authorize(options(key, "none")).install(s, "/admin");
                    break;
                case "guardNoRules":
                    SocketIoJwt.authorize(options(key, "none")).install(s, "/");
                    break;
                case "guard100Rules":
                    SocketIoJwt.authorize(options(key, "hundred")).install(s, "/");
                    break;
                default:
                    throw new IllegalArgumentException("path: " + path + " (expected: one of @Param's)");
            }
        });
        head = server.openSession();
        if (path.equals("guardNoRules") || path.equals("guard100Rules")) {
            String token = Jwts.builder().subject("alice").claim("role", "user")
                    .claim("channels", List.of("news", "sports")).issuedAt(new Date())
                    .expiration(Date.from(Instant.now().plusSeconds(3600))).signWith(key).compact();
            server.receive(head, "40{\"token\":\"" + token + "\"}");
        } else {
            server.receive(head, "40");
        }
        server.receive(head, EVENT);
        if (received != 1) {
            throw new IllegalStateException(path + ": the first event did not reach the listener");
        }
        if (path.equals("guard100Rules")) {
            server.receive(head, "42[\"publish\",{\"channel\":\"secret\"}]");
            if (received != 1) {
                throw new IllegalStateException(path + ": the access rules did not apply");
            }
        }
        received = 0;
    }

    @TearDown(Level.Iteration)
    public void everyPacketReachedTheListener() {
        if (received != sent) {
            throw new IllegalStateException(path + ": " + (sent - received) + " of " + sent
                    + " packets did not reach the listener");
        }
        sent = 0;
        received = 0;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        server.close();
    }

    @Benchmark
    public void dispatchEvent() {
        sent++;
        server.receive(head, EVENT);
    }

    private static JwtAuthOptions options(SecretKey key, String rules) {
        return JwtAuthOptions.handshake().secret(key).accessRules(AccessRulesBenchmark.rules(rules)).build();
    }
}
