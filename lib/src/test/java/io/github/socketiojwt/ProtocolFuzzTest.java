package io.github.socketiojwt;

import io.github.socketiojwt.testing.FuzzCase;
import io.github.socketiojwt.testing.FuzzCaseGenerator;
import io.github.socketiojwt.testing.FuzzRegressions;
import io.github.socketiojwt.testing.FuzzRunner;
import io.github.socketiojwt.testing.ProblemRecorder;
import io.github.socketiojwt.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fuzzer at a server the library protects: random and mutated Engine.IO v3/v4 frames, CONNECT {@code auth}
 * payloads and {@code authenticate} events with tokens of every JSON type (binary attachments included),
 * {@code Authorization} headers and {@code ?token=} queries of every shape, over long-polling, WebSocket and the
 * upgrade, at two servers with handshake mode on some namespaces and authenticate mode on the others (see
 * {@link FuzzCaseGenerator}). After each case it asserts:
 * <ol type="a">
 *   <li>no application listener saw a socket on a namespace it held no valid token for (each namespace has its
 *       own secret, so valid tokens are told apart by namespace);</li>
 *   <li>no exception escaped into Netty or netty-socketio (an {@code ExceptionListener}, a recorder at the end of
 *       every pipeline, WARN/ERROR lines with an exception, the library's catch-all line, Netty leak reports);</li>
 *   <li>no WARN/ERROR log line carries a token, a token's signature, a nonce of a garbage token or a secret;</li>
 *   <li>a bad token is answered (an error packet, {@code unauthorized}, an HTTP error, or the connection
 *       closed) within {@link #BOUND}; the slowest answer is printed;</li>
 *   <li>every {@value #VALID_EVERY}th case is a valid client, which must get its echo.</li>
 * </ol>
 *
 * <p>System properties: {@code -Dfuzz.seed=S} replays a run, {@code -Dfuzz.case=17,42} plays only those cases of
 * it, {@code -Dfuzz.cases=N} and {@code -Dfuzz.seconds=T} bound it (defaults {@value #DEFAULT_CASES} cases and
 * {@value #DEFAULT_SECONDS} s, whichever comes first). The seed and the count are printed at the start and the
 * end; a failure prints the seed, the case and every frame it sent.
 */
class ProtocolFuzzTest {

    static final int DEFAULT_CASES = 400;
    static final int DEFAULT_SECONDS = 90;
    static final int VALID_EVERY = 8;
    /** The longest wait for an answer; a quiet machine answers in milliseconds. */
    static final Duration BOUND = Duration.ofSeconds(5);
    /** The time a wrongly delivered event is given to reach the application before a case is judged. */
    static final Duration SETTLE = Duration.ofMillis(150);
    private static final int FULL_REPORTS_PER_CLASS = 3;

    /** A secret per namespace: a token valid on one namespace is a bad token on every other. */
    static final Map<String, String> SECRETS = Map.of(
            "/", "fuzz-secret-root-0123456789abcdef",
            "/admin", "fuzz-secret-admin-0123456789abcde",
            "/admin_hs", "fuzz-secret-admin-hs-0123456789abc",
            "/chat", "fuzz-secret-chat-0123456789abcdef");

    private static ProblemRecorder recorder;
    private static Map<String, TestServer> servers;
    private static FuzzCaseGenerator generator;
    private static FuzzRunner runner;

    @BeforeAll
    static void start() {
        recorder = new ProblemRecorder().captureLogs();
        servers = new LinkedHashMap<>();
        servers.put("H", start("H"));
        servers.put("A", start("A"));
        generator = new FuzzCaseGenerator(SECRETS);
        Map<String, Integer> ports = new HashMap<>();
        servers.forEach((layout, server) -> ports.put(layout, server.port()));
        runner = new FuzzRunner(ports, BOUND, SETTLE);
    }

    private static TestServer start(String layout) {
        return TestServer.start(config -> {
            config.setExceptionListener(recorder);
            // as the README advises for an application with HTTP handlers of its own on the Socket.IO port
            config.setAllowCustomRequests("A".equals(layout));
        }, s -> {
            for (String ns : TestServer.NAMESPACES) {
                JwtAuthOptions options = FuzzCaseGenerator.handshakeMode(layout, ns)
                        ? JwtAuthOptions.handshake().secret(SECRETS.get(ns)).build()
                        // longer than BOUND: a silent server is not rescued by the authentication timeout
                        : JwtAuthOptions.authenticate().secret(SECRETS.get(ns)).timeout(Duration.ofSeconds(10)).build();
                SocketIoJwt.authorize(options).install(s, ns);
            }
            SocketIoJwt.customizePipeline(s, p -> p.addLast("fuzzProblemRecorder", recorder.pipelineTail()));
        });
    }

    @AfterAll
    static void stop() {
        if (servers != null) {
            servers.values().forEach(TestServer::close);
        }
        if (recorder != null) {
            recorder.close();
        }
    }

    @Test
    void randomAndMutatedFramesNeverReachTheApplicationAndEveryBadTokenIsAnswered() {
        long seed = Long.getLong("fuzz.seed", new SecureRandom().nextLong());
        int cases = Integer.getInteger("fuzz.cases", DEFAULT_CASES);
        int seconds = Integer.getInteger("fuzz.seconds", DEFAULT_SECONDS);
        Set<Integer> only = parseOnly(System.getProperty("fuzz.case"));
        System.out.println("[fuzz] ProtocolFuzzTest seed " + seed + ": up to " + cases + " cases in up to " + seconds
                + " s (replay: -Dfuzz.seed=" + seed + ", one case: -Dfuzz.case=N)");
        Judge judge = new Judge(seed);
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        int ran = 0;
        for (int i = 0; i < cases && System.nanoTime() < deadline; i++) {
            if (only != null && !only.contains(i)) {
                continue;
            }
            Random r = new Random(seed ^ (0x9E3779B97F4A7C15L * (i + 1)));
            String id = seed + "/" + i;
            FuzzCase c = i % VALID_EVERY == VALID_EVERY - 1 ? generator.valid(id, r) : generator.next(id, r);
            judge.play(c);
            ran++;
            if (i % 25 == 24) {
                System.gc(); // lets Netty's leak detector see buffers that were dropped unreleased
            }
        }
        judge.finish();
        System.out.println("[fuzz] ProtocolFuzzTest seed " + seed + ": ran " + ran + " cases; " + judge.summary());
        assertTrue(judge.failures.isEmpty(), "seed " + seed + ": " + judge.summary());
    }

    @Test
    void theInputsThatFoundSilentOrNoisyCasesKeepEveryInvariant() {
        String filter = System.getProperty("fuzz.regression", "");
        List<FuzzCase> cases = FuzzRegressions.all().stream().filter(c -> c.id().contains(filter)).toList();
        System.out.println("[fuzz] ProtocolFuzzTest regressions: " + cases.size() + " cases");
        Judge judge = new Judge(0);
        for (FuzzCase c : cases) {
            int before = judge.failures.size();
            judge.play(c);
            System.out.println("[fuzz] regression " + c.id() + ": " + (judge.failures.size() == before ? "ok"
                    : "FAILED " + judge.failures.subList(before, judge.failures.size())));
            System.gc(); // a buffer this case leaked is reported while the next one runs, not much later
        }
        judge.finish();
        System.out.println("[fuzz] ProtocolFuzzTest regressions: ran " + cases.size() + " cases; " + judge.summary());
        assertTrue(judge.failures.isEmpty(), "regressions: " + judge.summary());
    }

    private static Set<Integer> parseOnly(String property) {
        if (property == null || property.isBlank()) {
            return null;
        }
        Set<Integer> only = new TreeSet<>();
        for (String part : property.split(",")) {
            only.add(Integer.parseInt(part.trim()));
        }
        return only;
    }

    /** Plays cases and judges them against the invariants; collects failures by class. */
    private static final class Judge {
        private final long seed;
        /** Which session may reach which namespace, and whose it is: shared, as the servers are, by every judge. */
        private static final Set<String> allowed = ConcurrentHashMap.newKeySet();
        private static final Map<String, String> owners = new ConcurrentHashMap<>();
        private final Map<String, Integer> seenCalls = new HashMap<>();
        private final List<String> failures = new ArrayList<>();
        private final Map<String, List<String>> classes = new LinkedHashMap<>();
        private final List<String[]> pending = new ArrayList<>();
        private List<String> previousMarkers = List.of();
        private String previousId = "none";
        private long maxAnswerMillis = -1;
        private String slowestCase = "none";
        private long answers;
        private long answerMillisTotal;
        private int validClients;
        private final Map<String, Integer> answeredBy = new TreeMap<>();
        private final List<String> closedWithoutUnauthorized = new ArrayList<>();

        Judge(long seed) {
            this.seed = seed;
            // the servers outlive a test method: what an earlier judge saw is not this one's to judge again
            servers.forEach((layout, server) -> seenCalls.put(layout, server.appCalls().size()));
        }

        void play(FuzzCase c) {
            int mark = recorder.size();
            FuzzRunner.Outcome o = runner.run(c);
            if (o.sid() != null) {
                owners.put(o.sid(), c.id());
                for (String ns : c.validOn()) {
                    allowed.add(o.sid() + " " + ns);
                }
            }
            // (a) only sockets with a valid token for a namespace reach its listeners
            for (String call : newAppCalls()) {
                String[] parts = call.split(" ");
                String ns = parts[1];
                String sid = parts[parts.length - 1];
                if (!allowed.contains(sid + " " + ns)) {
                    String owner = owners.getOrDefault(sid, "an unknown session");
                    fail("(a) unauthenticated socket reached the application", c, o,
                            "listener call \"" + call + "\" of the session of case " + owner,
                            c.kind() + " " + c.shape() + " -> " + parts[0]);
                }
            }
            judgeProblems(c, o, mark);
            // (d) a bad token is answered within the bound
            if (c.answerOn() != null) {
                if (o.answer() == null) {
                    fail("(d) no answer within " + BOUND.toMillis() + " ms", c, o, "nothing on " + c.answerOn()
                            + " and the connection stayed open", c.kind() + " " + c.shape()
                            + (c.tags().isEmpty() ? "" : " " + c.tags()));
                } else {
                    answers++;
                    answerMillisTotal += o.answerMillis();
                    String how = o.answer().startsWith("44") ? "error packet" : o.answer().startsWith("HTTP")
                            ? "HTTP status" : o.answer().startsWith("closed") ? "closed" : "unauthorized";
                    answeredBy.merge(how, 1, Integer::sum);
                    if (how.equals("closed") && !FuzzCaseGenerator.handshakeMode(c.layout(), c.answerOn())) {
                        closedWithoutUnauthorized.add(c.id());
                        if (Boolean.getBoolean("fuzz.verbose")) {
                            System.out.println("[fuzz] closed without unauthorized: " + c.describe() + "\n  " + o.describe());
                        }
                    }
                    if (o.answerMillis() > maxAnswerMillis) {
                        maxAnswerMillis = o.answerMillis();
                        slowestCase = c.id() + " [" + c.kind() + ", " + c.wire() + " EIO" + c.eio() + "]";
                    }
                }
            }
            // (e) a valid client is served
            if (c.servedBy() != null) {
                validClients++;
                if (!o.served()) {
                    fail("(e) a valid client was not served", c, o, "no echo-response " + c.servedBy(),
                            c.wire() + " EIO" + c.eio() + " layout " + c.layout());
                }
            }
            report(c, o);
            previousMarkers = c.markers();
            previousId = c.id();
        }

        /** (b) and (c), for the problems recorded while a case ran. */
        private void judgeProblems(FuzzCase c, FuzzRunner.Outcome o, int mark) {
            List<String> markers = new ArrayList<>(c.markers());
            markers.addAll(previousMarkers);
            markers.addAll(SECRETS.values());
            for (ProblemRecorder.Problem problem : recorder.since(mark)) {
                String where = "recorded while case " + c.id() + " ran (or late, from case " + previousId + ")";
                boolean escaped = (problem.hasThrowable() || problem.source() != ProblemRecorder.Source.LOG
                        || problem.text().contains("LEAK:")) && !nettyLimit(problem);
                if (escaped) {
                    fail("(b) an exception escaped into Netty", c, o, where + ": " + problem,
                            problemClass(problem));
                }
                for (String marker : markers) {
                    if (problem.text().contains(marker)) {
                        fail("(c) a token in a log line", c, o, where + ": " + problem + "\n  contains "
                                + FuzzCase.escape(marker), problemClass(problem));
                        break;
                    }
                }
            }
        }

        /**
         * The library's catch-all line for an exception that Netty itself raised, to close a connection that went
         * over one of its limits or went away: that is the way it should end.
         */
        private static boolean nettyLimit(ProblemRecorder.Problem problem) {
            return problem.logger().equals(ProblemRecorder.CATCH_ALL_LOGGER) && problem.source()
                    == ProblemRecorder.Source.LOG && problem.text().matches(".*\\((CorruptedWebSocketFrameException"
                    + "|TooLongFrameException|TooLongHttpContentException|IOException|SocketException"
                    + "|ClosedChannelException)\\)");
        }

        private static final java.util.regex.Pattern EXCEPTION = java.util.regex.Pattern.compile(
                "([a-z][\\w$]*\\.)+[A-Z][\\w$]*(Exception|Error)");

        private static String problemClass(ProblemRecorder.Problem problem) {
            java.util.regex.Matcher m = EXCEPTION.matcher(problem.text());
            String exception = m.find() ? m.group() : problem.text().contains("LEAK:") ? "LEAK" : "no exception";
            return problem.source() + " " + problem.logger() + " " + exception;
        }

        private List<String> newAppCalls() {
            List<String> fresh = new ArrayList<>();
            servers.forEach((layout, server) -> {
                List<String> calls = server.appCalls();
                int seen = seenCalls.getOrDefault(layout, 0);
                fresh.addAll(calls.subList(Math.min(seen, calls.size()), calls.size()));
                seenCalls.put(layout, calls.size());
            });
            return fresh;
        }

        private void fail(String invariant, FuzzCase c, FuzzRunner.Outcome o, String detail, String category) {
            String key = invariant + " | " + category + (c.kind().equals("regression") ? " | " + c.id() : "");
            List<String> ids = classes.computeIfAbsent(key, k -> new ArrayList<>());
            if (!ids.contains(c.id())) {
                ids.add(c.id());
            }
            failures.add(c.id() + " " + invariant);
            pending.add(new String[] {key, detail});
        }

        /** Prints the failures of a case: in full for the first cases of each class, else one line. */
        private void report(FuzzCase c, FuzzRunner.Outcome o) {
            if (pending.isEmpty()) {
                return;
            }
            boolean full = false;
            StringBuilder text = new StringBuilder();
            for (String[] failure : pending) {
                List<String> ids = classes.get(failure[0]);
                full |= ids.indexOf(c.id()) < FULL_REPORTS_PER_CLASS;
                text.append("\n  ").append(failure[0]).append("\n    ").append(failure[1].replace("\n", "\n    "));
            }
            if (full) {
                System.out.println("[fuzz] FAILURE seed " + seed + ", case " + c.id() + ":" + text + "\n"
                        + c.describe() + "\n" + o.describe());
            } else {
                System.out.println("[fuzz] FAILURE seed " + seed + ", case " + c.id() + " (classes already reported): "
                        + pending.stream().map(f -> f[0]).distinct().toList());
            }
            pending.clear();
        }

        /** A last look, after the cases: late listener calls and late log lines. */
        void finish() {
            int mark = recorder.size();
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.gc();
            FuzzCase last = FuzzCase.builder(seed + "/end", "after the last case").build();
            FuzzRunner.Outcome none = new FuzzRunner.Outcome(null, -1, List.of(), false, null, null, -1, false,
                    List.of(), List.of(), 0);
            for (String call : newAppCalls()) {
                String[] parts = call.split(" ");
                if (!allowed.contains(parts[parts.length - 1] + " " + parts[1])) {
                    fail("(a) unauthenticated socket reached the application", last, none, "late listener call \""
                            + call + "\" of the session of case " + owners.get(parts[parts.length - 1]), "late call");
                }
            }
            judgeProblems(last, none, mark);
            report(last, none);
        }

        String summary() {
            StringBuilder s = new StringBuilder();
            s.append(validClients).append(" valid clients; ").append(answers).append(" bad tokens answered, mean ")
                    .append(answers == 0 ? 0 : answerMillisTotal / answers).append(" ms, slowest ")
                    .append(maxAnswerMillis).append(" ms (case ").append(slowestCase).append("); ")
                    .append(failures.size()).append(" failures in ").append(classes.size()).append(" classes");
            s.append("\n  answered by: ").append(answeredBy);
            if (!closedWithoutUnauthorized.isEmpty()) {
                s.append("; an authenticate namespace closed without unauthorized (informational): ")
                        .append(closedWithoutUnauthorized.subList(0, Math.min(10, closedWithoutUnauthorized.size())));
            }
            Set<String> printed = new HashSet<>();
            for (Map.Entry<String, List<String>> e : classes.entrySet()) {
                if (printed.add(e.getKey())) {
                    List<String> ids = e.getValue();
                    s.append("\n  ").append(e.getKey()).append(": ").append(ids.size()).append(" case(s), e.g. ")
                            .append(ids.subList(0, Math.min(5, ids.size())));
                }
            }
            return s.toString();
        }
    }
}
