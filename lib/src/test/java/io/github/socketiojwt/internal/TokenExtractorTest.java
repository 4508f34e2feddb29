package io.github.socketiojwt.internal;

import com.corundumstudio.socketio.HandshakeData;
import io.github.socketiojwt.ErrorCode;
import io.github.socketiojwt.JwtAuthOptions;
import io.github.socketiojwt.UnauthorizedException;
import io.github.socketiojwt.testing.TestTokens;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Proves where a handshake token is found, which source wins, and how bad or missing ones are refused. */
class TokenExtractorTest {

    private static final String TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln";
    private static final String OTHER = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2ln";
    private static final String BAD_FORMAT = "Format is Authorization: Bearer [token]";

    private static final JwtAuthOptions DEFAULTS = JwtAuthOptions.handshake().secret(TestTokens.SECRET).build();
    private static final JwtAuthOptions NO_QUERY = JwtAuthOptions.handshake().secret(TestTokens.SECRET)
            .queryTokenAllowed(false).build();
    private static final JwtAuthOptions HEADER_REQUIRED = JwtAuthOptions.handshake().secret(TestTokens.SECRET)
            .authHeaderRequired(true).build();

    private static HandshakeData handshake(List<String> authorization, List<String> tokenParams) {
        HttpHeaders headers = new DefaultHttpHeaders();
        if (authorization != null) {
            for (String value : authorization) {
                headers.add("Authorization", value);
            }
        }
        Map<String, List<String>> params = new HashMap<>();
        params.put("EIO", List.of("4"));
        params.put("transport", List.of("polling"));
        if (tokenParams != null) {
            params.put("token", tokenParams);
        }
        return new HandshakeData(headers, params, new InetSocketAddress("127.0.0.1", 40123),
                "/socket.io/?EIO=4&transport=polling", false);
    }

    private static HandshakeData header(String... values) {
        return handshake(Arrays.asList(values), null);
    }

    private static HandshakeData query(String... values) {
        return handshake(null, Arrays.asList(values));
    }

    private static HandshakeData none() {
        return handshake(null, null);
    }

    private static Map<String, Object> auth(Object token) {
        Map<String, Object> auth = new HashMap<>();
        auth.put("token", token);
        return auth;
    }

    private static void assertRefused(String message, ErrorCode code, Executable executable) {
        UnauthorizedException e = assertThrows(UnauthorizedException.class, executable);
        assertEquals(message, e.getMessage());
        assertSame(code, e.errorCode());
    }

    private static void assertBadFormat(Object authPayload, HandshakeData handshake, JwtAuthOptions options) {
        assertRefused(BAD_FORMAT, ErrorCode.CREDENTIALS_BAD_FORMAT,
                () -> TokenExtractor.extract(authPayload, handshake, options));
    }

    private static void assertNoToken(Object authPayload, HandshakeData handshake, JwtAuthOptions options) {
        assertRefused("no token provided", ErrorCode.CREDENTIALS_REQUIRED,
                () -> TokenExtractor.extract(authPayload, handshake, options));
    }

    // ---------------------------------------------------------------- each source

