package io.github.socketiojwt.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Plays one {@link FuzzCase} against a running server and reports what came back: the session id, every packet
 * received, whether the server closed the connection, whether (and how fast) the expected answer came, and
 * whether a valid client was served.
 *
 * <p>The answer clock starts just before the step that presents the token (or before the handshake when the
 * handshake presents it). An answer is an error packet ({@code 44} on the namespace), an {@code unauthorized}
 * event on the namespace, an HTTP error status for the request that carried the token, or the server closing
 * the connection; a client-side timeout is no answer.
 */
public final class FuzzRunner {

    /** Between two POSTs of one case: see {@link #run}. */
    private static final java.time.Duration POST_SPACING = java.time.Duration.ofMillis(25);

    private static void pause(java.time.Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What a case got.
     *
     * @param sid the Engine.IO session id, or {@code null} when the handshake made none
     * @param handshakeStatus the HTTP status of the handshake (-1 when none)
     * @param received every packet received
     * @param closedByServer whether the server ended the connection
     * @param closeReason why the connection ended, or {@code null}
     * @param answer the answer (a packet, {@code HTTP 413 ...}, {@code closed: ...}), or {@code null}
     * @param answerMillis how long the answer took, -1 when there was none
     * @param served whether a valid client received its echo
     * @param statuses the HTTP status of each step's POST (0 for WebSocket frames, -1 on failure)
     * @param notes what went unexpectedly on the client's side (an Await that timed out, say)
     * @param millis how long the whole case took
     */
    public record Outcome(String sid, int handshakeStatus, List<String> received, boolean closedByServer,
            String closeReason, String answer, long answerMillis, boolean served, List<Integer> statuses,
            List<String> notes, long millis) {

        /** @return the outcome for a report, received packets escaped and capped */
        public String describe() {
            StringBuilder d = new StringBuilder();
            d.append("  got: sid ").append(sid).append(", handshake HTTP ").append(handshakeStatus)
                    .append(", step statuses ").append(statuses).append(", ")
                    .append(closedByServer ? "closed by the server (" + closeReason + ")"
                            : "open" + (closeReason != null ? " (" + closeReason + ")" : ""))
                    .append(", answer ").append(answer == null ? "none" : FuzzCase.escape(cap(answer, 300)))
                    .append(answer == null ? "" : " after " + answerMillis + " ms").append(", ")
                    .append(millis).append(" ms in all\n");
            for (String note : notes) {
                d.append("  note: ").append(note).append('\n');
            }
            d.append("  received ").append(received.size()).append(" packets:");
            int shown = 0;
            for (String packet : received) {
                if (shown++ == 40) {
                    d.append("\n      ... ").append(received.size() - 40).append(" more");
                    break;
                }
                d.append("\n      ").append(FuzzCase.escape(cap(packet, 400)));
            }
            return d.toString();
        }

        private static String cap(String s, int max) {
            return s.length() <= max ? s : s.substring(0, max) + "...(" + s.length() + " chars)";
        }
    }

    private final Map<String, Integer> ports;
    private final Duration bound;
    private final Duration settle;

    /**
     * A runner.
     *
     * @param ports each layout's server port ({@code H}, {@code A})
     * @param bound the longest wait for an answer, an awaited packet or an echo
     * @param settle how long to wait after the last step, so that a wrongly delivered event reaches the
     *        application before the case is judged
     */
    public FuzzRunner(Map<String, Integer> ports, Duration bound, Duration settle) {
        this.ports = Map.copyOf(ports);
        this.bound = bound;
        this.settle = settle;
    }

    /**
     * Whether a packet answers a token presented to a namespace: an error packet or {@code unauthorized} there.
     *
     * @param namespace the namespace
     * @return the test
     */
    public static Predicate<String> answerOn(String namespace) {
        String nsp = "/".equals(namespace) ? "" : namespace;
        Pattern unauthorized = Pattern.compile("^42" + Pattern.quote(nsp.isEmpty() ? "" : nsp + ",")
                + "\\d*\\[\"unauthorized\"");
        return p -> {
            if (p.startsWith("44" + nsp)) {
                String rest = p.substring(2 + nsp.length());
                return nsp.isEmpty() ? !rest.startsWith("/") : rest.isEmpty() || rest.startsWith(",");
            }
            return unauthorized.matcher(p).find();
        };
    }

    /**
     * Plays a case.
     *
     * @param c the case
     * @return what it got
     */
    public Outcome run(FuzzCase c) {
        long start = System.nanoTime();
        List<String> notes = new ArrayList<>();
        Connection conn;
        try {
            conn = open(c);
        } catch (IllegalArgumentException e) {
            // java.net.http refused to send a header or URI: a generator bug, not a server problem
            notes.add("the client refused to send the handshake: " + e);
            return new Outcome(null, -1, List.of(), false, null, null, -1, false, List.of(), notes, millis(start));
        }
        try {
            return play(c, conn, start, notes);
        } finally {
            conn.close();
        }
    }

    private Outcome play(FuzzCase c, Connection conn, long start, List<String> notes) {
        boolean expect = c.answerOn() != null;
        Predicate<String> isAnswer = expect ? answerOn(c.answerOn()) : p -> false;
        long clock = start;
        int mark = 0;
        String answer = null;
        long answerNanos = -1;
        int status = conn.handshakeStatus();
        if (status >= 300 && status != 101) {
            answer = "HTTP " + status + " to the handshake";
            answerNanos = System.nanoTime();
        }
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < c.steps().size(); i++) {
            if (conn.sid() == null || conn.closedByServer()) {
                notes.add("steps " + i + ".. not sent: " + (conn.sid() == null ? "no session" : "closed"));
                break;
            }
            FuzzCase.Step step = c.steps().get(i);
            if (i == c.presentation()) {
                mark = conn.received().size();
                clock = System.nanoTime();
            }
            if (step instanceof FuzzCase.Await a) {
                if (conn.awaitFrom(0, p -> p.startsWith(a.text()), bound).isEmpty()) {
                    notes.add("step " + i + ": no packet starting with " + FuzzCase.escape(a.text()) + " within "
                            + bound.toMillis() + " ms");
                }
                statuses.add(0);
                continue;
            }
            int sent = conn.send(step);
            statuses.add(sent);
            if (sent > 0 && i + 1 < c.steps().size()) {
                // netty-socketio answers a POST before it reads it, so a next POST sent at once can be read first,
                // on another event loop (a limitation the README states); a real client's next POST comes later
                pause(POST_SPACING);
            }
            if (i == c.presentation() && sent >= 300 && answer == null) {
                answer = "HTTP " + sent + " to the POST that carried the token";
                answerNanos = System.nanoTime();
            }
        }
        if (expect && answer == null) {
            Duration left = bound.minusNanos(System.nanoTime() - clock);
            Optional<String> found = conn.awaitFrom(mark, isAnswer, left.isNegative() ? Duration.ZERO : left);
            if (found.isPresent()) {
                answer = found.get();
                answerNanos = System.nanoTime();
            } else if (conn.closedByServer()) {
                answer = "closed: " + conn.closeReason();
                answerNanos = System.nanoTime();
            }
        }
        boolean served = false;
        if (c.servedBy() != null) {
            served = conn.awaitFrom(0, p -> p.contains("echo-response") && p.contains(c.servedBy()), bound)
                    .isPresent();
        }
        // a closed connection has nothing more to deliver, but the server may still be logging about it
        sleep(conn.closedByServer() ? settle.dividedBy(3) : settle);
        long answerMillis = answerNanos < 0 ? -1 : Math.max(0, (answerNanos - clock) / 1_000_000);
        return new Outcome(conn.sid(), conn.handshakeStatus(), conn.received(), conn.closedByServer(),
                conn.closeReason(), answer, answerMillis, served, statuses, notes, millis(start));
    }

