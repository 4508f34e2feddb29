package io.github.socketiojwt.testing;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A deliberately low-level Engine.IO / Socket.IO test client that speaks hand-written frames.
 *
 * <p>It exists so that security tests can send exactly the packets they want (several packets in
 * one HTTP long-polling POST, malformed bodies, packets for namespaces the server never
 * acknowledged, ...) over HTTP long-polling or WebSocket, in Engine.IO v3 (socket.io 2.x
 * protocol) or Engine.IO v4 (socket.io 3.x/4.x protocol). It does not interpret Socket.IO at all:
 * packets are sent and recorded in their Engine.IO text form, e.g. {@code "40"},
 * {@code "40/admin,{\"token\":\"x\"}"}, {@code "42[\"echo\",1]"}, {@code "421[\"echo\",1]"} or
 * {@code "2"}.
 *
 * <p>The only protocol work done automatically is the Engine.IO part that keeps a session alive:
 * the OPEN handshake, the long-polling loop, answering server pings with {@code "3"} (EIO4, see
 * {@link #autoPong(boolean)}), sending a {@code "2"} ping every {@code pingInterval} (EIO3, see
 * {@link #autoPing(boolean)}) and, for {@link #upgrade(String, int)}, the polling to WebSocket
 * upgrade ({@code 2probe} / {@code 3probe} / {@code 5}).
 *
 * <p>Every packet received is appended, in arrival order, to a thread-safe list ({@link #received()}),
 * including the OPEN packet, pings, pongs and noops. Binary payloads (which these tests do not
 * normally use) are recorded as {@code "b"} followed by the Base64 of their raw bytes.
 *
 * <p>Robustness: factories never throw because the server refused the handshake (see
 * {@link #handshakeStatus()}), blocking I/O calls time out after {@link #IO_TIMEOUT}, the background
 * long-poll GET times out after {@code pingInterval + pingTimeout + 5 s}, and failures on
 * background threads are recorded in {@link #errors()} instead of being thrown. Always
 * {@link #close()} the client (it is {@link AutoCloseable}).
 */
public final class RawClient implements AutoCloseable {

    /** Timeout applied to every blocking HTTP request and WebSocket operation. */
    public static final Duration IO_TIMEOUT = Duration.ofSeconds(5);

    /** The Engine.IO v4 record separator that joins several packets in one polling payload. */
    public static final String RECORD_SEPARATOR = "\u001e";

    /** The request path of the Socket.IO endpoint. */
    public static final String PATH = "/socket.io/";

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(IO_TIMEOUT)
            .build();

    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    /** The transport a {@link RawClient} currently sends and receives on. */
    public enum Transport {
        /** HTTP long-polling: GET to receive, POST to send. */
        POLLING,
        /** WebSocket: one Engine.IO packet per text frame. */
        WEBSOCKET
    }

    private final String baseUrl;
    private final int eio;
    private final Map<String, String> query;
    private final Map<String, String> headers;
    private final String cacheBuster = Long.toString(System.nanoTime(), 36);

    private final Object lock = new Object();
    private final List<String> received = new ArrayList<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private final AtomicBoolean closeCalled = new AtomicBoolean();
    private final ScheduledExecutorService timer;

    private volatile String closeReason;
    private volatile Transport transport;
    private volatile String sid;
    private volatile String openPacket;
    private volatile int handshakeStatus = -1;
    private volatile byte[] handshakeBody = new byte[0];
    private volatile long pingInterval = -1;
    private volatile long pingTimeout = -1;
    private volatile boolean autoPong = true;
    private volatile boolean autoPing = true;
    private volatile ScheduledFuture<?> pingTask;

    private volatile Thread poller;
    private volatile boolean pollingPaused;
    private volatile CompletableFuture<HttpResponse<byte[]>> pendingGet;

    private volatile WebSocket webSocket;
    private final Object wsSendLock = new Object();
    private volatile ScheduledFuture<?> wsWatchdog;
    private volatile CompletableFuture<WebSocket> pendingWsPing;

    private RawClient(String baseUrl, int eio, Map<String, String> query, Map<String, String> headers) {
        if (baseUrl == null || !(baseUrl.startsWith("http://") || baseUrl.startsWith("https://"))) {
            throw new IllegalArgumentException("baseUrl must start with http:// or https://: " + baseUrl);
        }
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.eio = eio;
        this.query = Collections.unmodifiableMap(new LinkedHashMap<>(query == null ? Map.of() : query));
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers == null ? Map.of() : headers));
        int id = THREAD_IDS.incrementAndGet();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rawclient-" + id + "-timer");
            t.setDaemon(true);
            return t;
        });
    }

    // ------------------------------------------------------------------------------------------
    // Factories
    // ------------------------------------------------------------------------------------------

    /**
     * Opens an Engine.IO session over HTTP long-polling and starts the background poller.
     *
     * @param baseUrl server base URL such as {@code http://127.0.0.1:8080}
     * @param eio Engine.IO protocol version sent as {@code EIO} (3 or 4)
     * @return the client; check {@link #handshakeStatus()} to see whether the server accepted it
     */
    public static RawClient polling(String baseUrl, int eio) {
        return polling(baseUrl, eio, Map.of(), Map.of());
    }

    /**
     * Opens an Engine.IO session over HTTP long-polling and starts the background poller.
     *
     * @param baseUrl server base URL such as {@code http://127.0.0.1:8080}
     * @param eio Engine.IO protocol version sent as {@code EIO} (3 or 4)
     * @param query extra query parameters sent on every request (they override {@code EIO},
     *        {@code transport}, {@code sid} and {@code t} if they use the same names)
     * @param headers extra HTTP headers sent on every request, e.g. {@code Authorization}
     * @return the client; check {@link #handshakeStatus()} to see whether the server accepted it
     */
    public static RawClient polling(String baseUrl, int eio, Map<String, String> query, Map<String, String> headers) {
        RawClient client = new RawClient(baseUrl, eio, query, headers);
        client.openPolling();
        return client;
    }

    /**
     * Opens an Engine.IO session directly over WebSocket (no polling handshake).
     *
     * @param baseUrl server base URL such as {@code http://127.0.0.1:8080}
     * @param eio Engine.IO protocol version sent as {@code EIO} (3 or 4)
     * @return the client; check {@link #handshakeStatus()} (101 on success)
     */
    public static RawClient websocket(String baseUrl, int eio) {
        return websocket(baseUrl, eio, Map.of(), Map.of());
    }

    /**
     * Opens an Engine.IO session directly over WebSocket (no polling handshake).
     *
     * @param baseUrl server base URL such as {@code http://127.0.0.1:8080}
     * @param eio Engine.IO protocol version sent as {@code EIO} (3 or 4)
     * @param query extra query parameters sent on the upgrade request
     * @param headers extra HTTP headers sent on the upgrade request, e.g. {@code Authorization}
     * @return the client; check {@link #handshakeStatus()} (101 on success)
     */
    public static RawClient websocket(String baseUrl, int eio, Map<String, String> query, Map<String, String> headers) {
        RawClient client = new RawClient(baseUrl, eio, query, headers);
        client.openWebSocket();
        return client;
    }

    /**
     * Opens an Engine.IO session over long-polling, then upgrades it to WebSocket the way the
     * JavaScript client does: WebSocket with the {@code sid}, {@code 2probe}, expect {@code 3probe},
     * stop polling, send {@code 5}. If the upgrade fails the client stays on polling and the cause
     * is in {@link #errors()}; check {@link #transport()}.
     *
     * @param baseUrl server base URL such as {@code http://127.0.0.1:8080}
     * @param eio Engine.IO protocol version sent as {@code EIO} (3 or 4)
     * @return the client
     */
    public static RawClient upgrade(String baseUrl, int eio) {
        return upgrade(baseUrl, eio, Map.of(), Map.of());
    }

    /**
     * Opens an Engine.IO session over long-polling, then upgrades it to WebSocket (see
     * {@link #upgrade(String, int)}).
     *
     * @param baseUrl server base URL such as {@code http://127.0.0.1:8080}
     * @param eio Engine.IO protocol version sent as {@code EIO} (3 or 4)
     * @param query extra query parameters sent on every request, including the WebSocket one
     * @param headers extra HTTP headers sent on every request, including the WebSocket one
     * @return the client
     */
    public static RawClient upgrade(String baseUrl, int eio, Map<String, String> query, Map<String, String> headers) {
        RawClient client = new RawClient(baseUrl, eio, query, headers);
        client.openPolling();
        if (client.sid != null && !client.isClosed()) {
            client.upgradeToWebSocket();
        }
        return client;
    }

    // ------------------------------------------------------------------------------------------
    // Handshake state
    // ------------------------------------------------------------------------------------------

    /**
     * Returns the Engine.IO session id from the OPEN packet.
     *
     * @return the sid, or {@code null} if the handshake did not produce an OPEN packet
     */
    public String sid() {
        return sid;
    }

    /**
     * Returns the Engine.IO protocol version this client speaks.
     *
     * @return 3 or 4 (or whatever was passed to the factory)
     */
    public int eio() {
        return eio;
    }

    /**
     * Returns the raw OPEN packet, e.g. {@code 0{"sid":"...","upgrades":["websocket"],...}}.
     *
     * @return the OPEN packet, or {@code null} if none was received
     */
    public String openPacket() {
        return openPacket;
    }

    /**
     * Returns the HTTP status of the very first request: 200 for an accepted polling handshake,
     * 101 for an accepted WebSocket upgrade, the error status (e.g. 401, 400) if the server refused
     * it, or -1 if no HTTP response was received at all (the cause is in {@link #errors()}).
     *
     * @return the HTTP status of the handshake request
     */
    public int handshakeStatus() {
        return handshakeStatus;
    }

    /**
     * Returns the body of the handshake response decoded as UTF-8 (empty if there was none).
     * For an EIO3 polling handshake this contains netty-socketio's binary framing bytes.
     *
     * @return the handshake response body as text
     */
    public String handshakeBody() {
        return new String(handshakeBody, StandardCharsets.UTF_8);
    }

    /**
     * Returns the raw bytes of the handshake response body (empty if there was none).
     *
     * @return a copy of the handshake response body
     */
    public byte[] handshakeBodyBytes() {
        return handshakeBody.clone();
    }

    /**
     * Returns the {@code pingInterval} announced in the OPEN packet.
     *
     * @return the ping interval in milliseconds, or -1 if unknown
     */
    public long pingInterval() {
        return pingInterval;
    }

    /**
     * Returns the {@code pingTimeout} announced in the OPEN packet.
     *
     * @return the ping timeout in milliseconds, or -1 if unknown
     */
    public long pingTimeout() {
        return pingTimeout;
    }

    /**
     * Returns the transport currently used for sending and receiving.
     *
     * @return {@link Transport#POLLING} or {@link Transport#WEBSOCKET} (the transport the client
     *         was opened with, or upgraded to)
     */
    public Transport transport() {
        return transport;
    }

    // ------------------------------------------------------------------------------------------
    // Options
    // ------------------------------------------------------------------------------------------

    /**
     * Enables or disables answering EIO4 server pings ({@code "2"}) with {@code "3"}. Enabled by
     * default. Has no effect on EIO3, where the server does not ping.
     *
     * @param enabled whether to answer pings
     * @return this client
     */
    public RawClient autoPong(boolean enabled) {
        this.autoPong = enabled;
        return this;
    }

    /**
     * Enables or disables the EIO3 client heartbeat: a {@code "2"} ping every {@code pingInterval}
     * (taken from the OPEN packet). Enabled by default. Has no effect on EIO4.
     *
     * @param enabled whether to send pings
     * @return this client
     */
    public RawClient autoPing(boolean enabled) {
        this.autoPing = enabled;
        return this;
    }

    // ------------------------------------------------------------------------------------------
    // Sending
    // ------------------------------------------------------------------------------------------

    /**
     * Sends Engine.IO packets given in their text form on the current transport. On polling all
     * packets go in ONE POST body, framed by {@link #encodePayload(int, String...)}; on WebSocket
     * each packet is one text frame. I/O failures are recorded in {@link #errors()} (and close the
     * client), they are not thrown.
     *
     * @param packets packets such as {@code "40"}, {@code "42[\"echo\",1]"} or {@code "2"}
     * @throws IllegalStateException if the handshake did not establish a session
     */
    public void send(String... packets) {
        requireSession();
        if (packets.length == 0) {
            return;
        }
        if (transport == Transport.WEBSOCKET) {
            for (String packet : packets) {
                sendFrame(packet);
            }
        } else {
            post(encodePayload(eio, packets).getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * POSTs an arbitrary body to the polling endpoint of this session (with this client's sid),
     * whatever the current transport is. The string is encoded as UTF-8 and sent unframed.
     *
     * @param body the exact request body
     * @return the HTTP status of the POST, or -1 if it failed (cause in {@link #errors()})
     * @throws IllegalStateException if the handshake did not establish a session
     */
    public int sendRawBody(String body) {
        return sendRawBody(body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * POSTs arbitrary bytes to the polling endpoint of this session (with this client's sid),
     * whatever the current transport is.
     *
     * @param body the exact request body
     * @return the HTTP status of the POST, or -1 if it failed (cause in {@link #errors()})
     * @throws IllegalStateException if the handshake did not establish a session
     */
    public int sendRawBody(byte[] body) {
        requireSession();
        return post(body.clone());
    }

    /**
     * Sends one WebSocket text frame with exactly this content. I/O failures are recorded in
     * {@link #errors()} (and close the client), they are not thrown.
     *
     * @param frame the frame content
     * @throws IllegalStateException if this client has no WebSocket
     */
    public void sendFrame(String frame) {
        WebSocket ws = webSocket;
        if (ws == null) {
            throw new IllegalStateException("this client has no WebSocket (transport " + transport + ")");
        }
        wsSend(ws, frame, true);
    }

    /**
     * Sends one WebSocket binary frame with exactly these bytes (netty-socketio decodes binary
     * frames exactly like text frames).
     *
     * @param frame the frame content
     * @throws IllegalStateException if this client has no WebSocket
     */
    public void sendBinaryFrame(byte[] frame) {
        WebSocket ws = webSocket;
        if (ws == null) {
            throw new IllegalStateException("this client has no WebSocket (transport " + transport + ")");
        }
        synchronized (wsSendLock) {
            try {
                ws.sendBinary(ByteBuffer.wrap(frame.clone()), true).get(IO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                recordError(e);
                markClosed("websocket send failed: " + e);
            }
        }
    }

    /**
     * Frames packets as one HTTP long-polling payload, the way netty-socketio decodes it.
     * EIO4 (and above): joined with the record separator {@code \u001e}. EIO3 (and below): each
     * packet as {@code <length>:<packet>}, where the length counts Unicode code points. That is what
     * netty-socketio's {@code UTF8CharsScanner} counts (one per UTF-8 sequence); it equals the
     * UTF-16 length the JavaScript client uses for every character of the Basic Multilingual Plane,
     * but a supplementary character (e.g. an emoji) counts 1 here and 2 in JavaScript. See
     * {@link #encodeEio3PayloadLikeJs(String...)} for the JavaScript variant.
     *
     * @param eio the Engine.IO protocol version
     * @param packets the packets in text form
     * @return the payload text (to be sent as UTF-8)
     */
    public static String encodePayload(int eio, String... packets) {
        if (eio >= 4) {
            return String.join(RECORD_SEPARATOR, packets);
        }
        StringBuilder sb = new StringBuilder();
        for (String packet : packets) {
            sb.append(packet.codePointCount(0, packet.length())).append(':').append(packet);
        }
        return sb.toString();
    }

    /**
     * Frames packets as an EIO3 polling payload exactly as the JavaScript client (engine.io-parser
     * 2.x) does: {@code <length>:<packet>} with the length in UTF-16 code units
     * ({@link String#length()}). netty-socketio 2.0.14 misframes such a payload when a packet
     * contains a supplementary character: it consumes one extra character per such code point,
     * so the following packets of the body are lost or garbled.
     *
     * @param packets the packets in text form
     * @return the payload text (to be sent as UTF-8, e.g. with {@link #sendRawBody(String)})
     */
    public static String encodeEio3PayloadLikeJs(String... packets) {
        StringBuilder sb = new StringBuilder();
        for (String packet : packets) {
            sb.append(packet.length()).append(':').append(packet);
        }
        return sb.toString();
    }

    /**
     * Splits an HTTP long-polling response body into packets, as sent by netty-socketio.
     *
     * <ul>
     *   <li>EIO4: UTF-8 text, packets separated by {@code \u001e}.</li>
     *   <li>EIO3 default (no {@code b64} query parameter): netty-socketio's binary framing, for
     *       each packet {@code 0x00} (text) or {@code 0x01} (binary), the byte length as one byte
     *       per decimal digit (values 0-9), {@code 0xFF}, then the packet bytes. netty-socketio
     *       also puts a {@code 0x1e} byte between packets, which is skipped.</li>
     *   <li>EIO3 with {@code b64=1}: text framing {@code <length>:<packet>}; netty-socketio
     *       counts the length in UTF-8 bytes and re-encodes every byte above 0x7F as a Latin-1
     *       character, which is undone here.</li>
     * </ul>
     * Binary packets are returned as {@code "b"} followed by the Base64 of their raw bytes.
     *
     * @param eio the Engine.IO protocol version
     * @param body the response body
     * @return the packets, in order
     * @throws IllegalArgumentException if the body is not well framed
     */
    public static List<String> decodePayload(int eio, byte[] body) {
        List<String> packets = new ArrayList<>();
        if (body.length == 0) {
            return packets;
        }
        if (eio >= 4) {
            String text = new String(body, StandardCharsets.UTF_8);
            for (String packet : text.split(RECORD_SEPARATOR, -1)) {
                packets.add(packet);
            }
            return packets;
        }
        int i = 0;
        while (i < body.length) {
            int c = body[i] & 0xFF;
            if (c == 0x1E) {
                i++;
            } else if (c == 0 || c == 1) {
                int j = i + 1;
                long length = 0;
                int digits = 0;
                while (j < body.length && (body[j] & 0xFF) != 0xFF) {
                    int digit = body[j] & 0xFF;
                    if (digit > 9 || ++digits > 10) {
                        throw new IllegalArgumentException("bad binary length header at byte " + j);
                    }
                    length = length * 10 + digit;
                    j++;
                }
                int start = j + 1;
                if (j >= body.length || digits == 0 || start + length > body.length) {
                    throw new IllegalArgumentException("truncated binary frame at byte " + i);
                }
                int end = (int) (start + length);
                if (c == 0) {
                    packets.add(new String(body, start, end - start, StandardCharsets.UTF_8));
                } else {
                    byte[] data = new byte[end - start];
                    System.arraycopy(body, start, data, 0, data.length);
                    packets.add("b" + Base64.getEncoder().encodeToString(data));
                }
                i = end;
            } else if (c >= '0' && c <= '9') {
                decodeTextFraming(new String(body, i, body.length - i, StandardCharsets.UTF_8), packets);
                break;
            } else {
                throw new IllegalArgumentException("unexpected byte 0x" + Integer.toHexString(c) + " at " + i);
            }
        }
        return packets;
    }

    private static void decodeTextFraming(String text, List<String> packets) {
        int k = 0;
        while (k < text.length()) {
            if (text.charAt(k) == '\u001e') {
                k++;
                continue;
            }
            int colon = text.indexOf(':', k);
            if (colon <= k) {
                throw new IllegalArgumentException("missing length header at char " + k);
            }
            int length;
            try {
                length = Integer.parseInt(text.substring(k, colon));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad length header at char " + k, e);
            }
            int end = colon + 1 + length;
            if (length < 0 || end > text.length()) {
                throw new IllegalArgumentException("truncated text frame at char " + k);
            }
            String chars = text.substring(colon + 1, end);
            boolean latin1 = chars.chars().allMatch(ch -> ch <= 0xFF);
            packets.add(latin1 ? new String(chars.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8) : chars);
            k = end;
        }
    }

    // ------------------------------------------------------------------------------------------
    // Receiving
    // ------------------------------------------------------------------------------------------

    /**
     * Returns a snapshot of every packet received so far, in arrival order, starting with the
     * OPEN packet. Its size can be used as the start index of {@link #awaitFrom}.
     *
     * @return an immutable copy of the received packets
     */
    public List<String> received() {
        synchronized (lock) {
            return List.copyOf(received);
        }
    }

    /**
     * Waits for a packet matching the predicate, looking at every packet received since the
     * session was opened (so a packet that arrived before this call is found immediately).
     * Returns early, empty, once the client is closed and no received packet matches.
     *
     * @param predicate the condition on the packet text
     * @param timeout the maximum time to wait
     * @return the first matching packet, or empty on timeout
     */
    public Optional<String> await(Predicate<String> predicate, Duration timeout) {
        return awaitFrom(0, predicate, timeout);
    }

    /**
     * Like {@link #await(Predicate, Duration)}, but only considers packets at index
     * {@code fromIndex} or later in {@link #received()} (take {@code received().size()} before
     * sending to wait for a fresh answer).
     *
     * @param fromIndex the first index to consider
     * @param predicate the condition on the packet text
     * @param timeout the maximum time to wait
     * @return the first matching packet at or after {@code fromIndex}, or empty on timeout
     */
    public Optional<String> awaitFrom(int fromIndex, Predicate<String> predicate, Duration timeout) {
        List<String> found = awaitMatches(fromIndex, predicate, 1, timeout);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /**
     * Waits until {@code count} received packets (since open) match the predicate.
     *
     * @param predicate the condition on the packet text
     * @param count how many matching packets to wait for
     * @param timeout the maximum time to wait
     * @return the matching packets in arrival order; fewer than {@code count} on timeout or close
     */
    public List<String> awaitAll(Predicate<String> predicate, int count, Duration timeout) {
        return awaitMatches(0, predicate, count, timeout);
    }

    /**
     * Waits for a packet exactly equal to {@code packet}, e.g. {@code "41"} (disconnect from the
     * main namespace) or {@code "44{\"message\":\"...\"}"}.
     *
     * @param packet the exact packet text
     * @param timeout the maximum time to wait
     * @return whether such a packet was received (before or during the wait)
     */
    public boolean awaitPacket(String packet, Duration timeout) {
        return await(packet::equals, timeout).isPresent();
    }

    private List<String> awaitMatches(int fromIndex, Predicate<String> predicate, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> matches = new ArrayList<>();
        synchronized (lock) {
            int i = Math.max(0, fromIndex);
            while (true) {
                for (; i < received.size(); i++) {
                    String packet = received.get(i);
                    if (predicate.test(packet)) {
                        matches.add(packet);
                        if (matches.size() >= count) {
                            return matches;
                        }
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || isClosed()) {
                    return matches;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return matches;
                }
            }
        }
    }

    /**
     * Waits until the transport is closed: the server closed the WebSocket, a polling request was
     * answered with an error status (400, 500, ...) or failed, the server sent a close packet
     * {@code 1}, or {@link #close()} was called. Note that receiving {@code 41} is a Socket.IO
     * disconnect, not a transport close; netty-socketio closes the transport right after sending
     * {@code 41} for the main namespace, and on polling the next GET is then answered with 500.
     *
     * @param timeout the maximum time to wait
     * @return whether the transport is closed
     */
    public boolean awaitClosed(Duration timeout) {
        try {
            return closedLatch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return isClosed();
        }
    }

    /**
     * Tells whether the transport is closed (see {@link #awaitClosed(Duration)}).
     *
     * @return whether the transport is closed
     */
    public boolean isClosed() {
        return closedLatch.getCount() == 0;
    }

    /**
     * Returns why the client is closed, e.g. {@code "polling GET answered HTTP 500"}.
     *
     * @return the close reason, or {@code null} while open
     */
    public String closeReason() {
        return closeReason;
    }

    /**
     * Returns the exceptions recorded on any thread (failed requests, undecodable payloads, ...).
     *
     * @return a snapshot of the recorded errors
     */
    public List<Throwable> errors() {
        return List.copyOf(errors);
    }

    /**
     * Closes the client; idempotent. Stops the poller and the ping timer. On polling it sends a
     * best-effort close packet {@code 1} first if the session is still open; on WebSocket it sends
     * a close frame (and aborts the socket if that does not complete within a second).
     */
    @Override
    public void close() {
        if (!closeCalled.compareAndSet(false, true)) {
            return;
        }
        boolean wasOpen = !isClosed();
        Transport current = transport;
        if (wasOpen && current == Transport.POLLING && sid != null) {
            try {
                HttpRequest request = requestBuilder(pollingUri())
                        .timeout(Duration.ofSeconds(1))
                        .header("Content-Type", "text/plain;charset=UTF-8")
                        .POST(HttpRequest.BodyPublishers.ofString(encodePayload(eio, "1")))
                        .build();
                HTTP.send(request, HttpResponse.BodyHandlers.discarding());
            } catch (IOException | RuntimeException e) {
                // best effort
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        markClosed("closed by client");
        Thread t = poller;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        WebSocket ws = webSocket;
        if (ws != null) {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                // already closed or unresponsive
            } finally {
                ws.abort();
            }
        }
        timer.shutdownNow();
    }

    /**
     * Describes the client (protocol version, transport, sid and close reason) for assertion messages.
     *
     * @return a short description
     */
    @Override
    public String toString() {
        return "RawClient[eio=" + eio + ", transport=" + transport + ", sid=" + sid
                + (isClosed() ? ", closed: " + closeReason : "") + "]";
    }

    // ------------------------------------------------------------------------------------------
    // Upgrade
    // ------------------------------------------------------------------------------------------

    /**
     * Upgrades a polling session to WebSocket: opens a WebSocket with this sid, sends
     * {@code 2probe}, waits for {@code 3probe}, stops polling and sends {@code 5}. Failures are
     * recorded in {@link #errors()} and leave the client on polling.
     *
     * @return whether the client now uses WebSocket
     */
    public boolean upgradeToWebSocket() {
        if (transport != Transport.POLLING || sid == null || isClosed()) {
            return false;
        }
        int mark;
        synchronized (lock) {
            mark = received.size();
        }
        WsListener listener = new WsListener();
        WebSocket probe;
        try {
            probe = connectWebSocket(sid, listener);
        } catch (WebSocketHandshakeException e) {
            recordError(new IllegalStateException("upgrade refused: HTTP " + e.getResponse().statusCode(), e));
            return false;
        } catch (IOException e) {
            recordError(e);
            return false;
        }
        if (!wsSend(probe, "2probe", false)) {
            probe.abort();
            return false;
        }
        if (awaitFrom(mark, "3probe"::equals, IO_TIMEOUT).isEmpty()) {
            recordError(new IllegalStateException("no 3probe answer to 2probe"));
            probe.abort();
            return false;
        }
        // Pause polling. netty-socketio answers 2probe with a single noop ("6") on the pending GET,
        // which normally ends the in-flight poll; give it a moment before sending the upgrade.
        pollingPaused = true;
        Thread t = poller;
        joinQuietly(t, 500);
        if (!wsSend(probe, "5", false)) {
            probe.abort();
            pollingPaused = false;
            recordError(new IllegalStateException("could not send upgrade packet 5"));
            return false;
        }
        webSocket = probe;
        transport = Transport.WEBSOCKET;
        startWebSocketWatchdog();
        if (listener.closedReason != null) {
            markClosed(listener.closedReason);
        }
        // After "5" the server writes nothing more to the polling channel, so a GET still pending
        // can be abandoned without losing packets.
        joinQuietly(t, 500);
        if (t != null && t.isAlive()) {
            CompletableFuture<HttpResponse<byte[]>> get = pendingGet;
            if (get != null) {
                get.cancel(true);
            }
            t.interrupt();
            joinQuietly(t, 1000);
        }
        return true;
    }

    private static void joinQuietly(Thread t, long millis) {
        if (t == null) {
            return;
        }
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------------------------------
    // Internals: polling
    // ------------------------------------------------------------------------------------------

    private void openPolling() {
        transport = Transport.POLLING;
        HttpResponse<byte[]> response;
        try {
            HttpRequest request = requestBuilder(pollingUri()).timeout(IO_TIMEOUT).GET().build();
            try {
                response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException stale) {
                // The shared client may pick a pooled keep-alive connection the server has just closed (it closes
                // the connections of sessions it ends); like a browser, retry the idempotent GET once.
                response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
            }
        } catch (IOException e) {
            recordError(e);
            markClosed("polling handshake failed: " + e);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            markClosed("interrupted during handshake");
            return;
        }
        handshakeStatus = response.statusCode();
        handshakeBody = response.body() == null ? new byte[0] : response.body();
        if (handshakeStatus != 200) {
            markClosed("polling handshake answered HTTP " + handshakeStatus);
            return;
        }
        List<String> packets;
        try {
            packets = decodePayload(eio, handshakeBody);
        } catch (IllegalArgumentException e) {
            recordError(new IllegalStateException("undecodable handshake body: " + escape(handshakeBody), e));
            markClosed("undecodable handshake body");
            return;
        }
        if (packets.isEmpty() || !packets.get(0).startsWith("0")) {
            recordError(new IllegalStateException("handshake did not start with an OPEN packet: " + packets));
            markClosed("no OPEN packet");
            return;
        }
        onOpenPacket(packets.get(0));
        deliver(packets);
        if (sid == null) {
            markClosed("OPEN packet without sid");
            return;
        }
        Thread t = new Thread(this::pollLoop, "rawclient-" + THREAD_IDS.incrementAndGet() + "-poller");
        t.setDaemon(true);
        poller = t;
        t.start();
    }

    private void pollLoop() {
        while (!isClosed() && !pollingPaused) {
            Duration timeout = longPollTimeout();
            HttpRequest request = requestBuilder(pollingUri()).timeout(timeout).GET().build();
            CompletableFuture<HttpResponse<byte[]>> future = HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
            pendingGet = future;
            if (isClosed()) {
                future.cancel(true);
                return;
            }
            HttpResponse<byte[]> response;
            try {
                response = future.get(timeout.toMillis() + 2000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException | CancellationException e) {
                future.cancel(true);
                return;
            } catch (TimeoutException e) {
                future.cancel(true);
                if (!isClosed() && !pollingPaused) {
                    recordError(e);
                    markClosed("polling GET timed out");
                }
                return;
            } catch (ExecutionException e) {
                if (isClosed() || pollingPaused) {
                    return;
                }
                if (isConnectionExpired(e.getCause())) {
                    continue;
                }
                recordError(e.getCause());
                markClosed("polling GET failed: " + e.getCause());
                return;
            } finally {
                pendingGet = null;
            }
            byte[] body = response.body() == null ? new byte[0] : response.body();
            if (response.statusCode() != 200) {
                markClosed("polling GET answered HTTP " + response.statusCode()
                        + (body.length > 0 ? ": " + escape(body) : ""));
                return;
            }
            try {
                deliver(decodePayload(eio, body));
            } catch (IllegalArgumentException e) {
                recordError(new IllegalStateException("undecodable polling body: " + escape(body), e));
            }
        }
    }

    private Duration longPollTimeout() {
        long interval = pingInterval > 0 ? pingInterval : 25000;
        long timeout = pingTimeout > 0 ? pingTimeout : 20000;
        return Duration.ofMillis(Math.max(IO_TIMEOUT.toMillis(), interval + timeout + 5000));
    }

    private int post(byte[] body) {
        for (int attempt = 0; ; attempt++) {
            HttpRequest request = requestBuilder(pollingUri())
                    .timeout(IO_TIMEOUT)
                    .header("Content-Type", "text/plain;charset=UTF-8")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            try {
                HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status != 200) {
                    recordError(new IllegalStateException("polling POST answered HTTP " + status + ": " + response.body()));
                    if (status == 400 || status >= 500) {
                        markClosed("polling POST answered HTTP " + status);
                    }
                }
                return status;
            } catch (IOException e) {
                // A pooled keep-alive connection that netty-socketio already closed: the request
                // never reached the server, so it is safe to send it again on a new connection.
                if (attempt == 0 && isConnectionExpired(e)) {
                    continue;
                }
                recordError(e);
                markClosed("polling POST failed: " + e);
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
    }

    private static boolean isConnectionExpired(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String message = String.valueOf(c.getMessage());
            if (c.getClass().getSimpleName().equals("ConnectionExpiredException")
                    || message.contains("header parser received no bytes")) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------------------------------
    // Internals: websocket
    // ------------------------------------------------------------------------------------------

    private void openWebSocket() {
        transport = Transport.WEBSOCKET;
        WsListener listener = new WsListener();
        WebSocket ws;
        try {
            ws = connectWebSocket(null, listener);
        } catch (WebSocketHandshakeException e) {
            HttpResponse<?> response = e.getResponse();
            handshakeStatus = response.statusCode();
            Object body = response.body();
            if (body instanceof byte[]) {
                handshakeBody = (byte[]) body;
            } else if (body != null) {
                handshakeBody = body.toString().getBytes(StandardCharsets.UTF_8);
            }
            markClosed("websocket handshake answered HTTP " + handshakeStatus);
            return;
        } catch (IOException e) {
            recordError(e);
            markClosed("websocket handshake failed: " + e);
            return;
        }
        handshakeStatus = 101;
        webSocket = ws;
        startWebSocketWatchdog();
        if (listener.closedReason != null) {
            markClosed(listener.closedReason);
        }
        Optional<String> open = await(p -> p.startsWith("0"), IO_TIMEOUT);
        if (open.isEmpty()) {
            recordError(new IllegalStateException("no OPEN packet on the websocket"));
            return;
        }
        onOpenPacket(open.get());
    }

    private WebSocket connectWebSocket(String sessionId, WsListener listener) throws IOException {
        String wsBase = "ws" + baseUrl.substring("http".length());
        URI uri = URI.create(wsBase + PATH + "?" + queryString("websocket", sessionId, false));
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(IO_TIMEOUT);
        headers.forEach(builder::header);
        CompletableFuture<WebSocket> future = builder.buildAsync(uri, listener);
        try {
            return future.get(IO_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof WebSocketHandshakeException) {
                throw (WebSocketHandshakeException) cause;
            }
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            throw new IOException("websocket connect failed", cause);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new IOException("websocket connect timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new IOException("interrupted while connecting the websocket", e);
        }
    }

    /**
     * The JDK WebSocket client does not always report a TCP close that arrives right after the last
     * frame (observed with netty-socketio closing the channel just after writing {@code 41}: the
     * socket sits in CLOSE_WAIT and no listener method is called). A tiny WebSocket ping frame every
     * 250 ms makes the next write fail, so the closure is noticed. netty-socketio ignores ping
     * frames: they are not Engine.IO packets and do not affect its heartbeat.
     */
    private void startWebSocketWatchdog() {
        try {
            wsWatchdog = timer.scheduleWithFixedDelay(this::checkWebSocket, 250, 250, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            recordError(e);
        }
    }

    private void checkWebSocket() {
        WebSocket ws = webSocket;
        if (ws == null || isClosed()) {
            return;
        }
        if (ws.isInputClosed() || ws.isOutputClosed()) {
            markClosed("websocket closed");
            return;
        }
        CompletableFuture<WebSocket> previous = pendingWsPing;
        if (previous != null && !previous.isDone()) {
            return;
        }
        try {
            CompletableFuture<WebSocket> ping = ws.sendPing(ByteBuffer.allocate(0));
            pendingWsPing = ping;
            ping.whenComplete((ignored, error) -> {
                if (error != null && !isClosed() && !closeCalled.get()) {
                    markClosed("websocket connection lost: " + error);
                }
            });
        } catch (IllegalStateException e) {
            // a control frame is still being sent; try again next time
        }
    }

    private boolean wsSend(WebSocket ws, String text, boolean closeOnFailure) {
        synchronized (wsSendLock) {
            try {
                ws.sendText(text, true).get(IO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException e) {
                recordError(e.getCause());
            } catch (TimeoutException | RuntimeException e) {
                recordError(e);
            }
            if (closeOnFailure) {
                markClosed("websocket send failed");
            }
            return false;
        }
    }

    private final class WsListener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
        private volatile WebSocket socket;
        private volatile String closedReason;

        @Override
        public void onOpen(WebSocket ws) {
            socket = ws;
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String packet = text.toString();
                text.setLength(0);
                deliver(List.of(packet));
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                String packet = "b" + Base64.getEncoder().encodeToString(binary.toByteArray());
                binary.reset();
                deliver(List.of(packet));
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed(ws, "websocket closed by server: " + statusCode + (reason.isEmpty() ? "" : " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            if (!closeCalled.get()) {
                recordError(error);
            }
            closed(ws, "websocket error: " + error);
        }

        private void closed(WebSocket ws, String reason) {
            closedReason = reason;
            if (ws == webSocket || (webSocket == null && transport == Transport.WEBSOCKET && socket == ws)) {
                markClosed(reason);
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Internals: shared
    // ------------------------------------------------------------------------------------------

    private void onOpenPacket(String packet) {
        openPacket = packet;
        try {
            JsonObject json = JsonParser.parseString(packet.substring(1)).getAsJsonObject();
            JsonElement id = json.get("sid");
            if (id != null && !id.isJsonNull()) {
                sid = id.getAsString();
            }
            JsonElement interval = json.get("pingInterval");
            if (interval != null && interval.isJsonPrimitive()) {
                pingInterval = interval.getAsLong();
            }
            JsonElement timeout = json.get("pingTimeout");
            if (timeout != null && timeout.isJsonPrimitive()) {
                pingTimeout = timeout.getAsLong();
            }
        } catch (RuntimeException e) {
            recordError(new IllegalStateException("bad OPEN packet: " + packet, e));
            return;
        }
        if (eio <= 3 && pingInterval > 0) {
            try {
                pingTask = timer.scheduleAtFixedRate(this::heartbeat, pingInterval, pingInterval, TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                recordError(e);
            }
        }
    }

    private void heartbeat() {
        if (autoPing && !isClosed() && !closeCalled.get()) {
            safeSend("2");
        }
    }

    private void safeSend(String packet) {
        try {
            if (!isClosed()) {
                send(packet);
            }
        } catch (RuntimeException e) {
            recordError(e);
        }
    }

    private void deliver(List<String> packets) {
        if (packets.isEmpty()) {
            return;
        }
        synchronized (lock) {
            received.addAll(packets);
            lock.notifyAll();
        }
        boolean closePacket = false;
        for (String packet : packets) {
            if (eio >= 4 && "2".equals(packet) && autoPong) {
                try {
                    timer.execute(() -> safeSend("3"));
                } catch (RuntimeException e) {
                    // timer already shut down: the client is closing
                }
            }
            if ("1".equals(packet)) {
                closePacket = true;
            }
        }
        if (closePacket) {
            markClosed("server sent close packet 1");
        }
    }

    private void markClosed(String reason) {
        synchronized (lock) {
            if (closedLatch.getCount() > 0) {
                closeReason = reason;
                closedLatch.countDown();
            }
            lock.notifyAll();
        }
        ScheduledFuture<?> task = pingTask;
        if (task != null) {
            task.cancel(false);
        }
        ScheduledFuture<?> watchdog = wsWatchdog;
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        CompletableFuture<HttpResponse<byte[]>> get = pendingGet;
        if (get != null) {
            get.cancel(true);
        }
    }

    private void recordError(Throwable t) {
        errors.add(t);
    }

    private void requireSession() {
        if (sid == null) {
            throw new IllegalStateException("no Engine.IO session (handshake status " + handshakeStatus
                    + (closeReason != null ? ", " + closeReason : "") + ")");
        }
    }

    private URI pollingUri() {
        return URI.create(baseUrl + PATH + "?" + queryString("polling", sid, true));
    }

    private String queryString(String transportName, String sessionId, boolean cacheBust) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("EIO", Integer.toString(eio));
        params.put("transport", transportName);
        if (sessionId != null) {
            params.put("sid", sessionId);
        }
        if (cacheBust) {
            params.put("t", cacheBuster + "-" + UUID.randomUUID().toString().substring(0, 8));
        }
        params.putAll(query);
        StringBuilder sb = new StringBuilder();
        params.forEach((key, value) -> {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(key, StandardCharsets.UTF_8));
            if (value != null) {
                sb.append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        return sb.toString();
    }

    private HttpRequest.Builder requestBuilder(URI uri) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri);
        headers.forEach(builder::header);
        if (ALLOW_CONNECTION_HEADER) {
            // netty-socketio closes the connection after every polling response while announcing keep-alive; a
            // pooled connection can then die under the next request ("header parser received no bytes").
            builder.header("Connection", "close");
        }
        return builder;
    }

    private static final boolean ALLOW_CONNECTION_HEADER = String.valueOf(
            System.getProperty("jdk.httpclient.allowRestrictedHeaders")).contains("connection");

    private static String escape(byte[] body) {
        StringBuilder sb = new StringBuilder();
        for (byte b : body) {
            int c = b & 0xFF;
            if (c >= 0x20 && c < 0x7F) {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
            if (sb.length() > 2000) {
                sb.append("...");
                break;
            }
        }
        return sb.toString();
    }
}
