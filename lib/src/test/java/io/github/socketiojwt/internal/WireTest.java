package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.protocol.ConnPacket;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.JacksonJsonSupport;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketEncoder;
import com.corundumstudio.socketio.protocol.PacketType;
import io.github.socketiojwt.ErrorCode;
import io.github.socketiojwt.UnauthorizedException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** Proves the packets the library sends, down to the bytes, in socketio-jwt 4.6.2's shapes. */
class WireTest {

    private static final UUID SID = UUID.fromString("6f1c2a3e-0000-4000-8000-000000000001");
    private static final UnauthorizedException EXPIRED = new UnauthorizedException(ErrorCode.TOKEN_EXPIRED,
            "jwt expired");
    private static final UnauthorizedException MALFORMED = new UnauthorizedException(ErrorCode.TOKEN_MALFORMED,
            "jwt malformed");

    private static ClientHead head(EngineIOVersion version) {
        ClientHead head = mock(ClientHead.class);
        when(head.getEngineIOVersion()).thenReturn(version);
        when(head.getSessionId()).thenReturn(SID);
        return head;
    }

    private static String encode(Packet packet) throws IOException {
        PacketEncoder encoder = new PacketEncoder(new Configuration(), new JacksonJsonSupport());
        ByteBuf buffer = Unpooled.buffer();
        try {
            encoder.encodePacket(packet, buffer, UnpooledByteBufAllocator.DEFAULT, true);
            return buffer.toString(StandardCharsets.UTF_8);
        } finally {
            buffer.release();
        }
    }

