package io.github.socketiojwt.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One input of {@code ProtocolFuzzTest}: which server layout, Engine.IO version and wire, what the handshake
 * carries (query, headers, path), the frames sent after it, and what the fuzzer expects — an answer (error packet,
 * {@code unauthorized} or a closed connection) on one namespace, or an echo for a valid client. It also knows
 * which namespaces it holds a valid token for, and the strings (tokens, nonces) that must never be logged.
 *
 * <p>{@link #describe()} prints every byte that is sent, escaped, with long runs of one character shortened to
 * {@code <N x 'c'>}: enough to rebuild the case by hand.
 */
public final class FuzzCase {

    /** The tag of a case whose request head is near or over netty-socketio's 8192-byte limit. */
    public static final String OVERSIZED = "request-head-over-8000-chars";

    /** How the case talks to the server. */
    public enum Wire {
        /** {@link RawClient#polling}: long-polling through java.net.http. */
        POLLING,
        /** {@link RawClient#websocket}: a WebSocket from the start. */
        WEBSOCKET,
        /** {@link RawClient#upgrade}: long-polling, then the upgrade to WebSocket. */
        UPGRADE,
        /** {@link RawHttp#polling}: long-polling over a plain socket, query and headers byte for byte. */
        RAW_POLLING,
        /** {@link RawHttp#websocket}: a WebSocket over a plain socket, query and headers byte for byte. */
        RAW_WEBSOCKET,
        /** {@link RawHttp#postOnly}: a long-polling session that only POSTs, never GETs, after the handshake. */
        RAW_POST_ONLY;

        /** @return whether frames go over a WebSocket */
        public boolean webSocket() {
            return this == WEBSOCKET || this == UPGRADE || this == RAW_WEBSOCKET;
        }

        /** @return whether the handshake is written byte for byte */
        public boolean raw() {
            return this == RAW_POLLING || this == RAW_WEBSOCKET || this == RAW_POST_ONLY;
        }
    }

    /** One thing the client does after the handshake. */
    public sealed interface Step permits Packets, Bytes, Await {
    }

    /**
     * Engine.IO packets in text form: one POST (polling) or one text frame each (WebSocket).
     *
     * @param packets the packets
     */
    public record Packets(List<String> packets) implements Step {
        /** Copies the list. */
        public Packets {
            packets = List.copyOf(packets);
        }
    }

    /**
     * Exact bytes: one POST body (polling) or one binary frame (WebSocket).
     *
     * @param bytes the bytes
     */
    public record Bytes(byte[] bytes) implements Step {
    }

    /**
     * Waits (at most the answer bound) for a received packet that starts with a text, as a real client waits for
     * {@code 40/admin,} before it emits {@code authenticate}.
     *
     * @param text the start of the packet
     */
    public record Await(String text) implements Step {
    }

    final String id;
    final String kind;
    final String shape;
    final List<String> tags;
    final String layout;
    final int eio;
    final Wire wire;
    final String path;
    final Map<String, String> query;
    final String rawQuery;
    final Map<String, String> headers;
    final List<String> rawHeaders;
    final List<Step> steps;
    final int presentation;
    final String answerOn;
    final String servedBy;
    final Set<String> validOn;
    final List<String> markers;

    private FuzzCase(Builder b) {
        this.id = b.id;
        this.kind = b.kind;
        this.shape = b.shape;
        this.tags = List.copyOf(b.tags);
        this.layout = b.layout;
        this.eio = b.eio;
        this.wire = b.wire;
        this.path = b.path;
        this.query = Collections.unmodifiableMap(new LinkedHashMap<>(b.query));
        this.rawQuery = b.rawQuery;
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
        this.rawHeaders = List.copyOf(b.rawHeaders);
        this.steps = List.copyOf(b.steps);
        this.presentation = b.presentation;
        this.answerOn = b.answerOn;
        this.servedBy = b.servedBy;
        this.validOn = Collections.unmodifiableSet(new LinkedHashSet<>(b.validOn));
        this.markers = List.copyOf(b.markers);
    }

    /**
     * Starts a case.
     *
     * @param id how the case is named in reports, such as {@code 1234/17} (seed and index)
     * @param kind the generator's class of input, such as {@code hs-connect-auth}
     * @return a builder
     */
    public static Builder builder(String id, String kind) {
        return new Builder(id, kind);
    }

    /** @return the name of the case in reports */
    public String id() {
        return id;
    }

    /** @return the class of input */
    public String kind() {
        return kind;
    }

    /** @return the shape of the token presentation, such as {@code payload:object token:lone-surrogates} */
    public String shape() {
        return shape;
    }

    /** @return what else the case holds that may explain a failure, such as a packet the server cannot decode */
    public List<String> tags() {
        return tags;
    }

    /** @return {@code H} (handshake mode on "/") or {@code A} (authenticate mode on "/") */
    public String layout() {
        return layout;
    }

    /** @return the Engine.IO version */
    public int eio() {
        return eio;
    }

    /** @return the wire */
    public Wire wire() {
        return wire;
    }

    /** @return the request path (raw wires only) */
    public String path() {
        return path;
    }

    /** @return query parameters, URL-encoded by {@link RawClient} */
    public Map<String, String> query() {
        return query;
    }

    /** @return the query suffix sent as is (raw wires) */
    public String rawQuery() {
        return rawQuery;
    }

    /** @return headers sent by {@link RawClient} */
    public Map<String, String> headers() {
        return headers;
    }

    /** @return header lines sent as is (raw wires) */
    public List<String> rawHeaders() {
        return rawHeaders;
    }

    /** @return the steps after the handshake */
    public List<Step> steps() {
        return steps;
    }

    /** @return the index of the step that presents the token, -1 for the handshake itself */
    public int presentation() {
        return presentation;
    }

    /** @return the namespace that must answer the presentation, or {@code null} when no answer is expected */
    public String answerOn() {
        return answerOn;
    }

    /** @return the text of the echo a valid client must receive, or {@code null} */
    public String servedBy() {
        return servedBy;
    }

    /** @return the namespaces this case holds a valid token for: only there may it reach the application */
    public Set<String> validOn() {
        return validOn;
    }

    /** @return strings that no log line may contain: tokens, their signatures, nonces */
    public List<String> markers() {
        return markers;
    }

    /**
     * Every byte the case sends, escaped, and what it expects.
     *
     * @return a multi-line description
     */
    public String describe() {
        StringBuilder d = new StringBuilder();
        d.append("case ").append(id).append(" [").append(kind).append(shape.isEmpty() ? "" : ", " + shape)
                .append(tags.isEmpty() ? "" : ", " + String.join(", ", tags)).append("] layout ").append(layout)
                .append(" (").append("H".equals(layout) ? "handshake: / /admin_hs; authenticate: /admin /chat"
                        : "authenticate: / /admin; handshake: /admin_hs /chat; custom requests allowed").append(")\n");
        d.append("  wire ").append(wire).append(", EIO=").append(eio);
        if (wire.raw()) {
            d.append(", path ").append(escape(path));
        }
        d.append('\n');
        if (!query.isEmpty()) {
            d.append("  query (URL-encoded by RawClient):");
            query.forEach((k, v) -> d.append(' ').append(escape(k)).append("=").append(escape(v)));
            d.append('\n');
        }
        if (rawQuery != null && !rawQuery.isEmpty()) {
            d.append("  raw query: ").append(escape(rawQuery)).append('\n');
        }
        headers.forEach((k, v) -> d.append("  header ").append(escape(k)).append(": ").append(escape(v)).append('\n'));
        for (String line : rawHeaders) {
            d.append("  raw header line: ").append(escape(line)).append('\n');
        }
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            d.append("  step ").append(i).append(i == presentation ? " (presents the token)" : "").append(": ");
            if (step instanceof Packets p) {
                d.append(wire.webSocket() ? "text frames" : "one POST of packets");
                for (String packet : p.packets()) {
                    d.append("\n      ").append(escape(packet));
                }
            } else if (step instanceof Bytes b) {
                d.append(wire.webSocket() ? "binary frame " : "POST body ").append(b.bytes().length)
                        .append(" bytes: ").append(escapeBytes(b.bytes()));
            } else if (step instanceof Await a) {
                d.append("wait for a packet starting with ").append(escape(a.text()));
            }
            d.append('\n');
        }
        if (presentation == -1 && answerOn != null) {
            d.append("  the handshake presents the token\n");
        }
        if (answerOn != null) {
            d.append("  expects: an error packet or unauthorized on ").append(answerOn)
                    .append(", or the connection closed\n");
        }
        if (servedBy != null) {
            d.append("  expects: echo-response ").append(servedBy).append('\n');
        }
        d.append("  valid token for: ").append(validOn.isEmpty() ? "none" : validOn);
        return d.toString();
    }

    /**
     * Escapes a string for a report: printable ASCII as is, everything else as {@code \\uXXXX} (so that lone
     * surrogates and control characters stay visible), runs of more than 24 equal characters as
     * {@code <N x 'c'>}.
     *
     * @param s the string
     * @return the escaped text, in double quotes
     */
    public static String escape(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("\"");
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int run = 1;
            while (i + run < s.length() && s.charAt(i + run) == c) {
                run++;
            }
            String one = c >= 0x20 && c < 0x7F ? (c == '"' || c == '\\' ? "\\" + c : String.valueOf(c))
                    : String.format("\\u%04x", (int) c);
            if (run > 24) {
                out.append("<").append(run).append(" x '").append(one).append("'>");
                i += run;
            } else {
                out.append(one);
                i++;
            }
        }
        return out.append('"').toString();
    }

    /**
     * Escapes bytes for a report: printable ASCII as is, others as {@code \xNN}, long runs shortened.
     *
     * @param bytes the bytes
     * @return the escaped text
     */
    public static String escapeBytes(byte[] bytes) {
        StringBuilder out = new StringBuilder("b\"");
        int i = 0;
        while (i < bytes.length) {
            byte b = bytes[i];
            int run = 1;
            while (i + run < bytes.length && bytes[i + run] == b) {
                run++;
            }
            int c = b & 0xFF;
            String one = c >= 0x20 && c < 0x7F ? (c == '"' || c == '\\' ? "\\" + (char) c : String.valueOf((char) c))
                    : String.format("\\x%02x", c);
            if (run > 24) {
                out.append("<").append(run).append(" x '").append(one).append("'>");
                i += run;
            } else {
                out.append(one);
                i++;
            }
        }
        return out.append('"').toString();
    }

    /** Builds a {@link FuzzCase}; every field has a harmless default. */
    public static final class Builder {
        private final String id;
        private final String kind;
        private String shape = "";
        private final List<String> tags = new ArrayList<>();
        private String layout = "H";
        private int eio = 4;
        private Wire wire = Wire.WEBSOCKET;
        private String path = RawClient.PATH;
        private final Map<String, String> query = new LinkedHashMap<>();
        private String rawQuery = "";
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final List<String> rawHeaders = new ArrayList<>();
        private final List<Step> steps = new ArrayList<>();
        private int presentation = -2;
        private String answerOn;
        private String servedBy;
        private final Set<String> validOn = new LinkedHashSet<>();
        private final List<String> markers = new ArrayList<>();

        private Builder(String id, String kind) {
            this.id = id;
            this.kind = kind;
        }

        /** @param shape the shape of the token presentation, for reports and failure classes @return this */
        public Builder shape(String shape) {
            this.shape = shape;
            return this;
        }

        /** @param tag something else the case holds that may explain a failure @return this */
        public Builder tag(String tag) {
            tags.add(tag);
            return this;
        }

        /** @param layout {@code H} or {@code A} @return this */
        public Builder layout(String layout) {
            this.layout = layout;
            return this;
        }

        /** @param eio 3 or 4 @return this */
        public Builder eio(int eio) {
            this.eio = eio;
            return this;
        }

        /** @param wire the wire @return this */
        public Builder wire(Wire wire) {
            this.wire = wire;
            return this;
        }

        /** @param path the request path (raw wires) @return this */
        public Builder path(String path) {
            this.path = path;
            return this;
        }

        /** @param name a parameter @param value its value @return this */
        public Builder query(String name, String value) {
            query.put(name, value);
            return this;
        }

        /** @param raw a query suffix sent as is (raw wires) @return this */
        public Builder rawQuery(String raw) {
            this.rawQuery = raw;
            return this;
        }

        /** @param name a header @param value its value @return this */
        public Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** @param line a header line sent as is (raw wires) @return this */
        public Builder rawHeader(String line) {
            rawHeaders.add(line);
            return this;
        }

        /** @param packets packets of one step @return this */
        public Builder packets(String... packets) {
            steps.add(new Packets(List.of(packets)));
            return this;
        }

        /** @param packets packets of one step @return this */
        public Builder packets(List<String> packets) {
            steps.add(new Packets(packets));
            return this;
        }

        /** @param bytes a POST body or binary frame @return this */
        public Builder bytes(byte[] bytes) {
            steps.add(new Bytes(bytes.clone()));
            return this;
        }

        /** @param text a text to wait for @return this */
        public Builder await(String text) {
            steps.add(new Await(text));
            return this;
        }

        /** @param step any step @return this */
        public Builder step(Step step) {
            steps.add(step);
            return this;
        }

        /** @return the number of steps so far */
        public int stepCount() {
            return steps.size();
        }

        /** @return the steps so far, to be changed in place by a mutator */
        public List<Step> steps() {
            return steps;
        }

        /** @return the headers so far, to be changed in place by a mutator */
        public Map<String, String> headers() {
            return headers;
        }

        /** @return the query so far, to be changed in place by a mutator */
        public Map<String, String> queryParams() {
            return query;
        }

        /** Marks the last step so far as the one that presents the token. @return this */
        public Builder presentsHere() {
            this.presentation = steps.size() - 1;
            return this;
        }

        /** Marks the handshake as the presentation of the token. @return this */
        public Builder presentsAtHandshake() {
            this.presentation = -1;
            return this;
        }

        /** @param namespace the namespace that must answer, or {@code null} @return this */
        public Builder answerOn(String namespace) {
            this.answerOn = namespace;
            return this;
        }

        /** @param echo the text of the echo a valid client must receive @return this */
        public Builder servedBy(String echo) {
            this.servedBy = echo;
            return this;
        }

        /** @param namespace a namespace this case holds a valid token for @return this */
        public Builder validOn(String namespace) {
            validOn.add(namespace);
            return this;
        }

        /** @param marker a string that no log line may contain (ignored when shorter than 12 chars) @return this */
        public Builder marker(String marker) {
            if (marker != null && marker.length() >= 12) {
                markers.add(marker.length() > 256 ? marker.substring(0, 256) : marker);
            }
            return this;
        }

        /** @return the case */
        public FuzzCase build() {
            if (presentation == -2 && answerOn != null) {
                throw new IllegalStateException("answerOn " + answerOn + " without a presentation");
            }
            int head = path.length() + query.toString().length() + rawQuery.length();
            for (Map.Entry<String, String> h : headers.entrySet()) {
                head += h.getKey().length() + h.getValue().length() + 4;
            }
            for (String line : rawHeaders) {
                head += line.length() + 2;
            }
            if (head > 8000 && !tags.contains(OVERSIZED)) {
                tags.add(OVERSIZED); // netty-socketio's default limit for a request head is 8192 bytes
            }
            return new FuzzCase(this);
        }

        /** @return a copy of the raw header lines, for a mutator */
        public List<String> rawHeaderLines() {
            return rawHeaders;
        }

        /** @return the raw query so far */
        public String rawQueryText() {
            return rawQuery;
        }
    }
}
