package io.github.socketiojwt.internal;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a JSON object into plain, serializable Java values ({@code LinkedHashMap}, {@code ArrayList},
 * {@code String}, {@code Long} for integral numbers, {@code Double} otherwise, {@code Boolean}, {@code null}),
 * refusing documents nested deeper than a fixed limit so that hostile tokens cannot exhaust the stack
 * (CVE-2025-53864 class).
 */
final class PlainJson {

    static final int MAX_DEPTH = 32;

    private PlainJson() {
    }

    /**
     * Parses a JSON object.
     *
     * @param json the text
     * @return the object's members, in order
     * @throws IllegalArgumentException when the text is not one JSON object, or is nested too deeply
     */
    static Map<String, Object> parseObject(String json) {
        try (JsonReader reader = new JsonReader(new StringReader(json))) {
            if (reader.peek() != JsonToken.BEGIN_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> result = (Map<String, Object>) read(reader, 0);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new IllegalArgumentException("trailing content");
            }
            return result;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw new IllegalArgumentException("malformed JSON");
        }
    }

    private static Object read(JsonReader reader, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("nested too deeply");
        }
        switch (reader.peek()) {
            case BEGIN_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                reader.beginObject();
                while (reader.hasNext()) {
                    String name = reader.nextName();
                    map.put(name, read(reader, depth + 1));
                }
                reader.endObject();
                return map;
            }
            case BEGIN_ARRAY: {
                List<Object> list = new ArrayList<>();
                reader.beginArray();
                while (reader.hasNext()) {
                    list.add(read(reader, depth + 1));
                }
                reader.endArray();
                return list;
            }
            case STRING:
                return reader.nextString();
            case NUMBER:
                return number(reader.nextString());
            case BOOLEAN:
                return reader.nextBoolean();
            case NULL:
                reader.nextNull();
                return null;
            default:
                throw new IllegalArgumentException("unexpected JSON token");
        }
    }

    private static Object number(String text) {
        if (text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException tooLarge) {
                return Double.parseDouble(text);
            }
        }
        return Double.parseDouble(text);
    }
}
