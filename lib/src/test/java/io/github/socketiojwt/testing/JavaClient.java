package io.github.socketiojwt.testing;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The Java {@code io.socket:socket.io-client} (Socket.IO v4 protocol) with every event it receives recorded, and
 * waits that never hang a test.
 */
public final class JavaClient implements AutoCloseable {

    /** One received event. */
    public record Event(String name, List<Object> args) {
        public Object arg(int index) {
            return index < args.size() ? args.get(index) : null;
        }
    }

    private final Socket socket;
    private final List<Event> events = new ArrayList<>();

    private JavaClient(String url, IO.Options options, List<String> listen) {
        socket = IO.socket(URI.create(url), options);
        for (String name : List.of(Socket.EVENT_CONNECT, Socket.EVENT_CONNECT_ERROR, Socket.EVENT_DISCONNECT,
                "authenticated", "unauthorized", "hi", "echo-response")) {
            record(name);
        }
        listen.forEach(this::record);
    }

    private void record(String name) {
        socket.on(name, args -> {
            List<Object> converted = new ArrayList<>();
            for (Object arg : args) {
                if (arg instanceof Ack) {
                    ((Ack) arg).call();
                    converted.add("<ack>");
                } else {
                    converted.add(plain(arg));
                }
            }
            synchronized (events) {
                events.add(new Event(name, converted));
                events.notifyAll();
            }
        });
    }

    /** A builder-less factory: connect to {@code url + namespace} with options. */
    public static JavaClient connect(String url, String namespace, Map<String, ?> auth, String query,
            Map<String, String> headers, String... transports) {
        io.socket.client.SocketOptionBuilder builder = IO.Options.builder().setForceNew(true).setReconnection(false)
                .setTimeout(5000);
        if (auth != null) {
            builder.setAuth(new LinkedHashMap<String, String>() {
                {
                    auth.forEach((k, v) -> put(k, String.valueOf(v)));
                }
            });
        }
        if (query != null) {
            builder.setQuery(query);
        }
        if (headers != null && !headers.isEmpty()) {
            Map<String, List<String>> extra = new LinkedHashMap<>();
            headers.forEach((k, v) -> extra.put(k, List.of(v)));
            builder.setExtraHeaders(extra);
        }
        if (transports.length > 0) {
            builder.setTransports(transports);
        }
        JavaClient client = new JavaClient(url + ("/".equals(namespace) ? "" : namespace), builder.build(),
                List.of());
        client.socket.connect();
        return client;
    }

    /** Records these events too (register right after {@link #connect}: earlier ones are not seen). */
    public JavaClient listen(String... names) {
        for (String name : names) {
            record(name);
        }
        return this;
    }

    public Socket socket() {
        return socket;
    }

    public void emit(String event, Object... args) {
        Object[] converted = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            converted[i] = args[i] instanceof Map ? new JSONObject((Map<?, ?>) args[i]) : args[i];
        }
        socket.emit(event, converted);
    }

    /** Emits with an ack; the ack arrives as event {@code ack:<event>}. */
    public void emitWithAck(String event, Object arg) {
        Object converted = arg instanceof Map ? new JSONObject((Map<?, ?>) arg) : arg;
        socket.emit(event, new Object[] {converted}, ackArgs -> {
            List<Object> list = new ArrayList<>();
            for (Object a : ackArgs) {
                list.add(plain(a));
            }
            synchronized (events) {
                events.add(new Event("ack:" + event, list));
                events.notifyAll();
            }
        });
    }

    public List<Event> events() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    public boolean has(String name) {
        return events().stream().anyMatch(e -> e.name().equals(name));
    }

    /** Waits for the first event with that name (received at any time). */
    public Optional<Event> await(String name, Duration timeout) {
        return await(e -> e.name().equals(name), timeout);
    }

    public Optional<Event> await(Predicate<Event> predicate, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (true) {
                for (Event e : events) {
                    if (predicate.test(e)) {
                        return Optional.of(e);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                try {
                    events.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
        }
    }

    public Event awaitOrFail(String name, Duration timeout) {
        return await(name, timeout).orElseThrow(() -> new AssertionError("no '" + name + "' within " + timeout
                + "; got " + events()));
    }

    @Override
    public void close() {
        socket.close();
        socket.io().off();
    }

    /** Converts org.json values to plain maps and lists. */
    public static Object plain(Object value) {
        try {
            if (value instanceof JSONObject) {
                JSONObject json = (JSONObject) value;
                Map<String, Object> map = new LinkedHashMap<>();
                Iterator<?> keys = json.keys();
                while (keys.hasNext()) {
                    String key = (String) keys.next();
                    map.put(key, plain(json.get(key)));
                }
                return map;
            }
            if (value instanceof JSONArray) {
                JSONArray json = (JSONArray) value;
                List<Object> list = new ArrayList<>();
                for (int i = 0; i < json.length(); i++) {
                    list.add(plain(json.get(i)));
                }
                return list;
            }
            if (value == JSONObject.NULL) {
                return null;
            }
            if (value instanceof Exception) {
                Exception e = (Exception) value;
                Map<String, Object> map = new LinkedHashMap<>();
                map.put("exception", e.getClass().getSimpleName());
                map.put("message", String.valueOf(e.getMessage()));
                if (e.getCause() != null) {
                    map.put("cause", String.valueOf(e.getCause().getMessage())); // e.g. the HTTP status
                }
                return map;
            }
            return value;
        } catch (JSONException e) {
            throw new IllegalStateException(e);
        }
    }
}