    private static long millis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Connection open(FuzzCase c) {
        int port = ports.get(c.layout());
        String url = "http://127.0.0.1:" + port;
        switch (c.wire()) {
            case POLLING:
                return new RawClientConnection(RawClient.polling(url, c.eio(), c.query(), c.headers()), c.eio());
            case WEBSOCKET:
                return new RawClientConnection(RawClient.websocket(url, c.eio(), c.query(), c.headers()), c.eio());
            case UPGRADE:
                return new RawClientConnection(RawClient.upgrade(url, c.eio(), c.query(), c.headers()), c.eio());
            case RAW_POLLING:
                return new RawHttpConnection(RawHttp.polling(port, c.eio(), c.path(), c.rawQuery(), c.rawHeaders()));
            case RAW_POST_ONLY:
                return new RawHttpConnection(RawHttp.postOnly(port, c.eio(), c.path(), c.rawQuery(), c.rawHeaders()));
            default:
                return new RawHttpConnection(RawHttp.websocket(port, c.eio(), c.path(), c.rawQuery(),
                        c.rawHeaders()));
        }
    }

    /** The little a case needs of a client. */
    private interface Connection {
        String sid();

        int handshakeStatus();

        List<String> received();

        Optional<String> awaitFrom(int from, Predicate<String> predicate, Duration timeout);

