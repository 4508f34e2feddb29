package io.github.socketiojwt.testing;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.ToNumberPolicy;
import com.google.gson.reflect.TypeToken;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Drives a real Node socket.io client (socket.io-client 2.5.0 / Engine.IO v3 or 4.8.x / Engine.IO v4)
 * from a JUnit test.
 *
 * <p>A scenario is built with the fluent methods and executed by {@code node client.js} in the directory
 * given by the system property {@code nodeClientsDir} (set by the lib's surefire configuration; falls back
 * to {@code lib/src/test/node} or {@code src/test/node} relative to the working directory). The dependencies
 * must have been installed there with {@code npm ci} (the Maven build does so in
 * {@code generate-test-resources}).
 *
 * <pre>{@code
 * NodeClient.Result r = NodeClient.v4("http://127.0.0.1:" + port)
 *         .namespace("/admin")
 *         .auth(Map.of("token", token))
 *         .transports("websocket")
 *         .listen("echo-response")
 *         .waitFor("connect", 3000)
 *         .emit("echo", Map.of("a", 1))
 *         .waitFor("echo-response", 3000)
 *         .run();
 * assertTrue(r.has("echo-response"), r.toString());
 * }</pre>
 *
 * <p>Steps run in order. A {@code waitFor} that times out is reported in {@link Result#timeouts()} and
 * stops the scenario; client-side errors are reported as events ({@code connect_error}, {@code error},
 * {@code disconnect}), never as exceptions. {@link #run()} only throws (an {@link AssertionError}) when the
 * harness itself fails. Events named with {@link #listen(String...)} are recorded in addition to the
 * built-in ones: {@code connect}, {@code connect_error}, {@code error}, {@code disconnect},
 * {@code authenticated}, {@code unauthorized}, {@code reconnect_attempt} and {@code ack:<event>}.
 *
 * <p>Instances are mutable builders and not thread-safe; {@link #runAsync()} snapshots the scenario, so a
 * builder may be reused after starting it.
 */
public final class NodeClient {

    private static final Gson GSON = new GsonBuilder()
            .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE)
            .serializeNulls()
            .disableHtmlEscaping()
            .create();

    private static final long DEFAULT_MAX_MS = 10_000;
    private static final long PROCESS_GRACE_MS = 10_000;

    private static final AtomicInteger THREAD_IDS = new AtomicInteger();
    private static final ExecutorService ASYNC = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "node-client-" + THREAD_IDS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private final String version;
    private final String url;
    private String namespace = "/";
    private List<String> transports;
    private Map<String, Object> query;
    private Map<String, Object> auth;
    private Map<String, String> extraHeaders;
    private boolean reconnection;
    private final List<String> listen = new ArrayList<>();
    private final List<Map<String, Object>> steps = new ArrayList<>();
    private long maxMs = DEFAULT_MAX_MS;

    private NodeClient(String version, String url) {
        this.version = version;
        this.url = url;
    }

    /**
     * Starts a scenario for the socket.io-client 2.5.0 (Engine.IO v3) client.
     *
     * @param url server base URL, e.g. {@code http://127.0.0.1:PORT}
     * @return a new scenario builder
     */
    public static NodeClient v2(String url) {
        return new NodeClient("2", url);
    }

    /**
     * Starts a scenario for the socket.io-client 4.8.x (Engine.IO v4) client.
     *
     * @param url server base URL, e.g. {@code http://127.0.0.1:PORT}
     * @return a new scenario builder
     */
    public static NodeClient v4(String url) {
        return new NodeClient("4", url);
    }

    /**
     * Starts a scenario for the given client version.
     *
     * @param version {@code "2"} or {@code "4"}
     * @param url server base URL
     * @return a new scenario builder
     */
    public static NodeClient of(String version, String url) {
        if (!"2".equals(version) && !"4".equals(version)) {
            throw new IllegalArgumentException("version must be \"2\" or \"4\": " + version);
        }
        return new NodeClient(version, url);
    }

    /**
     * Sets the namespace to connect to (default {@code "/"}).
     *
     * @param namespace e.g. {@code "/admin"}
     * @return this builder
     */
    public NodeClient namespace(String namespace) {
        this.namespace = namespace.startsWith("/") ? namespace : "/" + namespace;
        return this;
    }

    /**
     * Restricts the transports, e.g. {@code transports("websocket")} or {@code transports("polling")}.
     * Without this call the client default (polling, then upgrade to websocket) is used.
     *
     * @param names transport names
     * @return this builder
     */
    public NodeClient transports(String... names) {
        this.transports = List.of(names);
        return this;
    }

    /**
     * Sets the handshake query parameters (the {@code query} option of both client versions).
     *
     * @param params parameter names and values
     * @return this builder
     */
    public NodeClient query(Map<String, ?> params) {
        this.query = new LinkedHashMap<>(params);
        return this;
    }

    /**
     * Adds one handshake query parameter.
     *
     * @param name parameter name
     * @param value parameter value
     * @return this builder
     */
    public NodeClient query(String name, Object value) {
        if (query == null) {
            query = new LinkedHashMap<>();
        }
        query.put(name, value);
        return this;
    }

    /**
     * Sets the v4 {@code auth} payload sent with the namespace CONNECT packet (ignored by the v2 client).
     *
     * @param payload the auth object, e.g. {@code Map.of("token", jwt)}
     * @return this builder
     */
    public NodeClient auth(Map<String, ?> payload) {
        this.auth = new LinkedHashMap<>(payload);
        return this;
    }

    /**
     * Sets extra HTTP headers sent with the handshake / transport requests (both versions, on Node).
     *
     * @param headers header names and values
     * @return this builder
     */
    public NodeClient extraHeaders(Map<String, String> headers) {
        this.extraHeaders = new LinkedHashMap<>(headers);
        return this;
    }

    /**
     * Adds one extra HTTP header.
     *
     * @param name header name
     * @param value header value
     * @return this builder
     */
    public NodeClient header(String name, String value) {
        if (extraHeaders == null) {
            extraHeaders = new LinkedHashMap<>();
        }
        extraHeaders.put(name, value);
        return this;
    }

    /**
     * Enables or disables automatic reconnection (default disabled).
     *
     * @param enabled whether the client reconnects
     * @return this builder
     */
    public NodeClient reconnection(boolean enabled) {
        this.reconnection = enabled;
        return this;
    }

    /**
     * Records these server events in addition to the built-in ones.
     *
     * @param events event names
     * @return this builder
     */
    public NodeClient listen(String... events) {
        listen.addAll(Arrays.asList(events));
        return this;
    }

    /**
     * Sets the total time limit of the scenario in ms (default 10000). When it is reached the client
     * stops, closes the socket and reports what it saw; {@link Result#maxMsReached()} is then true.
     *
     * @param millis time limit
     * @return this builder
     */
    public NodeClient maxMs(long millis) {
        this.maxMs = millis;
        return this;
    }

    /**
     * Waits until one more {@code event} has been received than consumed by earlier {@code waitFor} steps
     * of the same name (events received before this step count). On timeout the event name is added to
     * {@link Result#timeouts()} and no further step runs. The event is recorded automatically only if
     * it is built-in or named in {@link #listen(String...)}; this method adds it to the listened names.
     *
     * @param event event name, e.g. {@code "connect"} or {@code "ack:echo"}
     * @param timeoutMs how long to wait
     * @return this builder
     */
    public NodeClient waitFor(String event, long timeoutMs) {
        if (!event.startsWith("ack:") && !listen.contains(event)) {
            listen.add(event);
        }
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("waitFor", event);
        step.put("timeoutMs", timeoutMs);
        steps.add(step);
        return this;
    }

    /**
     * Emits an event with the given arguments (JSON-serialized with Gson).
     *
     * @param event event name
     * @param args event arguments
     * @return this builder
     */
    public NodeClient emit(String event, Object... args) {
        return addEmit(event, args, false);
    }

    /**
     * Emits an event with an ack callback; the ack's arguments are recorded as event {@code ack:<event>}.
     *
     * @param event event name
     * @param args event arguments
     * @return this builder
     */
    public NodeClient emitWithAck(String event, Object... args) {
        return addEmit(event, args, true);
    }

    private NodeClient addEmit(String event, Object[] args, boolean ack) {
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("emit", event);
        step.put("args", args == null ? Collections.singletonList(null) : Arrays.asList(args));
        if (ack) {
            step.put("ack", true);
        }
        steps.add(step);
        return this;
    }

    /**
     * Pauses the scenario.
     *
     * @param millis pause in ms
     * @return this builder
     */
    public NodeClient sleep(long millis) {
        steps.add(Map.of("sleep", millis));
        return this;
    }

    /**
     * Disconnects the client (client side).
     *
     * @return this builder
     */
    public NodeClient disconnect() {
        steps.add(Map.of("disconnect", true));
        return this;
    }

    /**
     * Whether to call the ack callback of a server-sent {@code unauthorized} event (default true). Takes
     * effect at this point of the scenario.
     *
     * @param ack true to acknowledge, false to never call the callback
     * @return this builder
     */
    public NodeClient ackUnauthorized(boolean ack) {
        steps.add(Map.of("ackUnauthorized", ack));
        return this;
    }

    /**
     * Returns the scenario as the JSON document handed to {@code client.js}.
     *
     * @return scenario JSON
     */
    public String scenarioJson() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("version", version);
        s.put("url", url);
        s.put("namespace", namespace);
        if (transports != null) {
            s.put("transports", transports);
        }
        if (query != null) {
            s.put("query", query);
        }
        if (auth != null) {
            s.put("auth", auth);
        }
        if (extraHeaders != null) {
            s.put("extraHeaders", extraHeaders);
        }
        s.put("reconnection", reconnection);
        s.put("listen", listen);
        s.put("steps", steps);
        s.put("maxMs", maxMs);
        return GSON.toJson(s);
    }

    /**
     * Runs the scenario in a Node process and returns what the client observed.
     *
     * @return the result
     * @throws AssertionError if node cannot be started, exits non-zero, prints no JSON result or exceeds
     *         {@code maxMs} + 10 s
     */
    public Result run() {
        return execute(scenarioJson(), maxMs);
    }

    /**
     * Runs the scenario in a Node process on a background thread, so that several clients can run at
     * the same time. The scenario is captured when this method is called.
     *
     * @return a future completing with the result, or exceptionally with the {@link AssertionError} that
     *         {@link #run()} would throw
     */
    public CompletableFuture<Result> runAsync() {
        String json = scenarioJson();
        long limit = maxMs;
        return CompletableFuture.supplyAsync(() -> execute(json, limit), ASYNC);
    }

    private static Result execute(String scenarioJson, long maxMs) {
        Path dir = clientsDir();
        Path out = null;
        Path err = null;
        Process process = null;
        try {
            out = Files.createTempFile("node-client-", ".out");
            err = Files.createTempFile("node-client-", ".err");
            ProcessBuilder pb = new ProcessBuilder(System.getProperty("nodeExecutable", "node"), "client.js")
                    .directory(dir.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            process = pb.start();
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(scenarioJson.getBytes(StandardCharsets.UTF_8));
            }
            boolean exited = process.waitFor(maxMs + PROCESS_GRACE_MS, TimeUnit.MILLISECONDS);
            if (!exited) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError("node client.js did not exit within " + (maxMs + PROCESS_GRACE_MS)
                        + " ms\nscenario: " + scenarioJson + "\nstderr:\n" + read(err));
            }
            String stdout = read(out);
            String stderr = read(err);
            if (process.exitValue() != 0) {
                throw new AssertionError("node client.js exited with " + process.exitValue()
                        + "\nscenario: " + scenarioJson + "\nstderr:\n" + stderr + "\nstdout:\n" + stdout);
            }
            String json = lastJsonLine(stdout);
            if (json == null) {
                throw new AssertionError("node client.js printed no JSON result\nscenario: " + scenarioJson
                        + "\nstderr:\n" + stderr + "\nstdout:\n" + stdout);
            }
            try {
                return Result.parse(json);
            } catch (JsonParseException | ClassCastException | NullPointerException e) {
                throw new AssertionError("node client.js printed an unreadable result: " + json
                        + "\nstderr:\n" + stderr, e);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run node client.js in " + dir + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (process != null) {
                process.destroyForcibly();
            }
            throw new AssertionError("interrupted while waiting for node client.js", e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static Path clientsDir() {
        String prop = System.getProperty("nodeClientsDir");
        Path dir;
        if (prop != null && !prop.isBlank()) {
            dir = Paths.get(prop);
        } else {
            dir = Paths.get("lib", "src", "test", "node");
            if (!Files.isDirectory(dir)) {
                dir = Paths.get("src", "test", "node");
            }
        }
        dir = dir.toAbsolutePath();
        if (!Files.isRegularFile(dir.resolve("client.js"))) {
            throw new AssertionError("no client.js in " + dir + " (set system property nodeClientsDir)");
        }
        if (!Files.isDirectory(dir.resolve("node_modules"))) {
            throw new AssertionError("no node_modules in " + dir + ": run `npm ci` there");
        }
        return dir;
    }

    private static String lastJsonLine(String stdout) {
        String[] lines = stdout.split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].trim();
            if (line.startsWith("{") && line.endsWith("}")) {
                return line;
            }
        }
        return null;
    }

    private static String read(Path file) throws IOException {
        return file == null ? "" : Files.readString(file, StandardCharsets.UTF_8);
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            File f = file.toFile();
            if (!f.delete()) {
                f.deleteOnExit();
            }
        }
    }

    /**
     * One event observed by the client.
     *
     * @param name event name ({@code connect}, {@code ack:echo}, ...)
     * @param args the event arguments as parsed JSON: {@code Map<String, Object>}, {@code List<Object>},
     *        {@code String}, {@code Long} (integral numbers), {@code Double}, {@code Boolean} or null
     * @param t ms since the client started
     * @param hasAck whether the server asked for an ack with this event
     */
    public record Event(String name, List<Object> args, long t, boolean hasAck) {

        /**
         * Returns argument {@code index}, or null if there is no such argument.
         *
         * @param index argument index
         * @return the argument
         */
        public Object arg(int index) {
            return index < args.size() ? args.get(index) : null;
        }

        /**
         * Returns the first argument, or null if there is none.
         *
         * @return the first argument
         */
        public Object firstArg() {
            return arg(0);
        }
    }

    /**
     * What a client observed while running a scenario.
     */
    public static final class Result {

        private final List<Event> events;
        private final List<String> timeouts;
        private final String transport;
        private final boolean maxMsReached;
        private final String json;

        private Result(List<Event> events, List<String> timeouts, String transport, boolean maxMsReached,
                       String json) {
            this.events = events;
            this.timeouts = timeouts;
            this.transport = transport;
            this.maxMsReached = maxMsReached;
            this.json = json;
        }

        @SuppressWarnings("unchecked")
        static Result parse(String json) {
            Map<String, Object> root = GSON.fromJson(json, new TypeToken<Map<String, Object>>() { }.getType());
            List<Event> events = new ArrayList<>();
            for (Object o : (List<Object>) root.getOrDefault("events", List.of())) {
                Map<String, Object> e = (Map<String, Object>) o;
                Object args = e.get("args");
                Object t = e.get("t");
                events.add(new Event(
                        (String) e.get("name"),
                        args == null ? List.of() : Collections.unmodifiableList((List<Object>) args),
                        t instanceof Number ? ((Number) t).longValue() : -1L,
                        Boolean.TRUE.equals(e.get("hasAck"))));
            }
            List<String> timeouts = new ArrayList<>();
            for (Object o : (List<Object>) root.getOrDefault("timeouts", List.of())) {
                timeouts.add(String.valueOf(((Map<String, Object>) o).get("timeout")));
            }
            return new Result(Collections.unmodifiableList(events), Collections.unmodifiableList(timeouts),
                    (String) root.get("transport"), Boolean.TRUE.equals(root.get("maxMsReached")), json);
        }

        /**
         * Returns all recorded events in arrival order.
         *
         * @return the events
         */
        public List<Event> events() {
            return events;
        }

        /**
         * Returns the recorded events with the given name, in arrival order.
         *
         * @param name event name
         * @return the matching events
         */
        public List<Event> events(String name) {
            return events.stream().filter(e -> e.name().equals(name)).toList();
        }

        /**
         * Tells whether an event with the given name was recorded.
         *
         * @param name event name
         * @return true if at least one was recorded
         */
        public boolean has(String name) {
            return events.stream().anyMatch(e -> e.name().equals(name));
        }

        /**
         * Returns the first event with the given name.
         *
         * @param name event name
         * @return the event, or empty
         */
        public Optional<Event> first(String name) {
            return events.stream().filter(e -> e.name().equals(name)).findFirst();
        }

        /**
         * Counts the events with the given name.
         *
         * @param name event name
         * @return the number of recorded events with that name
         */
        public int count(String name) {
            return (int) events.stream().filter(e -> e.name().equals(name)).count();
        }

        /**
         * Returns the event names of the {@code waitFor} steps that timed out (at most one, since a
         * timeout stops the scenario, unless the total time limit interrupted a wait).
         *
         * @return timed-out event names
         */
        public List<String> timeouts() {
            return timeouts;
        }

        /**
         * Returns the last Engine.IO transport the client used ({@code "polling"} or
         * {@code "websocket"}), or null if unknown.
         *
         * @return the transport name
         */
        public String transport() {
            return transport;
        }

        /**
         * Tells whether the scenario was cut short by its total time limit.
         *
         * @return true if {@code maxMs} was reached
         */
        public boolean maxMsReached() {
            return maxMsReached;
        }

        /**
         * Returns the raw JSON printed by {@code client.js}; also used by {@link #toString()} so that
         * assertion messages show everything the client saw.
         *
         * @return result JSON
         */
        public String json() {
            return json;
        }

        @Override
        public String toString() {
            return json;
        }
    }
}
