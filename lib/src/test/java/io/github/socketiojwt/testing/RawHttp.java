package io.github.socketiojwt.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Engine.IO over a plain socket, byte for byte: what {@code java.net.http} refuses to send — a query with
 * percent garbage ({@code ?token=%zz}), header values with control characters or bytes above 0x7F, heads of any
 * size — sent exactly as given.
 *
 * <p>{@link #polling} opens a long-polling session (handshake GET, then a background GET loop, one connection per
 * request) and {@link #websocket} a WebSocket session; both record every Engine.IO packet they receive, in their
 * text form, like {@link RawClient}. Neither throws on a refused handshake: the status is in
 * {@link Session#handshakeStatus()}.
 *
 * <pre>{@code
 * try (RawHttp.Session s = RawHttp.polling(port, 3, "/socket.io/", "token=%zz", List.of("X-A: \u0001"))) {
 *     s.await(p -> p.startsWith("44"), Duration.ofSeconds(5));
 * }
 * }</pre>
 */
public final class RawHttp {

    /** The longest wait for any single read or connect. */
    public static final Duration IO_TIMEOUT = Duration.ofSeconds(5);

    private RawHttp() {
    }

    /** A raw HTTP response: status, head and body, and how the exchange ended. */
    public record Response(int status, String head, byte[] body, boolean closedByServer, boolean timedOut) {
    }

    /**
     * Sends a request exactly as given and reads one response.
     *
     * @param port the server's port on 127.0.0.1
     * @param request the request bytes, head and body
     * @param timeout how long to wait for the response
     * @return the response; status -1 when none came
     */
    public static Response exchange(int port, byte[] request, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) IO_TIMEOUT.toMillis());
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // the server may answer and close before it read everything (an oversized head)
            }
            return readResponse(socket.getInputStream(), System.nanoTime() + timeout.toNanos(), socket);
        } catch (IOException e) {
            return new Response(-1, "", new byte[0], true, false);
        }
    }

    private static Response readResponse(InputStream in, long deadline, Socket socket) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        int headEnd = -1;
        int contentLength = -1;
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return partial(buffer.toByteArray(), headEnd, false, true);
            }
            socket.setSoTimeout((int) Math.max(1, left));
            int n;
            try {
                n = in.read(chunk);
            } catch (SocketTimeoutException e) {
                return partial(buffer.toByteArray(), headEnd, false, true);
            } catch (IOException e) {
                return partial(buffer.toByteArray(), headEnd, true, false);
            }
            if (n < 0) {
                return partial(buffer.toByteArray(), headEnd, true, false);
            }
            buffer.write(chunk, 0, n);
            byte[] bytes = buffer.toByteArray();
            if (headEnd < 0) {
                headEnd = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                if (headEnd >= 0) {
                    contentLength = contentLength(new String(bytes, 0, headEnd, StandardCharsets.ISO_8859_1));
                }
            }
            if (headEnd >= 0 && contentLength >= 0 && bytes.length >= headEnd + 4 + contentLength) {
                return partial(bytes, headEnd, false, false);
            }
        }
    }

    private static Response partial(byte[] bytes, int headEnd, boolean closed, boolean timedOut) {
        if (headEnd < 0) {
            return new Response(-1, new String(bytes, StandardCharsets.ISO_8859_1), new byte[0], closed, timedOut);
        }
        String head = new String(bytes, 0, headEnd, StandardCharsets.ISO_8859_1);
        int length = contentLength(head);
        int bodyLength = bytes.length - headEnd - 4;
        if (length >= 0) {
            bodyLength = Math.min(bodyLength, length);
        }
        byte[] body = new byte[Math.max(0, bodyLength)];
        System.arraycopy(bytes, headEnd + 4, body, 0, body.length);
        return new Response(status(head), head, body, closed, timedOut);
    }

    private static int status(String head) {
        String[] parts = head.split(" ", 3);
        try {
            return parts.length > 1 ? Integer.parseInt(parts[1].trim()) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                try {
                    return Integer.parseInt(line.substring(colon + 1).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static int indexOf(byte[] bytes, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= bytes.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (bytes[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] head(String method, int port, String target, List<String> headerLines, byte[] body,
            List<String> extra) {
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        head.append("Host: 127.0.0.1:").append(port).append("\r\n");
        for (String line : extra) {
            head.append(line).append("\r\n");
        }
        for (String line : headerLines) {
            head.append(line).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Type: text/plain;charset=UTF-8\r\n");
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        // Header lines go out as ISO-8859-1 when they can, so that "\u00ff" is the byte 0xFF; anything beyond
        // Latin-1 goes out as UTF-8.
        String text = head.toString();
        boolean latin1 = text.chars().allMatch(c -> c <= 0xFF);
        byte[] headBytes = text.getBytes(latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        if (body == null) {
            return headBytes;
        }
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    /**
     * Opens a long-polling session with an exact query suffix and exact header lines.
     *
     * @param port the server's port on 127.0.0.1
     * @param eio the Engine.IO version
     * @param path the request path, normally {@code /socket.io/}; a path with a {@code ?} is sent with the raw
     *        query and nothing else (no {@code EIO}, no {@code transport})
     * @param rawQuery appended after {@code EIO=..&transport=polling&}, sent as is (may be empty)
     * @param headerLines header lines, sent as is on the handshake only
     * @return the session; check {@link Session#handshakeStatus()}
     */
    public static Session polling(int port, int eio, String path, String rawQuery, List<String> headerLines) {
        PollingSession session = new PollingSession(port, eio, path, true);
        session.open(rawQuery, headerLines);
        return session;
    }

    /**
     * Opens a long-polling session that never polls: after the handshake it only POSTs, so the server never has
     * a channel to answer on (what it receives is the handshake's answer only).
     *
     * @param port the server's port on 127.0.0.1
     * @param eio the Engine.IO version
     * @param path the request path, normally {@code /socket.io/}
     * @param rawQuery appended after {@code EIO=..&transport=polling&}, sent as is (may be empty)
     * @param headerLines header lines, sent as is on the handshake only
     * @return the session; check {@link Session#handshakeStatus()}
     */
    public static Session postOnly(int port, int eio, String path, String rawQuery, List<String> headerLines) {
        PollingSession session = new PollingSession(port, eio, path, false);
        session.open(rawQuery, headerLines);
        return session;
    }

    /**
     * Opens a WebSocket session with an exact query suffix and exact header lines.
     *
     * @param port the server's port on 127.0.0.1
     * @param eio the Engine.IO version
     * @param path the request path, normally {@code /socket.io/}
     * @param rawQuery appended after {@code EIO=..&transport=websocket&}, sent as is (may be empty)
     * @param headerLines header lines, sent as is
     * @return the session; check {@link Session#handshakeStatus()} (101 when accepted)
     */
    public static Session websocket(int port, int eio, String path, String rawQuery, List<String> headerLines) {
        WebSocketSession session = new WebSocketSession(port, eio, path);
        session.open(rawQuery, headerLines);
        return session;
    }

    private static String target(String path, int eio, String transport, String sid, String rawQuery) {
        if (path.contains("?") && sid == null) {
            return path + (rawQuery == null ? "" : rawQuery); // exactly as given: no EIO, no transport
        }
        StringBuilder t = new StringBuilder(path).append("?EIO=").append(eio).append("&transport=").append(transport);
        if (sid != null) {
            t.append("&sid=").append(sid);
        }
        if (rawQuery != null && !rawQuery.isEmpty()) {
            t.append('&').append(rawQuery);
        }
        return t.toString();
    }

    /** A raw Engine.IO session: what it received, and whether the server ended it. */
    public abstract static class Session implements AutoCloseable {

        final int port;
        final int eio;
        final String path;
        private final Object lock = new Object();
        private final List<String> received = new ArrayList<>();
        private volatile boolean closed;
        private volatile String closeReason;
        volatile boolean closing;
        volatile int handshakeStatus = -1;
        volatile String sid;

        Session(int port, int eio, String path) {
            this.port = port;
            this.eio = eio;
            this.path = path;
        }

        /** @return the HTTP status of the handshake, -1 when there was none */
        public int handshakeStatus() {
            return handshakeStatus;
        }

        /** @return the Engine.IO session id, or {@code null} */
        public String sid() {
            return sid;
        }

        /** @return every packet received so far */
        public List<String> received() {
            synchronized (lock) {
                return List.copyOf(received);
            }
        }

        /** @return whether the server (not this client) ended the session, or it failed */
        public boolean isClosed() {
            return closed;
        }

        /** @return why the session ended, or {@code null} */
        public String closeReason() {
            return closeReason;
        }

        /**
         * Sends Engine.IO packets: one POST (polling, framed for the version) or one text frame each (WebSocket).
         *
         * @param packets the packets
         * @return the HTTP status of the POST (polling), 0 for WebSocket, -1 on failure
         */
        public abstract int send(List<String> packets);

        /**
         * Sends exact bytes: a POST body (polling) or a binary frame (WebSocket).
         *
         * @param bytes the bytes
         * @return the HTTP status of the POST (polling), 0 for WebSocket, -1 on failure
         */
        public abstract int sendBytes(byte[] bytes);

        /** Ends the session (a close packet on polling, a close frame on WebSocket); never throws. */
        @Override
        public abstract void close();

        /**
         * Waits for a packet at or after an index that matches, or for the end of the session.
         *
         * @param from the first index of {@link #received()} to consider
         * @param predicate the test
         * @param timeout the longest wait
         * @return the packet, or empty
         */
        public Optional<String> awaitFrom(int from, Predicate<String> predicate, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (lock) {
                int i = from;
                while (true) {
                    for (; i < received.size(); i++) {
                        if (predicate.test(received.get(i))) {
                            return Optional.of(received.get(i));
                        }
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || closed) {
                        return Optional.empty();
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(lock, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return Optional.empty();
                    }
                }
            }
        }

        void deliver(List<String> packets) {
            synchronized (lock) {
                received.addAll(packets);
                lock.notifyAll();
            }
        }

        void markClosed(String reason) {
            synchronized (lock) {
                if (!closed) {
                    closed = true;
                    closeReason = reason;
                }
                lock.notifyAll();
            }
        }

        void onOpen(String packet) {
            String marker = "\"sid\":\"";
            int at = packet.indexOf(marker);
            if (at >= 0) {
                int end = packet.indexOf('"', at + marker.length());
                sid = end > 0 ? packet.substring(at + marker.length(), end) : null;
            }
        }

        @Override
        public String toString() {
            return getClass().getSimpleName() + "[eio=" + eio + ", sid=" + sid + ", status=" + handshakeStatus
                    + (closed ? ", closed: " + closeReason : "") + "]";
        }
    }

    private static final class PollingSession extends Session {

        private final boolean poll;
        private volatile Thread poller;

        PollingSession(int port, int eio, String path, boolean poll) {
            super(port, eio, path);
            this.poll = poll;
        }

        void open(String rawQuery, List<String> headerLines) {
            Response response = exchange(port, head("GET", port, target(path, eio, "polling", null, rawQuery),
                    headerLines, null, List.of("Connection: close")), IO_TIMEOUT);
            handshakeStatus = response.status();
            if (response.status() != 200) {
                markClosed(response.timedOut() ? "handshake timed out" : "handshake answered " + response.status());
                return;
            }
            List<String> packets;
            try {
                packets = RawClient.decodePayload(eio, response.body());
            } catch (IllegalArgumentException e) {
                markClosed("undecodable handshake body");
                return;
            }
            if (packets.isEmpty() || !packets.get(0).startsWith("0")) {
                markClosed("no OPEN packet");
                return;
            }
            onOpen(packets.get(0));
            deliver(packets);
            if (sid == null) {
                markClosed("no sid");
                return;
            }
            if (!poll) {
                return;
            }
            Thread t = new Thread(this::pollLoop, "rawhttp-poller-" + sid);
            t.setDaemon(true);
            poller = t;
            t.start();
        }

        private void pollLoop() {
            while (!isClosed() && !closing) {
                Response response = exchange(port, head("GET", port, target(path, eio, "polling", sid, null),
                        List.of(), null, List.of("Connection: close")), Duration.ofSeconds(60));
                if (closing) {
                    return;
                }
                if (response.status() != 200) {
                    markClosed(response.timedOut() ? "poll timed out" : "poll answered " + response.status());
                    return;
                }
                try {
                    deliver(RawClient.decodePayload(eio, response.body()));
                } catch (IllegalArgumentException e) {
                    deliver(List.of("undecodable:" + new String(response.body(), StandardCharsets.ISO_8859_1)));
                }
            }
        }

        @Override
        public int send(List<String> packets) {
            return sendBytes(RawClient.encodePayload(eio, packets.toArray(new String[0]))
                    .getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public int sendBytes(byte[] bytes) {
            if (sid == null) {
                return -1;
            }
            Response response = exchange(port, head("POST", port, target(path, eio, "polling", sid, null),
                    List.of(), bytes, List.of("Connection: close")), IO_TIMEOUT);
            return response.status();
        }

        @Override
        public void close() {
            closing = true;
            if (sid != null && !isClosed()) {
                sendBytes(RawClient.encodePayload(eio, "1").getBytes(StandardCharsets.UTF_8));
            }
            Thread t = poller;
            if (t != null) {
                t.interrupt();
            }
        }
    }

    private static final class WebSocketSession extends Session {

        private volatile Socket socket;
        private final Object writeLock = new Object();

        WebSocketSession(int port, int eio, String path) {
            super(port, eio, path);
        }

        void open(String rawQuery, List<String> headerLines) {
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            byte[] request = head("GET", port, target(path, eio, "websocket", null, rawQuery), headerLines, null,
                    List.of("Upgrade: websocket", "Connection: Upgrade",
                            "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key),
                            "Sec-WebSocket-Version: 13"));
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress("127.0.0.1", port), (int) IO_TIMEOUT.toMillis());
                s.setSoTimeout((int) IO_TIMEOUT.toMillis());
                try {
                    s.getOutputStream().write(request);
                    s.getOutputStream().flush();
                } catch (IOException e) {
                    // read what the server answered before it closed
                }
                InputStream in = s.getInputStream();
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                int b;
                while ((b = in.read()) >= 0) {
                    head.write(b);
                    byte[] h = head.toByteArray();
                    if (h.length >= 4 && h[h.length - 4] == '\r' && h[h.length - 3] == '\n' && h[h.length - 2] == '\r'
                            && h[h.length - 1] == '\n') {
                        break;
                    }
                }
                handshakeStatus = status(head.toString(StandardCharsets.ISO_8859_1));
                if (handshakeStatus != 101) {
                    markClosed(b < 0 && handshakeStatus < 0 ? "closed during the handshake"
                            : "handshake answered " + handshakeStatus);
                    s.close();
                    return;
                }
                s.setSoTimeout(0);
                socket = s;
                Thread t = new Thread(() -> readLoop(s, in), "rawhttp-ws-" + port);
                t.setDaemon(true);
                t.start();
                awaitFrom(0, p -> p.startsWith("0"), IO_TIMEOUT).ifPresent(this::onOpen);
            } catch (SocketTimeoutException e) {
                markClosed("handshake timed out");
                closeQuietly(s);
            } catch (IOException e) {
                markClosed("handshake failed: " + e.getClass().getSimpleName());
                closeQuietly(s);
            }
        }

        private void readLoop(Socket s, InputStream in) {
            try {
                ByteArrayOutputStream message = new ByteArrayOutputStream();
                int messageOpcode = 0;
                while (true) {
                    int b0 = in.read();
                    int b1 = in.read();
                    if (b0 < 0 || b1 < 0) {
                        markClosed("connection closed by the server");
                        return;
                    }
                    long length = b1 & 0x7F;
                    if (length == 126) {
                        length = (in.read() << 8) | in.read();
                    } else if (length == 127) {
                        length = 0;
                        for (int i = 0; i < 8; i++) {
                            length = (length << 8) | in.read();
                        }
                    }
                    byte[] payload = in.readNBytes((int) length);
                    int opcode = b0 & 0x0F;
                    boolean fin = (b0 & 0x80) != 0;
                    if (opcode == 8) {
                        markClosed("websocket closed by the server");
                        return;
                    }
                    if (opcode == 9 || opcode == 10) {
                        continue;
                    }
                    if (opcode != 0) {
                        messageOpcode = opcode;
                    }
                    message.write(payload);
                    if (fin) {
                        byte[] data = message.toByteArray();
                        message.reset();
                        deliver(List.of(messageOpcode == 2 ? "b" + Base64.getEncoder().encodeToString(data)
                                : new String(data, StandardCharsets.UTF_8)));
                    }
                }
            } catch (IOException e) {
                if (!closing) {
                    markClosed("connection lost: " + e.getClass().getSimpleName());
                }
            }
        }

        @Override
        public int send(List<String> packets) {
            int status = 0;
            for (String packet : packets) {
                status = Math.min(status, frame(1, packet.getBytes(StandardCharsets.UTF_8)));
            }
            return status;
        }

        @Override
        public int sendBytes(byte[] bytes) {
            return frame(2, bytes);
        }

        private int frame(int opcode, byte[] payload) {
            Socket s = socket;
            if (s == null) {
                return -1;
            }
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write(0x80 | opcode);
            if (payload.length < 126) {
                frame.write(0x80 | payload.length);
            } else if (payload.length < 65536) {
                frame.write(0x80 | 126);
                frame.write(payload.length >> 8);
                frame.write(payload.length & 0xFF);
            } else {
                frame.write(0x80 | 127);
                for (int i = 7; i >= 0; i--) {
                    frame.write((int) (((long) payload.length >> (8 * i)) & 0xFF));
                }
            }
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            frame.writeBytes(mask);
            for (int i = 0; i < payload.length; i++) {
                frame.write(payload[i] ^ mask[i % 4]);
            }
            synchronized (writeLock) {
                try {
                    s.getOutputStream().write(frame.toByteArray());
                    s.getOutputStream().flush();
                    return 0;
                } catch (IOException e) {
                    markClosed("write failed: " + e.getClass().getSimpleName());
                    return -1;
                }
            }
        }

        @Override
        public void close() {
            closing = true;
            Socket s = socket;
            if (s != null) {
                frame(8, new byte[] {0x03, (byte) 0xE8});
                closeQuietly(s);
            }
        }

        private static void closeQuietly(Socket s) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
