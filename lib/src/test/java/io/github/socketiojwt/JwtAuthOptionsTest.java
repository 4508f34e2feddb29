package io.github.socketiojwt;

import io.github.socketiojwt.testing.TestKeys;
import io.github.socketiojwt.testing.TestTokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Proves the defaults of the options and every validation their builder makes. */
class JwtAuthOptionsTest {

    /** socketio-jwt's own test secret: 20 bytes, too short for HS256 under RFC 7518 §3.2. */
    private static final String LEGACY_SECRET = "aaafoo super sercret";
    private static final KeyResolver RESOLVER = request -> CompletableFuture.completedFuture(null);

    private static KeyPair rsa2048;
    private static KeyPair rsa1024;

    @BeforeAll
    static void keys() {
        rsa2048 = TestKeys.RSA_2048;
        rsa1024 = TestKeys.RSA_1024;
    }

    @Test
    void hasSocketioJwtDefaults() {
        JwtAuthOptions options = JwtAuthOptions.authenticate().secret(TestTokens.SECRET).build();

        assertSame(AuthMode.AUTHENTICATE, options.mode());
        assertEquals(Duration.ofSeconds(5), options.timeout());
        assertTrue(options.required());
        assertEquals("decoded_token", options.decodedPropertyName());
        assertEquals("encoded_token", options.encodedPropertyName());
        assertTrue(options.queryTokenAllowed());
        assertFalse(options.authHeaderRequired());
        assertFalse(options.weakHmacAllowed());
        assertFalse(options.detailedErrorCodes());
        assertEquals(Set.of(), options.algorithms());
        assertEquals(Duration.ZERO, options.leeway());
        assertEquals(Duration.ofSeconds(5), options.resolutionTimeout());
        assertEquals(Duration.ofMillis(500), options.unauthorizedGracePeriod());
        assertEquals(8192, options.maxTokenLength());
        assertSame(AuthenticationValidator.NONE, options.validator());
        assertSame(AuthenticationListener.NONE, options.listener());
        assertEquals(ZoneOffset.UTC, options.clock().getZone());
        assertNull(options.keyResolver());
    }

    @Test
    void handshakeBuilderBuildsHandshakeMode() {
        assertSame(AuthMode.HANDSHAKE, JwtAuthOptions.handshake().secret(TestTokens.SECRET).build().mode());
    }

    @Test
    void keepsEveryValueSet() {
        Clock clock = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
        AuthenticationValidator validator = (principal, handshake) -> CompletableFuture.completedFuture(null);
        AuthenticationListener listener = new AuthenticationListener() {
        };

        JwtAuthOptions options = JwtAuthOptions.handshake().keyResolver(RESOLVER).algorithms("HS256", "RS256")
                .timeout(Duration.ofSeconds(9)).required(false).unauthorizedGracePeriod(Duration.ZERO)
                .authHeaderRequired(true).queryTokenAllowed(false).decodedPropertyName("user")
                .encodedPropertyName("jwt").validator(validator).listener(listener).clock(clock)
                .leeway(Duration.ofSeconds(30)).resolutionTimeout(Duration.ofMillis(250)).maxTokenLength(16)
                .detailedErrorCodes(true).build();

        assertSame(RESOLVER, options.keyResolver());
        assertNull(options.key());
        assertEquals(Set.of("HS256", "RS256"), options.algorithms());
        assertEquals(Duration.ofSeconds(9), options.timeout());
        assertFalse(options.required());
        assertEquals(Duration.ZERO, options.unauthorizedGracePeriod());
        assertTrue(options.authHeaderRequired());
        assertFalse(options.queryTokenAllowed());
        assertEquals("user", options.decodedPropertyName());
        assertEquals("jwt", options.encodedPropertyName());
        assertSame(validator, options.validator());
        assertSame(listener, options.listener());
        assertSame(clock, options.clock());
        assertEquals(Duration.ofSeconds(30), options.leeway());
        assertEquals(Duration.ofMillis(250), options.resolutionTimeout());
        assertEquals(16, options.maxTokenLength());
        assertTrue(options.detailedErrorCodes());
    }

    @Test
    void refusesWeakSecretCitingRfc7518WithoutEchoingIt() {
        JwtAuthOptions.Builder builder = JwtAuthOptions.handshake().secret(LEGACY_SECRET);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);

