package io.github.socketiojwt.example;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A login request's name and password, read from JSON, a URL-encoded form or a Socket.IO event. A malformed
 * request throws {@link IllegalArgumentException} with a message fit for the client (it never echoes the input).
 */
record Credentials(String username, String password) {

    private static final int MAX_LENGTH = 1024;
    private static final String EXPECTED = "expected {\"username\": string, \"password\": string}";
    private static final Gson STRICT_JSON = new GsonBuilder().setStrictness(Strictness.STRICT).create();

    Credentials {
        if (username == null || password == null || username.isEmpty() || password.isEmpty()) {
            throw new IllegalArgumentException("username and password are required");
        }
        if (username.length() > MAX_LENGTH || password.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("username or password too long");
        }
    }

    /**
     * Reads {@code {"username": ..., "password": ...}}.
     *
     * @param body the request body
     * @return the credentials
     */
    static Credentials fromJson(String body) {
        JsonElement root;
        try {
            root = STRICT_JSON.fromJson(body, JsonElement.class);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("malformed JSON (" + EXPECTED + ")");
        }
        if (root == null || !root.isJsonObject()) {
            throw new IllegalArgumentException(EXPECTED);
        }
        JsonObject object = root.getAsJsonObject();
        return new Credentials(string(object, "username"), string(object, "password"));
    }

    /**
     * Reads {@code username=...&password=...}.
     *
     * @param body the request body
     * @return the credentials
     */
    static Credentials fromForm(String body) {
        Map<String, List<String>> fields;
        try {
            fields = new QueryStringDecoder(body, StandardCharsets.UTF_8, false).parameters();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed form (expected username=...&password=...)");
        }
        return new Credentials(first(fields, "username"), first(fields, "password"));
    }

    /**
     * Reads the argument of a Socket.IO {@code login} event, as netty-socketio decodes it.
     *
     * @param data the event's argument
     * @return the credentials
     */
    static Credentials fromEvent(Object data) {
        if (!(data instanceof Map)) {
            throw new IllegalArgumentException(EXPECTED);
        }
        Map<?, ?> map = (Map<?, ?>) data;
        Object username = map.get("username");
        Object password = map.get("password");
        if (!(username instanceof String) || !(password instanceof String)) {
            throw new IllegalArgumentException(EXPECTED);
        }
        return new Credentials((String) username, (String) password);
    }

    private static String string(JsonObject object, String name) {
        JsonElement value = object.get(name);
        if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException(EXPECTED);
        }
        return value.getAsString();
    }

    private static String first(Map<String, List<String>> fields, String name) {
        List<String> values = fields.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "Credentials{username=" + username + "}";
    }
}
