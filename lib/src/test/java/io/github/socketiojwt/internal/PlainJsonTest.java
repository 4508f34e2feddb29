package io.github.socketiojwt.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Proves that claims become plain serializable values and that hostile JSON is refused cleanly. */
class PlainJsonTest {

    /** {@code {"a":[[...[]...]]}} with {@code arrays} nested arrays under the top-level object. */
    private static String nestedArrays(int arrays) {
        return "{\"a\":" + "[".repeat(arrays) + "]".repeat(arrays) + "}";
    }

    /** {@code {"a":{"a":...{}...}}} with {@code objects} nested objects under the top-level object. */
    private static String nestedObjects(int objects) {
        return "{\"a\":".repeat(objects) + "{}" + "}".repeat(objects);
    }

    @Test
    void parsesEveryJsonTypeIntoPlainJavaValues() {
        Map<String, Object> map = PlainJson.parseObject("{\"s\":\"text\",\"i\":42,\"neg\":-7,\"d\":1.5,\"e\":1e3,"
                + "\"t\":true,\"f\":false,\"n\":null,\"list\":[1,\"two\",[3]],\"obj\":{\"k\":\"v\"}}");

        assertEquals("text", map.get("s"));
        assertEquals(42L, map.get("i"));
        assertEquals(-7L, map.get("neg"));
        assertEquals(1.5, map.get("d"));
        assertEquals(1000.0, map.get("e"));
        assertEquals(Boolean.TRUE, map.get("t"));
        assertEquals(Boolean.FALSE, map.get("f"));
        assertTrue(map.containsKey("n"));
        assertNull(map.get("n"));
        assertEquals(Arrays.asList(1L, "two", List.of(3L)), map.get("list"));
        assertEquals(Map.of("k", "v"), map.get("obj"));
    }

    @Test
    void usesSerializableCollectionTypes() {
        Map<String, Object> map = PlainJson.parseObject("{\"list\":[1],\"obj\":{}}");

        assertEquals(LinkedHashMap.class, map.getClass());
        assertEquals(ArrayList.class, map.get("list").getClass());
        assertEquals(LinkedHashMap.class, map.get("obj").getClass());
    }

    @Test
    void keepsIntegralNumbersAsLongAndOthersAsDouble() {
        Map<String, Object> map = PlainJson.parseObject("{\"exp\":1893456000,\"max\":9223372036854775807,"
                + "\"big\":9223372036854775808,\"frac\":1893456000.5,\"one\":1.0,\"exp10\":2E2,\"zero\":0,"
                + "\"minusZero\":-0}");

        assertEquals(1_893_456_000L, map.get("exp"));
        assertEquals(Long.MAX_VALUE, map.get("max"));
        assertEquals(9.223372036854775808E18, map.get("big"));
        assertEquals(Double.class, map.get("big").getClass());
        assertEquals(1_893_456_000.5, map.get("frac"));
        assertEquals(1.0, map.get("one"));
        assertEquals(Double.class, map.get("one").getClass());
        assertEquals(200.0, map.get("exp10"));
        assertEquals(0L, map.get("zero"));
        assertEquals(0L, map.get("minusZero"));
    }

    @Test
    void keepsMemberOrder() {
        Map<String, Object> map = PlainJson.parseObject("{\"z\":1,\"a\":2,\"m\":3}");
        assertEquals(List.of("z", "a", "m"), new ArrayList<>(map.keySet()));
    }

    @Test
    void readsUnicodeEscapes() {
        assertEquals(Map.of("name", "Zoë \u2603"), PlainJson.parseObject("{\"name\":\"Zo\\u00eb \\u2603\"}"));
    }

    @Test
    void acceptsNestingUpToTheLimit() {
        assertEquals(32, PlainJson.MAX_DEPTH);

        Map<String, Object> arrays = PlainJson.parseObject(nestedArrays(PlainJson.MAX_DEPTH));
        Map<String, Object> objects = PlainJson.parseObject(nestedObjects(PlainJson.MAX_DEPTH));

        assertTrue(arrays.get("a") instanceof List);
        assertTrue(objects.get("a") instanceof Map);
    }

    @Test
    void refusesNestingJustBeyondTheLimit() {
        IllegalArgumentException arrays = assertThrows(IllegalArgumentException.class,
                () -> PlainJson.parseObject(nestedArrays(PlainJson.MAX_DEPTH + 1)));
        IllegalArgumentException objects = assertThrows(IllegalArgumentException.class,
                () -> PlainJson.parseObject(nestedObjects(PlainJson.MAX_DEPTH + 1)));

        assertEquals("nested too deeply", arrays.getMessage());
        assertEquals("nested too deeply", objects.getMessage());
    }

    @Test
    void refusesTenThousandNestedArraysWithoutStackOverflow() {
        String unclosed = "{\"a\":" + "[".repeat(10_000);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PlainJson.parseObject(unclosed));

        assertEquals("nested too deeply", e.getMessage());
    }

    @Test
    void refusesTenThousandBalancedNestedObjectsWithoutStackOverflow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PlainJson.parseObject(nestedObjects(10_000)));

        assertEquals("nested too deeply", e.getMessage());
    }

    @Test
    void refusesTenThousandNestedArraysAtTopLevel() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PlainJson.parseObject("[".repeat(10_000) + "]".repeat(10_000)));

        assertEquals("not a JSON object", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"eyJhbGciOiJIUzI1NiJ9\"", "[]", "[{\"sub\":\"a\"}]", "42", "true", "null"})
    void refusesDocumentsThatAreNotObjects(String json) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PlainJson.parseObject(json));
        assertEquals("not a JSON object", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "{", "{\"a\":}", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{'a':1}",
            "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":1}x", "{\"a\":1}{\"b\":2}", "{\"a\":01x}", "\u0000",
            "{\"a\":\"unterminated}"})
    void refusesMalformedJson(String json) {
        assertThrows(IllegalArgumentException.class, () -> PlainJson.parseObject(json));
    }

    @Test
    void refusesTrailingContentWithAMessageThatCarriesNoInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PlainJson.parseObject("{\"a\":1} secret-token-text"));

        assertEquals("malformed JSON", e.getMessage());
        assertNull(e.getCause());
    }

    @Test
    void letsTheLastDuplicateMemberWin() {
        Map<String, Object> map = PlainJson.parseObject("{\"sub\":\"alice\",\"sub\":\"admin\"}");
        assertEquals(new HashMap<>(Map.of("sub", "admin")), map);
    }
}