        assertEquals("secret: 160 bits (expected: at least 256 bits, i.e. 32 bytes, for HS256; 384 for HS384 and 512"
                + " for HS512, as RFC 7518 §3.2 requires. Use a longer random secret; to verify tokens signed with a"
                + " short legacy secret while you migrate, call insecurelyAllowWeakHmacSecret())", e.getMessage());
        assertTrue(e.getMessage().contains("RFC 7518 §3.2"));
        assertFalse(e.getMessage().contains(LEGACY_SECRET));
        assertFalse(e.getMessage().contains("sercret"));
    }

    @Test
    void refusesA31ByteSecretAndAcceptsA32ByteOne() {
        String secret31 = TestTokens.SECRET.substring(1);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JwtAuthOptions.handshake().secret(secret31).build());

        assertTrue(e.getMessage().startsWith("secret: 248 bits (expected: at least 256 bits"), e.getMessage());
        assertFalse(e.getMessage().contains(secret31));
        assertEquals(32, JwtAuthOptions.handshake().secret(TestTokens.SECRET).build().key().getEncoded().length);
    }

    @Test
    void refusesEmptySecretString() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JwtAuthOptions.handshake().secret(""));
        assertEquals("secret: empty (expected: at least 32 bytes for HS256)", e.getMessage());
    }

    @Test
    void refusesEmptySecretBytes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JwtAuthOptions.handshake().secret(new byte[0]));
        assertEquals("secret: empty (expected: at least 32 bytes for HS256)", e.getMessage());
    }

    @Test
    void refusesNullSecretsAndHooks() {
        JwtAuthOptions.Builder builder = JwtAuthOptions.handshake();

        assertEquals("secret", assertThrows(NullPointerException.class, () -> builder.secret((String) null))
                .getMessage());
        assertEquals("secret", assertThrows(NullPointerException.class, () -> builder.secret((byte[]) null))
                .getMessage());
        assertEquals("key", assertThrows(NullPointerException.class,
                () -> builder.secret((Key) null)).getMessage());
        assertEquals("resolver", assertThrows(NullPointerException.class, () -> builder.keyResolver(null))
                .getMessage());
        assertEquals("validator", assertThrows(NullPointerException.class, () -> builder.validator(null))
                .getMessage());
        assertEquals("listener", assertThrows(NullPointerException.class, () -> builder.listener(null))
                .getMessage());
        assertEquals("clock", assertThrows(NullPointerException.class, () -> builder.clock(null)).getMessage());
        assertEquals("algorithm", assertThrows(NullPointerException.class,
                () -> builder.algorithms("HS256", null)).getMessage());
    }

    @Test
    void copiesSecretBytesSoLaterChangesDoNotWeakenTheKey() {
        byte[] secret = TestTokens.SECRET.getBytes(StandardCharsets.UTF_8);
        JwtAuthOptions.Builder builder = JwtAuthOptions.handshake().secret(secret);

        Arrays.fill(secret, (byte) 0);

        assertArrayEquals(TestTokens.SECRET.getBytes(StandardCharsets.UTF_8), builder.build().key().getEncoded());
    }

    @Test
    void refusesBothSecretAndKeyResolver() {
        JwtAuthOptions.Builder builder = JwtAuthOptions.handshake().secret(TestTokens.SECRET).keyResolver(RESOLVER);

        IllegalStateException e = assertThrows(IllegalStateException.class, builder::build);

        assertEquals("secret and keyResolver: both are set (expected: exactly one)", e.getMessage());
    }

    @Test
    void refusesNeitherSecretNorKeyResolver() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> JwtAuthOptions.authenticate().build());
        assertEquals("secret or keyResolver: neither is set (expected: exactly one)", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "None", "NONE", "nOnE"})
    void refusesAlgorithmNoneInAnyCase(String none) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JwtAuthOptions.handshake().algorithms("HS256", none));
        assertEquals("algorithms: none (expected: a signing algorithm; unsigned tokens are never accepted)",
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"hs256", "HS1", "RSA-OAEP", ""})
    void refusesUnknownAlgorithm(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JwtAuthOptions.handshake().algorithms(name));
        assertEquals("algorithms: " + name + " (expected one of [HS256, HS384, HS512, RS256, RS384, RS512, PS256,"
                + " PS384, PS512, ES256, ES384, ES512, EdDSA])", e.getMessage());
    }

    @Test
    void refusesAlgorithmsTheStaticKeyCannotVerify() {
        JwtAuthOptions.Builder builder = JwtAuthOptions.handshake().secret(TestTokens.SECRET)
                .algorithms("RS256", "HS512");

        IllegalStateException e = assertThrows(IllegalStateException.class, builder::build);

        assertEquals("algorithms [RS256, HS512] and secret: the key can verify only [HS256]", e.getMessage());
    }

    @Test
    void acceptsAlgorithmsThatOverlapTheKeyAlgorithms() {
        JwtAuthOptions options = JwtAuthOptions.handshake().secret(rsa2048.getPublic()).algorithms("RS256", "HS256")
                .build();
        assertEquals(Set.of("RS256", "HS256"), options.algorithms());
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0S", "PT-1S", "PT-0.001S"})
    void refusesNonPositiveTimeout(String value) {
        Duration duration = Duration.parse(value);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JwtAuthOptions.authenticate().timeout(duration));
        assertEquals("timeout: " + duration + " (expected: > PT0S)", e.getMessage());
    }

    @Test
    void refusesZeroTimeoutWithItsValueInTheMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JwtAuthOptions.authenticate().timeout(Duration.ZERO));
        assertEquals("timeout: PT0S (expected: > PT0S)", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0S", "PT-5S"})
    void refusesNonPositiveResolutionTimeout(String value) {
        Duration duration = Duration.parse(value);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JwtAuthOptions.handshake().resolutionTimeout(duration));
        assertEquals("resolutionTimeout: " + duration + " (expected: > PT0S)", e.getMessage());
    }

    @Test
    void refusesNullDurations() {
        JwtAuthOptions.Builder builder = JwtAuthOptions.authenticate();

        assertEquals("timeout", assertThrows(NullPointerException.class, () -> builder.timeout(null)).getMessage());
        assertEquals("resolutionTimeout", assertThrows(NullPointerException.class,
                () -> builder.resolutionTimeout(null)).getMessage());
        assertEquals("leeway", assertThrows(NullPointerException.class, () -> builder.leeway(null)).getMessage());
        assertEquals("grace", assertThrows(NullPointerException.class,
                () -> builder.unauthorizedGracePeriod(null)).getMessage());
    }

    @Test
    void refusesNegativeLeewayButAcceptsZero() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JwtAuthOptions.handshake().leeway(Duration.ofSeconds(-1)));
        assertEquals("leeway: PT-1S (expected: >= PT0S)", e.getMessage());
        assertEquals(Duration.ZERO, JwtAuthOptions.handshake().secret(TestTokens.SECRET).leeway(Duration.ZERO)
                .build().leeway());
    }

    @Test
    void refusesNegativeUnauthorizedGracePeriod() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JwtAuthOptions.authenticate().unauthorizedGracePeriod(Duration.ofMillis(-1)));
        assertEquals("unauthorizedGracePeriod: PT-0.001S (expected: >= PT0S)", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {15, 0, -1})
    void refusesTinyMaxTokenLength(int length) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JwtAuthOptions.handshake().maxTokenLength(length));
        assertEquals("maxTokenLength: " + length + " (expected: >= 16)", e.getMessage());
    }

    @Test
    void refusesBlankPropertyNames() {
        assertEquals("decodedPropertyName: " + "  " + " (expected: non-blank text)", assertThrows(
                IllegalArgumentException.class, () -> JwtAuthOptions.authenticate().decodedPropertyName("  "))
                .getMessage());
        assertEquals("encodedPropertyName: null (expected: non-blank text)", assertThrows(
                IllegalArgumentException.class, () -> JwtAuthOptions.authenticate().encodedPropertyName(null))
                .getMessage());
    }

    @Test
    void refusesPrivateKey() {
        JwtAuthOptions.Builder builder = JwtAuthOptions.handshake().secret(rsa2048.getPrivate());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);

        assertEquals("secret: a private key (expected: the public key, or an HMAC secret)", e.getMessage());
    }

    @Test
    void refusesRsa1024PublicKey() {
        JwtAuthOptions.Builder builder = JwtAuthOptions.handshake().secret(rsa1024.getPublic());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);

        assertEquals("secret: an RSA key of 1024 bits (expected: at least 2048 bits, RFC 7518 §3.3)", e.getMessage());
    }

    @Test
    void acceptsRsa2048PublicKey() {
        JwtAuthOptions options = JwtAuthOptions.handshake().secret(rsa2048.getPublic()).build();
        assertSame(rsa2048.getPublic(), options.key());
    }

    @Test
    void insecurelyAllowWeakHmacSecretAcceptsA20ByteSecret() {
        JwtAuthOptions options = JwtAuthOptions.authenticate().secret(LEGACY_SECRET).insecurelyAllowWeakHmacSecret()
                .build();

        assertTrue(options.weakHmacAllowed());
        assertArrayEquals(LEGACY_SECRET.getBytes(StandardCharsets.UTF_8), options.key().getEncoded());
    }

    @Test
    void insecurelyAllowWeakHmacSecretStillRefusesAnEmptySecretKey() {
        SecretKey noEncoding = new SecretKey() {
            private static final long serialVersionUID = 1L;

            @Override
            public String getAlgorithm() {
                return "HmacSHA256";
            }

            @Override
            public String getFormat() {
                return null;
            }

            @Override
            public byte[] getEncoded() {
                return null;
            }
        };
        JwtAuthOptions.Builder builder = JwtAuthOptions.handshake().secret(noEncoding)
                .insecurelyAllowWeakHmacSecret();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);

        assertEquals("secret: empty (expected: at least 256 bits for HS256)", e.getMessage());
    }

    @Test
    void acceptsSecretKeyOfAnyHmacName() {
        JwtAuthOptions options = JwtAuthOptions.handshake()
                .secret(new SecretKeySpec(new byte[64], "HmacSHA512")).build();
        assertEquals(64, options.key().getEncoded().length);
    }

    @Test
    void refusesAuthHeaderRequiredInAuthenticateMode() {
        JwtAuthOptions.Builder builder = JwtAuthOptions.authenticate().secret(TestTokens.SECRET)
                .authHeaderRequired(true);

        IllegalStateException e = assertThrows(IllegalStateException.class, builder::build);

        assertEquals("authHeaderRequired: set in authenticate mode (expected: handshake mode)", e.getMessage());
    }

    @Test
    void buildTwiceGivesEqualValuedIndependentOptions() {
        JwtAuthOptions.Builder builder = JwtAuthOptions.handshake().secret(TestTokens.SECRET).algorithms("HS256")
                .timeout(Duration.ofSeconds(7)).leeway(Duration.ofSeconds(3));

        JwtAuthOptions first = builder.build();
        JwtAuthOptions second = builder.build();
        builder.timeout(Duration.ofSeconds(60)).algorithms("HS384").queryTokenAllowed(false);
        JwtAuthOptions third = builder.secret(TestTokens.SECRET + TestTokens.OTHER_SECRET).build();

        assertNotSame(first, second);
        assertEquals(first.mode(), second.mode());
        assertEquals(first.key(), second.key());
        assertEquals(first.algorithms(), second.algorithms());
        assertNotSame(first.algorithms(), second.algorithms());
        assertEquals(first.timeout(), second.timeout());
        assertEquals(first.leeway(), second.leeway());
        assertEquals(first.queryTokenAllowed(), second.queryTokenAllowed());
        assertEquals(Set.of("HS256"), first.algorithms());
        assertEquals(Duration.ofSeconds(7), first.timeout());
        assertTrue(first.queryTokenAllowed());
        assertEquals(Set.of("HS384"), third.algorithms());
        assertEquals(Duration.ofSeconds(60), third.timeout());
        assertFalse(third.queryTokenAllowed());
    }

    @Test
    void exposesAlgorithmsReadOnly() {
        JwtAuthOptions options = JwtAuthOptions.handshake().secret(TestTokens.SECRET).algorithms("HS256").build();
        assertThrows(UnsupportedOperationException.class, () -> options.algorithms().add("HS512"));
    }

    @Test
    void allowsUnauthenticatedEventsOnlyInAuthenticateModeAndNeverReservedNames() {
        assertEquals(Set.of("login", "register"), JwtAuthOptions.authenticate().secret(TestTokens.SECRET)
                .allowUnauthenticatedEvents("login", "register").build().unauthenticatedEvents());
        assertEquals(Set.of(), JwtAuthOptions.authenticate().secret(TestTokens.SECRET).build()
                .unauthenticatedEvents());
        IllegalStateException handshake = assertThrows(IllegalStateException.class, () -> JwtAuthOptions
                .handshake().secret(TestTokens.SECRET).allowUnauthenticatedEvents("login").build());
        assertTrue(handshake.getMessage().contains("authenticate mode"), handshake.getMessage());
        for (String reserved : List.of("authenticate", "connect", "disconnect", "unauthorized")) {
            assertThrows(IllegalArgumentException.class,
                    () -> JwtAuthOptions.authenticate().allowUnauthenticatedEvents(reserved), reserved);
        }
        assertThrows(IllegalArgumentException.class, () -> JwtAuthOptions.authenticate()
                .allowUnauthenticatedEvents(" "));
    }

    @Test
    void requireExpirationAddsExpToTheRequiredClaims() {
        JwtAuthOptions options = JwtAuthOptions.handshake().secret(TestTokens.SECRET).requireClaims("jti")
                .requireExpiration(true).build();
        assertTrue(options.expirationRequired());
        assertEquals(Set.of("jti", "exp"), options.requiredClaims());
        assertFalse(JwtAuthOptions.handshake().secret(TestTokens.SECRET).build().expirationRequired());
    }
}
