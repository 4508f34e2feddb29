package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.AckCallback;
import com.corundumstudio.socketio.protocol.AckArgs;
import com.corundumstudio.socketio.protocol.Event;
import com.corundumstudio.socketio.protocol.JacksonJsonSupport;
import com.corundumstudio.socketio.protocol.JsonSupport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.lang.reflect.Field;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Decodes the JSON of a binary event or ack with its attachments in place of their placeholders
 * ({@code {"_placeholder":true,"num":N}}), so that the application receives the bytes the client sent.
 *
 * <p>With netty-socketio's {@link JacksonJsonSupport} (the default), an attachment becomes a Jackson binary
 * value, read by the server's own object mapper and event mappings: a listener declared with {@code byte[]} gets
 * the bytes, one declared with {@code Object}, a {@code Map} or a {@code List} gets {@code byte[]} where the
 * client put a binary, and a {@code String} gets base64 — exactly as Jackson maps binary data. netty-socketio
 * offers no access to that mapper, so it is read by reflection, once. With any other {@link JsonSupport}, an
 * attachment becomes its base64 string, as netty-socketio itself would hand it over.
 */
final class BinaryJson {

    /** Parses the JSON text around the placeholders; never the application's mapper, which may be configured. */
    private static final ObjectMapper TREES = new ObjectMapper();

    private final JsonSupport json;
    private final ObjectMapper mapper;
    private final ThreadLocal<String> namespace;
    private final ThreadLocal<AckCallback<?>> ackCallback;

    private BinaryJson(JsonSupport json, ObjectMapper mapper, ThreadLocal<String> namespace,
            ThreadLocal<AckCallback<?>> ackCallback) {
        this.json = json;
        this.mapper = mapper;
        this.namespace = namespace;
        this.ackCallback = ackCallback;
    }

    /**
     * The binary decoding for a server's JSON support.
     *
     * @param json the server's own JSON support (not netty-socketio's logging wrapper)
     */
    @SuppressWarnings("unchecked")
    static BinaryJson of(JsonSupport json) {
        if (json instanceof JacksonJsonSupport) {
            try {
                ObjectMapper mapper = (ObjectMapper) field(json, "objectMapper");
                ThreadLocal<String> namespace = (ThreadLocal<String>) field(json, "namespaceClass");
                ThreadLocal<AckCallback<?>> ack = (ThreadLocal<AckCallback<?>>) field(json, "currentAckClass");
                return new BinaryJson(json, mapper, namespace, ack);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // another netty-socketio version: fall back to base64 strings
            }
        }
        return new BinaryJson(json, null, null, null);
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        Field field = JacksonJsonSupport.class.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(owner);
    }

    Event readEvent(String nsp, ByteBuf body, List<byte[]> attachments) throws IOException {
        JsonNode tree = withAttachments(body, attachments);
        if (mapper == null) {
            return json.readValue(nsp, text(tree), Event.class);
        }
        namespace.set(nsp);
        return mapper.readValue(mapper.treeAsTokens(tree), Event.class);
    }

    AckArgs readAckArgs(ByteBuf body, List<byte[]> attachments, AckCallback<?> callback) throws IOException {
        JsonNode tree = withAttachments(body, attachments);
        if (mapper == null) {
            return json.readAckArgs(text(tree), callback);
        }
        ackCallback.set(callback);
        return mapper.readValue(mapper.treeAsTokens(tree), AckArgs.class);
    }

    private JsonNode withAttachments(ByteBuf body, List<byte[]> attachments) throws IOException {
        JsonNode tree = TREES.readTree((java.io.InputStream) new ByteBufInputStream(body));
        if (!(tree instanceof ArrayNode)) {
            throw new IOException("a binary packet's body is not an array");
        }
        boolean[] used = new boolean[attachments.size()];
        JsonNode replaced = replace(tree, attachments, used);
        for (boolean u : used) {
            if (!u) {
                throw new IOException("an attachment without its placeholder");
            }
        }
        return replaced;
    }

    /** Replaces each placeholder below a node; returns the node, or what stands in its place. */
    private JsonNode replace(JsonNode node, List<byte[]> attachments, boolean[] used) throws IOException {
        if (node instanceof ObjectNode) {
            ObjectNode object = (ObjectNode) node;
            JsonNode placeholder = object.get("_placeholder");
            JsonNode num = object.get("num");
            if (placeholder != null && placeholder.asBoolean(false) && num != null && num.canConvertToInt()
                    && object.size() == 2) {
                int index = num.intValue();
                if (index < 0 || index >= attachments.size()) {
                    throw new IOException("a placeholder without its attachment");
                }
                used[index] = true;
                byte[] bytes = attachments.get(index);
                return mapper != null ? BinaryNode.valueOf(bytes) : TextNode.valueOf(Base64.getEncoder()
                        .encodeToString(bytes));
            }
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                field.setValue(replace(field.getValue(), attachments, used));
            }
        } else if (node instanceof ArrayNode) {
            ArrayNode array = (ArrayNode) node;
            for (int i = 0; i < array.size(); i++) {
                array.set(i, replace(array.get(i), attachments, used));
            }
        }
        return node;
    }

    private static ByteBufInputStream text(JsonNode tree) throws IOException {
        return new ByteBufInputStream(Unpooled.wrappedBuffer(TREES.writeValueAsBytes(tree)), true);
    }
}
