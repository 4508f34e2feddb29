package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.protocol.ConnPacket;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import io.github.socketiojwt.UnauthorizedException;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Socket.IO packets the library sends, with socketio-jwt 4.6.2's payload shapes.
 */
final class Wire {

    private Wire() {
    }

    static boolean isV4(ClientHead head) {
        return head.getEngineIOVersion() == EngineIOVersion.V4;
    }

    /** {@code 40/nsp,{"sid":…}} for v4 clients, {@code 40/nsp} for v3 clients. */
    static Packet connectAck(ClientHead head, String nsp) {
        Packet packet = message(head, PacketType.CONNECT, nsp);
        if (isV4(head)) {
            packet.setData(new ConnPacket(head.getSessionId()));
        }
        return packet;
    }

    /**
     * A refused connection: v4 clients get CONNECT_ERROR {@code {message, data: {message, code, type}}} and emit
     * {@code connect_error}; v3 clients get ERROR {@code {message, code, type}} and emit {@code error}.
     */
    static Packet connectError(ClientHead head, String nsp, UnauthorizedException error, boolean detailed) {
        Packet packet = message(head, PacketType.ERROR, nsp);
        Map<String, Object> data = errorData(error, detailed);
        if (isV4(head)) {
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("message", error.getMessage());
            payload.put("data", data);
            packet.setData(payload);
        } else {
            packet.setData(data);
        }
        return packet;
    }

    /** The {@code unauthorized} event's payload: {@code {message, data: {message, code, type}}}. */
    static Map<String, Object> unauthorizedPayload(UnauthorizedException error, boolean detailed) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("message", error.getMessage());
        payload.put("data", errorData(error, detailed));
        return payload;
    }

    static Map<String, Object> errorData(UnauthorizedException error, boolean detailed) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("message", error.getMessage());
        data.put("code", detailed ? error.detailedCode() : error.code());
        data.put("type", UnauthorizedException.TYPE);
        return data;
    }

    static Packet event(ClientHead head, String nsp, String name, Object... args) {
        Packet packet = message(head, PacketType.EVENT, nsp);
        packet.setName(name);
        packet.setData(Arrays.asList(args));
        return packet;
    }

    /** An ack answering the client's packet {@code ackId}. */
    static Packet ack(ClientHead head, String nsp, long ackId, Object... args) {
        Packet packet = message(head, PacketType.ACK, nsp);
        packet.setAckId(ackId);
        packet.setData(Arrays.asList(args));
        return packet;
    }

    /**
     * The payload of a refusal by the access rules: {@code {message, data: {message, code: "forbidden", type:
     * "ForbiddenError", <what>: <name>}}}.
     */
    static Map<String, Object> forbiddenPayload(String message, String what, String name) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("message", message);
        data.put("code", io.github.socketiojwt.ErrorCode.FORBIDDEN.code());
        data.put("type", "ForbiddenError");
        data.put(what, name);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("message", message);
        payload.put("data", data);
        return payload;
    }

    /**
     * The refusal of a CONNECT to a public namespace whose payload is not a JSON object: CONNECT_ERROR
     * {@code {message: "invalid payload"}} (an object, so that v4 clients show the message).
     */
    static Packet invalidPayload(ClientHead head, String nsp) {
        Packet packet = message(head, PacketType.ERROR, nsp);
        packet.setData(Map.of("message", "invalid payload"));
        return packet;
    }

    static Packet disconnect(ClientHead head, String nsp) {
        return message(head, PacketType.DISCONNECT, nsp);
    }

    private static Packet message(ClientHead head, PacketType subType, String nsp) {
        Packet packet = new Packet(PacketType.MESSAGE, head.getEngineIOVersion());
        packet.setSubType(subType);
        packet.setNsp(nsp);
        return packet;
    }
}
