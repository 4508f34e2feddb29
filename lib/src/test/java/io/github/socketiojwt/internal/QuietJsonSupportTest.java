package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.AckCallback;
import com.corundumstudio.socketio.protocol.AckArgs;
import com.corundumstudio.socketio.protocol.JacksonJsonSupport;
import com.corundumstudio.socketio.protocol.JsonSupport;
import io.github.socketiojwt.testing.TestTokens;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** Proves that undecodable packets fail with messages that carry none of their content, tokens included. */
class QuietJsonSupportTest {

    private static final String TOKEN = TestTokens.token("alice");

    private static ByteBufInputStream input(String json) {
        return new ByteBufInputStream(Unpooled.copiedBuffer(json, StandardCharsets.UTF_8), true);
    }

    private static void assertCarriesNoContent(IOException e) {
        assertNull(e.getCause());
        for (String part : TOKEN.split("\\.")) {
            assertFalse(e.getMessage().contains(part), e.getMessage());
        }
        assertFalse(e.getMessage().contains("alice"), e.getMessage());
    }

    @Test
    void jacksonSupportAloneWouldRepeatTheTokenInItsMessage() throws IOException {
        IOException e;
        try (ByteBufInputStream in = input("\"" + TOKEN + "\"")) {
            e = assertThrows(IOException.class, () -> new JacksonJsonSupport().readValue("", in, Map.class));
        }

        assertTrue(e.getMessage().contains(TOKEN.substring(0, 20)), "the premise of QuietJsonSupport: "
                + e.getMessage());
    }

    @Test
    void refusesAStringTokenWhereAMapIsExpectedWithoutRepeatingIt() throws IOException {
        QuietJsonSupport json = new QuietJsonSupport(new JacksonJsonSupport());

        IOException e;
        try (ByteBufInputStream in = input("\"" + TOKEN + "\"")) {
            e = assertThrows(IOException.class, () -> json.readValue("/admin", in, Map.class));
        }

        assertTrue(e.getMessage().startsWith("undecodable Map ("), e.getMessage());
        assertCarriesNoContent(e);
    }

    @Test
    void refusesTruncatedJsonWithoutRepeatingIt() throws IOException {
        QuietJsonSupport json = new QuietJsonSupport(new JacksonJsonSupport());

        IOException e;
        try (ByteBufInputStream in = input("{\"token\":\"" + TOKEN)) {
            e = assertThrows(IOException.class, () -> json.readValue("", in, Map.class));
        }

        assertCarriesNoContent(e);
    }

    @Test
    void namesOnlyTheExpectedTypeAndTheExceptionClass() throws IOException {
        JsonSupport failing = mock(JsonSupport.class);
        when(failing.readValue("", null, Map.class)).thenThrow(new IllegalStateException("bad " + TOKEN));

        IOException e = assertThrows(IOException.class, () -> new QuietJsonSupport(failing).readValue("", null,
                Map.class));

        assertEquals("undecodable Map (IllegalStateException)", e.getMessage());
        assertCarriesNoContent(e);
    }

    @Test
    void refusesUndecodableAckArgumentsWithoutRepeatingThem() throws IOException {
        JsonSupport failing = mock(JsonSupport.class);
        AckCallback<String> callback = new AckCallback<>(String.class) {
            @Override
            public void onSuccess(String result) {
            }
        };
        when(failing.readAckArgs(null, callback)).thenThrow(new IOException("Unexpected token " + TOKEN));

        IOException e = assertThrows(IOException.class, () -> new QuietJsonSupport(failing).readAckArgs(null,
                callback));

        assertEquals("undecodable ack arguments (IOException)", e.getMessage());
        assertCarriesNoContent(e);
    }

    @Test
    void decodesValidValuesThroughTheDelegate() throws IOException {
        QuietJsonSupport json = new QuietJsonSupport(new JacksonJsonSupport());

        try (ByteBufInputStream in = input("{\"token\":\"" + TOKEN + "\"}")) {
            assertEquals(Map.of("token", TOKEN), json.readValue("", in, Map.class));
        }
    }

    @Test
    void returnsTheDelegatesAckArguments() throws IOException {
        JsonSupport delegate = mock(JsonSupport.class);
        AckArgs args = new AckArgs(List.of("ok"));
        when(delegate.readAckArgs(null, null)).thenReturn(args);

        assertSame(args, new QuietJsonSupport(delegate).readAckArgs(null, null));
    }

    @Test
    void writesThroughTheDelegate() throws IOException {
        QuietJsonSupport json = new QuietJsonSupport(new JacksonJsonSupport());
        ByteBuf buffer = Unpooled.buffer();
        try {
            json.writeValue(new ByteBufOutputStream(buffer), Map.of("message", "jwt expired"));
            assertEquals("{\"message\":\"jwt expired\"}", buffer.toString(StandardCharsets.UTF_8));
        } finally {
            buffer.release();
        }
    }

    @Test
    void delegatesEventMappingsAndArrays() {
        JsonSupport delegate = mock(JsonSupport.class);
        List<byte[]> arrays = List.of(new byte[] {1});
        when(delegate.getArrays()).thenReturn(arrays);
        QuietJsonSupport json = new QuietJsonSupport(delegate);

        json.addEventMapping("/admin", "authenticate", Map.class);
        json.removeEventMapping("/admin", "authenticate");

        verify(delegate).addEventMapping("/admin", "authenticate", Map.class);
        verify(delegate).removeEventMapping("/admin", "authenticate");
        assertSame(arrays, json.getArrays());
    }
}
