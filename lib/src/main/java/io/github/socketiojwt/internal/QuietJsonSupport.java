package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.AckCallback;
import com.corundumstudio.socketio.protocol.AckArgs;
import com.corundumstudio.socketio.protocol.JsonSupport;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;

import java.io.IOException;
import java.util.List;

/**
 * The decoding side of netty-socketio's JSON support, without its logging: netty-socketio's own wrapper logs the
 * whole undecodable packet at ERROR, and a hostile CONNECT payload such as {@code 40"<jwt>"} would put a token in
 * the logs. Failures here carry no content and no cause.
 */
final class QuietJsonSupport implements JsonSupport {

    private final JsonSupport delegate;

    QuietJsonSupport(JsonSupport delegate) {
        this.delegate = delegate;
    }

    @Override
    public AckArgs readAckArgs(ByteBufInputStream src, AckCallback<?> callback) throws IOException {
        try {
            return delegate.readAckArgs(src, callback);
        } catch (Exception e) {
            throw new IOException("undecodable ack arguments (" + e.getClass().getSimpleName() + ")");
        }
    }

    @Override
    public <T> T readValue(String namespaceName, ByteBufInputStream src, Class<T> valueType) throws IOException {
        try {
            return delegate.readValue(namespaceName, src, valueType);
        } catch (Exception e) {
            throw new IOException("undecodable " + valueType.getSimpleName() + " (" + e.getClass().getSimpleName()
                    + ")");
        }
    }

    @Override
    public void writeValue(ByteBufOutputStream out, Object value) throws IOException {
        delegate.writeValue(out, value);
    }

    @Override
    public void addEventMapping(String namespaceName, String eventName, Class<?>... eventClass) {
        delegate.addEventMapping(namespaceName, eventName, eventClass);
    }

    @Override
    public void removeEventMapping(String namespaceName, String eventName) {
        delegate.removeEventMapping(namespaceName, eventName);
    }

    @Override
    public List<byte[]> getArrays() {
        return delegate.getArrays();
    }
}