    private static Map<String, Object> data(String message, String code) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("message", message);
        data.put("code", code);
        data.put("type", "UnauthorizedError");
        return data;
    }

    @Test
    void tellsV4FromV3Clients() {
        assertTrue(Wire.isV4(head(EngineIOVersion.V4)));
        assertEquals(false, Wire.isV4(head(EngineIOVersion.V3)));
    }

    @Test
    void sendsV4ConnectErrorWithMessageAndData() throws IOException {
        Packet packet = Wire.connectError(head(EngineIOVersion.V4), "", MALFORMED, false);

        assertSame(PacketType.MESSAGE, packet.getType());
        assertSame(PacketType.ERROR, packet.getSubType());
        assertSame(EngineIOVersion.V4, packet.getEngineIOVersion());
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("message", "jwt malformed");
        expected.put("data", data("jwt malformed", "invalid_token"));
        assertEquals(expected, packet.getData());
        assertEquals("44{\"message\":\"jwt malformed\",\"data\":{\"message\":\"jwt malformed\","
                + "\"code\":\"invalid_token\",\"type\":\"UnauthorizedError\"}}", encode(packet));
    }

    @Test
    void sendsV4ConnectErrorOnANamedNamespace() throws IOException {
        Packet packet = Wire.connectError(head(EngineIOVersion.V4), "/admin", EXPIRED, false);

        assertEquals("/admin", packet.getNsp());
        assertEquals("44/admin,{\"message\":\"jwt expired\",\"data\":{\"message\":\"jwt expired\","
                + "\"code\":\"invalid_token\",\"type\":\"UnauthorizedError\"}}", encode(packet));
    }

    @Test
    void sendsV3ErrorWithMessageCodeAndTypeOnly() throws IOException {
        Packet packet = Wire.connectError(head(EngineIOVersion.V3), "/admin", EXPIRED, false);

        assertSame(PacketType.ERROR, packet.getSubType());
        assertEquals(data("jwt expired", "invalid_token"), packet.getData());
        assertEquals("44/admin,{\"message\":\"jwt expired\",\"code\":\"invalid_token\",\"type\":\"UnauthorizedError\"}",
                encode(packet));
    }

    @Test
    void sendsDetailedCodesWhenAsked() throws IOException {
        assertEquals("44{\"message\":\"jwt expired\",\"data\":{\"message\":\"jwt expired\",\"code\":\"token_expired\","
                + "\"type\":\"UnauthorizedError\"}}", encode(Wire.connectError(head(EngineIOVersion.V4), "",
                        EXPIRED, true)));
        assertEquals(data("jwt expired", "token_expired"), Wire.errorData(EXPIRED, true));
        assertEquals(data("jwt expired", "invalid_token"), Wire.errorData(EXPIRED, false));
    }

    @Test
    void sendsTheApplicationsCodeWhetherDetailedOrNot() {
        UnauthorizedException banned = new UnauthorizedException("user_banned", "user is banned");

        assertEquals(data("user is banned", "user_banned"), Wire.errorData(banned, false));
        assertEquals(data("user is banned", "user_banned"), Wire.errorData(banned, true));
    }

    @Test
    void sendsSocketioJwtCodesForEveryLibraryFailure() {
        assertEquals("invalid_secret", Wire.errorData(new UnauthorizedException(ErrorCode.KEY_UNAVAILABLE,
                "secret could not be resolved"), false).get("code"));
        assertEquals("credentials_required", Wire.errorData(new UnauthorizedException(
                ErrorCode.CREDENTIALS_REQUIRED, "no token provided"), false).get("code"));
        assertEquals("invalid_token", Wire.errorData(new UnauthorizedException(ErrorCode.TOKEN_DATATYPE,
                "invalid token datatype"), false).get("code"));
    }

    @Test
    void buildsTheUnauthorizedEventPayload() throws IOException {
        Map<String, Object> payload = Wire.unauthorizedPayload(EXPIRED, false);

        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("message", "jwt expired");
        expected.put("data", data("jwt expired", "invalid_token"));
        assertEquals(expected, payload);
        assertEquals(List.of("message", "data"), new ArrayList<>(payload.keySet()));
        assertEquals("42/admin,[\"unauthorized\",{\"message\":\"jwt expired\",\"data\":{\"message\":\"jwt expired\","
                + "\"code\":\"invalid_token\",\"type\":\"UnauthorizedError\"}}]",
                encode(Wire.event(head(EngineIOVersion.V4), "/admin", "unauthorized", payload)));
    }

    @Test
    void buildsTheUnauthorizedEventPayloadWithDetailedCode() {
        assertEquals(data("jwt expired", "token_expired"), Wire.unauthorizedPayload(EXPIRED, true).get("data"));
    }

    @Test
    void sendsAuthenticatedEventWithoutArguments() throws IOException {
        Packet packet = Wire.event(head(EngineIOVersion.V4), "", "authenticated");

        assertSame(PacketType.EVENT, packet.getSubType());
        assertEquals("authenticated", packet.getName());
        assertEquals(List.of(), packet.getData());
        assertEquals("42[\"authenticated\"]", encode(packet));
    }

    @Test
    void acknowledgesV4ConnectWithTheSessionId() throws IOException {
        Packet packet = Wire.connectAck(head(EngineIOVersion.V4), "/admin");

        assertSame(PacketType.CONNECT, packet.getSubType());
        assertEquals(SID, assertInstanceOf(ConnPacket.class, packet.getData()).getSid());
        assertEquals("40/admin,{\"sid\":\"" + SID + "\"}", encode(packet));
    }

    @Test
    void acknowledgesV3ConnectWithoutPayload() throws IOException {
        Packet packet = Wire.connectAck(head(EngineIOVersion.V3), "/admin");

        assertSame(PacketType.CONNECT, packet.getSubType());
        assertNull(packet.getData());
        assertEquals("40/admin", encode(packet));
    }

    @Test
    void disconnectsANamespace() throws IOException {
        Packet packet = Wire.disconnect(head(EngineIOVersion.V4), "/admin");

        assertSame(PacketType.MESSAGE, packet.getType());
        assertSame(PacketType.DISCONNECT, packet.getSubType());
        assertEquals("41/admin,", encode(packet));
    }
}
