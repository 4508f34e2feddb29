package io.github.socketiojwt.bench;

import io.github.socketiojwt.JwtAuthOptions;
import io.github.socketiojwt.JwtAuthorizer;
import io.github.socketiojwt.SocketIoJwt;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Locale;

/**
 * Measures how precisely quarantined sockets that never authenticate are disconnected: N websocket clients
 * (Engine.IO v4, Node's {@code ws}, in another process: {@code lib/src/test/node/silent-sockets.js}) connect to an
 * authenticate-mode "/" and stay silent; for each, the lateness of the DISCONNECT packet ({@code 41}) after the
 * CONNECT ack ({@code 40}) is measured against the timeout. Also prints the server's live threads and the
 * library's pending timers and sessions before and after. Not a test: figures depend on the machine.
 *
 * <pre>mvn -q -pl lib test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.github.socketiojwt.bench.QuarantineStorm -Dexec.args="10000 2000"</pre>
 *
 * <p>Arguments: the number of sockets (default 10,000) and the authentication timeout in milliseconds (default
 * 2,000).
 */
public final class QuarantineStorm {

    private QuarantineStorm() {
    }

    public static void main(String[] args) throws Exception {
        int sockets = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        long timeoutMs = args.length > 1 ? Long.parseLong(args[1]) : 2_000;
        TestServer server = TestServer.start(s -> SocketIoJwt.authorize(JwtAuthOptions.authenticate()
                .secret(TestTokens.SECRET).timeout(Duration.ofMillis(timeoutMs)).build())
                .install(s, "/"));
        int threadsBefore = Thread.activeCount();
        long timersBefore = io.github.socketiojwt.internal.TimersProbe.pending();
        Path script = nodeDir().resolve("silent-sockets.js");
        Process node = new ProcessBuilder("node", script.toString(), server.url(), String.valueOf(sockets),
                String.valueOf(timeoutMs)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int threadsDuring = Thread.activeCount();
        String result = new String(node.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        node.waitFor();
        Thread.sleep(3_000); // the server closes connections after the DISCONNECT has been delivered
        System.out.printf(Locale.ROOT, "%d quarantined sockets (Node ws clients), timeout %d ms%n", sockets, timeoutMs);
        System.out.println("client-observed DISCONNECT after the timeout: " + result.trim());
        System.out.printf(Locale.ROOT, "server threads: %d before, %d while the sockets connect, %d after%n",
                threadsBefore, threadsDuring, Thread.activeCount());
        System.out.printf(Locale.ROOT, "library timers pending: %d before, %d after; sessions tracked after: %d%n",
                timersBefore, io.github.socketiojwt.internal.TimersProbe.pending(),
                JwtAuthorizer.trackedSessions(server.server()));
        server.close();
        System.exit(0);
    }

    private static Path nodeDir() {
        String prop = System.getProperty("nodeClientsDir");
        Path dir = prop != null ? Paths.get(prop) : Paths.get("lib", "src", "test", "node");
        return Files.isDirectory(dir) ? dir : Paths.get("src", "test", "node");
    }
}
