package io.github.socketiojwt.bench;

import io.github.socketiojwt.JwtAuthOptions;
import io.github.socketiojwt.KeyResolver;
import io.github.socketiojwt.SocketIoJwt;
import io.github.socketiojwt.testing.RawClient;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;

import java.security.Key;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Measures what a slow key resolver does to everyone else: a probe client does echo round trips on a public
 * namespace while 100 clients connect to "/" whose resolver (a) answers at once (the baseline: the same storm of
 * connections), (b) answers from another thread after 50 ms (the library's asynchronous path) and (c) sleeps 50 ms on
 * the Netty event loop (what a blocking resolver would do). Prints the probe's round-trip percentiles for a quiet server and for each storm, per round and pooled
 * over every round but the first (a warm-up). Not a test: figures depend on the machine. The optional argument is
 * the number of rounds (default 5): {@code -Dexec.args=5}.
 *
 * <pre>mvn -q -pl lib test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.github.socketiojwt.bench.ResolverStall -DskipNodeClients=true</pre>
 */
public final class ResolverStall {

    private static final int CLIENTS = 100;
    private static final long RESOLVER_MS = 50;
    private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "slow-key-store");
        t.setDaemon(true);
        return t;
    });

    private ResolverStall() {
    }

    public static void main(String[] args) throws Exception {
        KeyResolver async = request -> {
            CompletableFuture<Key> key = new CompletableFuture<>();
            LATER.schedule(() -> key.complete(TestTokens.key(TestTokens.SECRET)), RESOLVER_MS, TimeUnit.MILLISECONDS);
            return key;
        };
        KeyResolver blocking = KeyResolver.of(request -> {
            try {
                Thread.sleep(RESOLVER_MS); // what a resolver doing I/O on the event loop would do
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return TestTokens.key(TestTokens.SECRET);
        });
        System.out.println("probe echo round trip on /chat while " + CLIENTS + " clients connect to / (resolver "
                + RESOLVER_MS + " ms), milliseconds");
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        KeyResolver instant = request -> CompletableFuture.completedFuture(TestTokens.key(TestTokens.SECRET));
        List<Long> quiet = new ArrayList<>();
        List<Long> instantStorm = new ArrayList<>();
        List<Long> asynchronous = new ArrayList<>();
        List<Long> blocked = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            boolean warmUp = round == 1 && rounds > 1; // the first round warms the JVM up and is left out below
            addUnless(warmUp, quiet, run("round " + round + " quiet server       ", async, 0));
            addUnless(warmUp, instantStorm, run("round " + round + " instant resolver   ", instant, CLIENTS));
            addUnless(warmUp, asynchronous, run("round " + round + " async resolver     ", async, CLIENTS));
            addUnless(warmUp, blocked, run("round " + round + " blocking resolver  ", blocking, CLIENTS));
        }
        Collections.sort(quiet);
        Collections.sort(instantStorm);
        Collections.sort(asynchronous);
        Collections.sort(blocked);
        System.out.printf(Locale.ROOT, "rounds 2-%d pooled p99: quiet %.1f ms; storm with an instant resolver %.1f ms;"
                + " with a 50 ms async resolver %.1f ms (%.2f x the instant storm); blocking %.1f ms (%.2f x)%n", rounds,
                pct(quiet, 0.99), pct(instantStorm, 0.99), pct(asynchronous, 0.99),
                pct(asynchronous, 0.99) / pct(instantStorm, 0.99), pct(blocked, 0.99),
                pct(blocked, 0.99) / pct(instantStorm, 0.99));
        System.exit(0);
    }

    private static void addUnless(boolean skip, List<Long> into, List<Long> rtts) {
        if (!skip) {
            into.addAll(rtts);
        }
    }

    private static List<Long> run(String label, KeyResolver resolver, int clients) throws Exception {
        try (TestServer server = TestServer.start(s -> SocketIoJwt.authorize(JwtAuthOptions.handshake()
                .keyResolver(resolver).resolutionTimeout(Duration.ofSeconds(30)).build()).install(s, "/"))) {
            RawClient probe = RawClient.websocket(server.url(), 4);
            probe.send("40/chat,");
            probe.await(p -> p.startsWith("40/chat"), Duration.ofSeconds(5)).orElseThrow();
            for (int i = 0; i < 50; i++) { // warm-up
                roundTrip(probe, -1 - i);
            }
            ExecutorService storm = Executors.newFixedThreadPool(16);
            List<RawClient> connecting = Collections.synchronizedList(new ArrayList<>());
            long stormStart = System.nanoTime();
            List<CompletableFuture<Long>> connected = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                String token = TestTokens.token("user" + i);
                connected.add(CompletableFuture.supplyAsync(() -> {
                    RawClient client = RawClient.websocket(server.url(), 4);
                    connecting.add(client);
                    client.send("40{\"token\":\"" + token + "\"}");
                    client.await(p -> p.startsWith("40{"), Duration.ofSeconds(30)).orElseThrow();
                    return System.nanoTime();
                }, storm));
            }
            List<Long> rtts = new ArrayList<>();
            int n = 0;
            do {
                rtts.add(roundTrip(probe, n++));
                Thread.sleep(2);
            } while (clients > 0 ? connected.stream().anyMatch(f -> !f.isDone()) : n < 100);
            long stormEnd = connected.stream().mapToLong(CompletableFuture::join).max().orElse(System.nanoTime());
            Collections.sort(rtts);
            System.out.printf(Locale.ROOT, "%s probes=%3d p50=%6.1f p99=%6.1f max=%6.1f  storm=%5d ms%n", label,
                    rtts.size(), pct(rtts, 0.50), pct(rtts, 0.99), rtts.get(rtts.size() - 1) / 1e6,
                    clients == 0 ? 0 : (stormEnd - stormStart) / 1_000_000);
            connecting.forEach(RawClient::close);
            probe.close();
            storm.shutdownNow();
            return rtts;
        }
    }

    private static long roundTrip(RawClient probe, int n) {
        int from = probe.received().size();
        long start = System.nanoTime();
        probe.send("42/chat,[\"echo\"," + n + "]");
        probe.awaitFrom(from, p -> p.equals("42/chat,[\"echo-response\"," + n + "]"), Duration.ofSeconds(30))
                .orElseThrow();
        return System.nanoTime() - start;
    }

    private static double pct(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(q * sorted.size()))) / 1e6;
    }
}