    @Test
    void findsTokenInTheAuthPayload() {
        assertEquals(TOKEN, TokenExtractor.extract(auth(TOKEN), none(), DEFAULTS));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer ", "bearer ", "BEARER ", "BeArEr "})
    void findsTokenInTheAuthPayloadWithABearerPrefixInAnyCase(String prefix) {
        assertEquals(TOKEN, TokenExtractor.extract(auth(prefix + TOKEN), none(), DEFAULTS));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer", "bearer", "Bearer ", "Bearer  " + TOKEN, "Bearer " + TOKEN + " x",
            "Bearer " + TOKEN + " "})
    void refusesAuthPayloadBearerWithoutExactlyOneToken(String value) {
        assertBadFormat(auth(value), none(), DEFAULTS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer ", "bearer ", "BEARER ", "bEaReR "})
    void findsTokenInTheAuthorizationHeaderWithBearerInAnyCase(String prefix) {
        assertEquals(TOKEN, TokenExtractor.extract(null, header(prefix + TOKEN), DEFAULTS));
    }

    @Test
    void findsTokenInALowerCaseAuthorizationHeader() {
        HttpHeaders headers = new DefaultHttpHeaders().add("authorization", "Bearer " + TOKEN);
        HandshakeData handshake = new HandshakeData(headers, Map.of(), new InetSocketAddress("127.0.0.1", 1), "/",
                false);

        assertEquals(TOKEN, TokenExtractor.extract(null, handshake, DEFAULTS));
    }

    @Test
    void findsTokenInTheQuery() {
        assertEquals(TOKEN, TokenExtractor.extract(null, query(TOKEN), DEFAULTS));
    }

    // ---------------------------------------------------------------- header format

    @Test
    void refusesOnePartAuthorizationHeader() {
        assertBadFormat(null, header("Bearer"), DEFAULTS);
        assertBadFormat(null, header(TOKEN), DEFAULTS);
    }

    @Test
    void refusesThreePartAuthorizationHeader() {
        assertBadFormat(null, header("Bearer " + TOKEN + " extra"), DEFAULTS);
        assertBadFormat(null, header("Bearer  " + TOKEN), DEFAULTS);
    }

    @Test
    void refusesBearerHeaderWithAnEmptyToken() {
        assertBadFormat(null, header("Bearer "), DEFAULTS);
    }

    @Test
    void refusesBadHeaderEvenWhenTheQueryHasAGoodToken() {
        assertBadFormat(null, handshake(List.of("Bearer"), List.of(TOKEN)), DEFAULTS);
    }

    @Test
    void ignoresBasicSchemeAndFallsBackToTheQuery() {
        assertEquals(TOKEN, TokenExtractor.extract(null, handshake(List.of("Basic dXNlcjpwYXNz"), List.of(TOKEN)),
                DEFAULTS));
    }

    @Test
    void ignoresBasicSchemeAndReportsNoTokenWhenThereIsNoOther() {
        assertNoToken(null, header("Basic dXNlcjpwYXNz"), DEFAULTS);
    }

    @Test
    void refusesTwoAuthorizationHeaders() {
        assertBadFormat(null, header("Bearer " + TOKEN, "Bearer " + OTHER), DEFAULTS);
        assertBadFormat(null, header("Bearer " + TOKEN, "Bearer " + TOKEN), DEFAULTS);
    }

    @Test
    void refusesTwoTokenQueryParameters() {
        assertBadFormat(null, query(TOKEN, OTHER), DEFAULTS);
    }

    // ---------------------------------------------------------------- absent and empty values

    @Test
    void reportsNoTokenWhenNoSourceCarriesOne() {
        assertNoToken(null, none(), DEFAULTS);
        assertNoToken(Map.of(), none(), DEFAULTS);
        assertNoToken(Map.of("user", "alice"), none(), DEFAULTS);
    }

    @Test
    void treatsEmptyQueryTokenAsAbsent() {
        assertNoToken(null, query(""), DEFAULTS);
        assertNoToken(null, handshake(null, List.of()), DEFAULTS);
    }

    @Test
    void treatsEmptyOrNullAuthTokenAsAbsent() {
        assertNoToken(auth(""), none(), DEFAULTS);
        assertNoToken(auth(null), none(), DEFAULTS);
        assertEquals(TOKEN, TokenExtractor.extract(auth(""), query(TOKEN), DEFAULTS));
        assertEquals(TOKEN, TokenExtractor.extract(auth(null), header("Bearer " + TOKEN), DEFAULTS));
    }

    /** socketio-jwt only reads the header when it is truthy: an empty header is no header. */
    @Test
    void treatsEmptyAuthorizationHeaderAsAbsent() {
        assertNoToken(null, header(""), DEFAULTS);
        assertEquals(TOKEN, TokenExtractor.extract(null, handshake(List.of(""), List.of(TOKEN)), DEFAULTS));
    }

    @Test
    void ignoresAnAuthPayloadThatIsNotAnObject() {
        assertNoToken(TOKEN, none(), DEFAULTS);
        assertNoToken(List.of(TOKEN), none(), DEFAULTS);
        assertEquals(OTHER, TokenExtractor.extract(TOKEN, query(OTHER), DEFAULTS));
    }

    @Test
    void reportsNoTokenWithoutAHandshake() {
        assertNoToken(null, null, DEFAULTS);
        assertEquals(TOKEN, TokenExtractor.extract(auth(TOKEN), null, DEFAULTS));
    }

    // ---------------------------------------------------------------- datatype

    @Test
    void refusesNonStringAuthTokenAsInvalidTokenDatatype() {
        for (Object value : new Object[] {123, 1.5, true, Map.of(), Map.of("token", TOKEN), List.of(TOKEN)}) {
            UnauthorizedException e = assertThrows(UnauthorizedException.class,
                    () -> TokenExtractor.extract(auth(value), query(TOKEN), DEFAULTS), String.valueOf(value));
            assertEquals("invalid token datatype", e.getMessage());
            assertSame(ErrorCode.TOKEN_DATATYPE, e.errorCode());
            assertEquals("invalid_token", e.code());
        }
    }

    // ---------------------------------------------------------------- precedence

    @Test
    void prefersTheAuthPayloadOverHeaderAndQuery() {
        assertEquals(TOKEN, TokenExtractor.extract(auth(TOKEN), handshake(List.of("Bearer " + OTHER),
                List.of(OTHER)), DEFAULTS));
    }

    @Test
    void prefersTheHeaderOverTheQuery() {
        assertEquals(TOKEN, TokenExtractor.extract(null, handshake(List.of("Bearer " + TOKEN), List.of(OTHER)),
                DEFAULTS));
    }

    @Test
    void letsTheFirstSourceThatCarriesATokenDecideEvenWhenItIsBad() {
        assertEquals("not-a-jwt", TokenExtractor.extract(auth("not-a-jwt"), query(TOKEN), DEFAULTS));
        assertBadFormat(auth("Bearer a b"), query(TOKEN), DEFAULTS);
        assertBadFormat(auth("Bearer"), header("Bearer " + TOKEN), DEFAULTS);
    }

    @Test
    void ignoresTheQueryWhenQueryTokensAreNotAllowed() {
        assertNoToken(null, query(TOKEN), NO_QUERY);
        assertNoToken(null, query(TOKEN, OTHER), NO_QUERY);
        assertEquals(TOKEN, TokenExtractor.extract(null, header("Bearer " + TOKEN), NO_QUERY));
        assertEquals(TOKEN, TokenExtractor.extract(auth(TOKEN), none(), NO_QUERY));
    }

    // ---------------------------------------------------------------- authHeaderRequired

    @Test
    void takesTheHeaderTokenWhenTheHeaderIsRequired() {
        assertEquals(TOKEN, TokenExtractor.extract(null, header("Bearer " + TOKEN), HEADER_REQUIRED));
    }

    @Test
    void neverLetsQueryOrAuthPayloadOverrideARequiredHeader() {
        assertEquals(TOKEN, TokenExtractor.extract(auth(OTHER), handshake(List.of("Bearer " + TOKEN),
                List.of(OTHER)), HEADER_REQUIRED));
    }

    @Test
    void refusesQueryOrAuthPayloadTokenWhenTheHeaderIsRequired() {
        String message = "Server requires Authorization Header";

        assertRefused(message, ErrorCode.MISSING_AUTHORIZATION_HEADER,
                () -> TokenExtractor.extract(null, query(TOKEN), HEADER_REQUIRED));
        assertRefused(message, ErrorCode.MISSING_AUTHORIZATION_HEADER,
                () -> TokenExtractor.extract(auth(TOKEN), none(), HEADER_REQUIRED));
        assertRefused(message, ErrorCode.MISSING_AUTHORIZATION_HEADER,
                () -> TokenExtractor.extract(auth(TOKEN), handshake(List.of("Basic dXNlcjpwYXNz"), List.of(TOKEN)),
                        HEADER_REQUIRED));
        assertRefused(message, ErrorCode.MISSING_AUTHORIZATION_HEADER,
                () -> TokenExtractor.extract(null, none(), HEADER_REQUIRED));
    }

    @Test
    void refusesBadRequiredHeaderAsBadFormat() {
        assertBadFormat(null, header("Bearer"), HEADER_REQUIRED);
        assertBadFormat(auth(TOKEN), header("Bearer a b"), HEADER_REQUIRED);
    }

    @Test
    void sendsSocketioJwtCodes() {
        UnauthorizedException badFormat = assertThrows(UnauthorizedException.class,
                () -> TokenExtractor.extract(null, header("Bearer"), DEFAULTS));
        UnauthorizedException missing = assertThrows(UnauthorizedException.class,
                () -> TokenExtractor.extract(null, none(), HEADER_REQUIRED));
        UnauthorizedException none = assertThrows(UnauthorizedException.class,
                () -> TokenExtractor.extract(null, none(), DEFAULTS));

        assertEquals("credentials_bad_format", badFormat.code());
        assertEquals("missing_authorization_header", missing.code());
        assertEquals("credentials_required", none.code());
    }
}