        boolean closedByServer();

        String closeReason();

        int send(FuzzCase.Step step);

        void close();
    }

    private static boolean clientSide(String reason) {
        return reason == null || reason.contains("closed by client") || reason.contains("timed out")
                || reason.contains("HttpTimeoutException");
    }

    private static final class RawClientConnection implements Connection {
        private final RawClient client;
        private final int eio;

        RawClientConnection(RawClient client, int eio) {
            this.client = client;
            this.eio = eio;
        }

        @Override
        public String sid() {
            return client.sid();
        }

        @Override
        public int handshakeStatus() {
            return client.handshakeStatus();
        }

        @Override
        public List<String> received() {
            return client.received();
        }

        @Override
        public Optional<String> awaitFrom(int from, Predicate<String> predicate, Duration timeout) {
            return client.awaitFrom(from, predicate, timeout);
        }

        @Override
        public boolean closedByServer() {
            return client.isClosed() && !clientSide(client.closeReason());
        }

        @Override
        public String closeReason() {
            return client.closeReason();
        }

        @Override
        public int send(FuzzCase.Step step) {
            boolean polling = client.transport() == RawClient.Transport.POLLING;
            if (step instanceof FuzzCase.Packets p) {
                if (polling) {
                    return client.sendRawBody(RawClient.encodePayload(eio, p.packets().toArray(new String[0])));
                }
                for (String packet : p.packets()) {
                    client.sendFrame(packet);
                }
                return client.isClosed() ? -1 : 0;
            }
            byte[] bytes = ((FuzzCase.Bytes) step).bytes();
            if (polling) {
                return client.sendRawBody(bytes);
            }
            client.sendBinaryFrame(bytes);
            return client.isClosed() ? -1 : 0;
        }

        @Override
        public void close() {
            client.close();
        }
    }

    private static final class RawHttpConnection implements Connection {
        private final RawHttp.Session session;

        RawHttpConnection(RawHttp.Session session) {
            this.session = session;
        }

        @Override
        public String sid() {
            return session.sid();
        }

        @Override
        public int handshakeStatus() {
            return session.handshakeStatus();
        }

        @Override
        public List<String> received() {
            return session.received();
        }

        @Override
        public Optional<String> awaitFrom(int from, Predicate<String> predicate, Duration timeout) {
            return session.awaitFrom(from, predicate, timeout);
        }

        @Override
        public boolean closedByServer() {
            return session.isClosed() && !clientSide(session.closeReason());
        }

        @Override
        public String closeReason() {
            return session.closeReason();
        }

        @Override
        public int send(FuzzCase.Step step) {
            if (step instanceof FuzzCase.Packets p) {
                return session.send(p.packets());
            }
            return session.sendBytes(((FuzzCase.Bytes) step).bytes());
        }

        @Override
        public void close() {
            session.close();
        }
    }
}
