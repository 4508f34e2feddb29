package io.github.socketiojwt.internal;

import io.github.socketiojwt.ErrorCode;
import io.github.socketiojwt.JwtAuthOptions;
import io.github.socketiojwt.KeyResolver;
import io.github.socketiojwt.UnauthorizedException;
import io.github.socketiojwt.testing.TestKeys;
import io.github.socketiojwt.testing.TestTokens;
import io.jsonwebtoken.Jwts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Proves that every hostile token of bad-inputs.md §B, §C and §E is refused by the verifier with jsonwebtoken's
 * message and the right {@link ErrorCode}, with a static key and with a resolved key, against a fixed clock.
 */
class TokenVerifierTest {

    /** 2030-01-01T00:00:00Z. */
    private static final long NOW = 1_893_456_000L;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    private static final byte[] SECRET = TestTokens.SECRET.getBytes(StandardCharsets.UTF_8);
    private static final byte[] SECRET_64 = (TestTokens.SECRET + TestTokens.OTHER_SECRET)
            .getBytes(StandardCharsets.UTF_8);
    private static final String HS256 = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    private static final String CLAIMS = "{\"sub\":\"alice\",\"exp\":" + (NOW + 60) + "}";
    private static final KeyResolver UNUSED_RESOLVER = request -> CompletableFuture.completedFuture(null);

    private static KeyPair rsa;
    private static KeyPair rsa1024;
    private static KeyPair p256;
    private static KeyPair p384;
    private static KeyPair p521;
    private static KeyPair ed25519;

    @BeforeAll
    static void keys() {
        rsa = TestKeys.RSA_2048;
        rsa1024 = TestKeys.RSA_1024;
        p256 = TestKeys.P_256;
        p384 = TestKeys.P_384;
        p521 = TestKeys.P_521;
        ed25519 = TestKeys.ED_25519;
    }

    // ---------------------------------------------------------------- fixtures

    private static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] unb64(String part) {
        return Base64.getUrlDecoder().decode(part);
    }

    /** A compact JWS whose MAC is computed with {@code jcaName} over any key bytes, whatever the header says. */
    private static String mac(String jcaName, byte[] key, String header, String payload) {
        return macEncoded(jcaName, key, header, b64(payload));
    }

    private static String macEncoded(String jcaName, byte[] key, String header, String encodedPayload) {
        String input = b64(header) + "." + encodedPayload;
        try {
            Mac mac = Mac.getInstance(jcaName);
            mac.init(new SecretKeySpec(key, jcaName));
            return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static String hs256(String header, String payload) {
        return mac("HmacSHA256", SECRET, header, payload);
    }

    private static String hs256(String payload) {
        return hs256(HS256, payload);
    }

    private static String signed(String jcaName, PrivateKey key, String header, String payload) {
        String input = b64(header) + "." + b64(payload);
        try {
            Signature signature = Signature.getInstance(jcaName);
            signature.initSign(key);
            signature.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static String withSignature(String token, byte[] signature) {
        return token.substring(0, token.lastIndexOf('.') + 1) + b64(signature);
    }

    private static String withPayload(String token, String payload) {
        String[] parts = token.split("\\.");
        return parts[0] + "." + b64(payload) + "." + parts[2];
    }

    private static JwtAuthOptions.Builder staticKey(Key key) {
        return JwtAuthOptions.handshake().secret(key).clock(CLOCK);
    }

    private static JwtAuthOptions.Builder hmacKey() {
        return staticKey(new SecretKeySpec(SECRET, "HmacSHA256"));
    }

    private static JwtAuthOptions.Builder resolved() {
        return JwtAuthOptions.handshake().keyResolver(UNUSED_RESOLVER).clock(CLOCK);
    }

    /** Decodes and verifies with the options' static key. */
    private static Map<String, Object> verify(JwtAuthOptions.Builder options, String token) {
        JwtAuthOptions built = options.build();
        TokenVerifier verifier = new TokenVerifier(built);
        DecodedToken decoded = verifier.decode(token);
        verifier.verify(decoded, built.key());
        return decoded.claims;
    }

    private static Map<String, Object> verify(String token) {
        return verify(hmacKey(), token);
    }

    /** Decodes, then verifies with a key as a resolver would have returned it. */
    private static Map<String, Object> verifyResolved(JwtAuthOptions.Builder options, String token, Key key) {
        TokenVerifier verifier = new TokenVerifier(options.build());
        DecodedToken decoded = verifier.decode(token);
        verifier.verify(decoded, key);
        return decoded.claims;
    }

    private static void assertRefused(String message, ErrorCode code, Executable executable) {
        UnauthorizedException e = assertThrows(UnauthorizedException.class, executable);
        assertEquals(message, e.getMessage());
        assertSame(code, e.errorCode());
    }

    /** Refused by {@code decode}: before any key is looked up or any jjwt code runs. */
    private static void assertRefusedOnDecode(String message, ErrorCode code, JwtAuthOptions.Builder options,
            String token) {
        TokenVerifier verifier = new TokenVerifier(options.build());
        assertRefused(message, code, () -> verifier.decode(token));
    }

    // ---------------------------------------------------------------- accepted tokens

    @Test
    void acceptsHs256TokenAndReturnsItsClaimsAsPlainValues() {
        Map<String, Object> claims = verify(hs256("{\"sub\":\"alice\",\"exp\":" + (NOW + 60)
                + ",\"roles\":[\"a\"],\"n\":1.5}"));

        assertEquals("alice", claims.get("sub"));
        assertEquals(NOW + 60, claims.get("exp"));
        assertEquals(Arrays.asList("a"), claims.get("roles"));
        assertEquals(1.5, claims.get("n"));
    }

    @Test
    void acceptsTokensSignedByJjwt() {
        String token = Jwts.builder().subject("alice").expiration(Date.from(Instant.ofEpochSecond(NOW + 60)))
                .signWith(new SecretKeySpec(SECRET, "HmacSHA256"), Jwts.SIG.HS256).compact();

        assertEquals("alice", verify(token).get("sub"));
    }

    @Test
    void decodeExposesHeaderClaimsAndAlgorithmBeforeVerification() {
        String token = hs256("{\"alg\":\"HS256\",\"kid\":\"k1\"}", CLAIMS);

        DecodedToken decoded = new TokenVerifier(hmacKey().build()).decode(token);

        assertEquals(token, decoded.token);
        assertEquals("HS256", decoded.algorithm);
        assertEquals(Map.of("alg", "HS256", "kid", "k1"), decoded.header);
        assertEquals(Map.of("sub", "alice", "exp", NOW + 60), decoded.claims);
    }

    @Test
    void acceptsEveryHsAlgorithmWithA512BitKey() {
        for (String[] alg : new String[][] {{"HS256", "HmacSHA256"}, {"HS384", "HmacSHA384"},
                {"HS512", "HmacSHA512"}}) {
            String token = mac(alg[1], SECRET_64, "{\"alg\":\"" + alg[0] + "\"}", CLAIMS);
            assertEquals("alice", verify(staticKey(new SecretKeySpec(SECRET_64, "HmacSHA512")), token).get("sub"),
                    alg[0]);
        }
    }

    @Test
    void acceptsRsAndPsTokensWithAnRsaKey() {
        String rs256 = signed("SHA256withRSA", rsa.getPrivate(), "{\"alg\":\"RS256\"}", CLAIMS);
        String ps256 = Jwts.builder().subject("bob").signWith(rsa.getPrivate(), Jwts.SIG.PS256).compact();

        assertEquals("alice", verify(staticKey(rsa.getPublic()), rs256).get("sub"));
        assertEquals("bob", verify(staticKey(rsa.getPublic()), ps256).get("sub"));
    }

    @Test
    void acceptsEsTokensOnTheirOwnCurveAndEdDsa() {
        assertEquals("a", verify(staticKey(p256.getPublic()),
                Jwts.builder().subject("a").signWith(p256.getPrivate(), Jwts.SIG.ES256).compact()).get("sub"));
        assertEquals("b", verify(staticKey(p384.getPublic()),
                Jwts.builder().subject("b").signWith(p384.getPrivate(), Jwts.SIG.ES384).compact()).get("sub"));
        assertEquals("c", verify(staticKey(p521.getPublic()),
                Jwts.builder().subject("c").signWith(p521.getPrivate(), Jwts.SIG.ES512).compact()).get("sub"));
        assertEquals("d", verify(staticKey(ed25519.getPublic()),
                Jwts.builder().subject("d").signWith(ed25519.getPrivate(), Jwts.SIG.EdDSA).compact()).get("sub"));
    }

    @Test
    void acceptsTokenVerifiedWithAResolvedKeyTwice() {
        String token = hs256(CLAIMS);
        TokenVerifier verifier = new TokenVerifier(resolved().build());
        SecretKey key = new SecretKeySpec(SECRET, "HmacSHA256");

        verifier.verify(verifier.decode(token), key);
        verifier.verify(verifier.decode(token), new SecretKeySpec(SECRET, "HmacSHA256"));
        assertRefused("invalid signature", ErrorCode.INVALID_SIGNATURE, () -> verifier.verify(verifier.decode(token),
                new SecretKeySpec(TestTokens.OTHER_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256")));
    }

    /**
     * jsonwebtoken 8.5.1 checks the types of {@code exp} and {@code nbf} only ({@code iss}, {@code sub},
     * {@code jti} and {@code aud} only when asked to match them), and its {@code sign} lets a Node server issue
     * such claims.
     */
    @ParameterizedTest
    @ValueSource(strings = {"{\"sub\":123}", "{\"sub\":true}", "{\"iss\":42}", "{\"jti\":42}", "{\"aud\":42}",
            "{\"aud\":[42]}"})
    void acceptsNonStringRegisteredClaimsLikeJsonwebtoken(String payload) {
        assertEquals(PlainJson.parseObject(payload), verify(hs256(payload)));
    }

    /** jsonwebtoken 8.5.1 ignores {@code cty}; socketio-jwt's own test token carries {@code "cty":"JWT"}. */
    @ParameterizedTest
    @ValueSource(strings = {"JWT", "json"})
    void acceptsContentTypeHeaderLikeJsonwebtoken(String contentType) {
        String token = hs256("{\"alg\":\"HS256\",\"cty\":\"" + contentType + "\"}", CLAIMS);

        assertEquals("alice", verify(token).get("sub"));
    }

    // ---------------------------------------------------------------- B. structure and encoding

    @ParameterizedTest
    @ValueSource(strings = {"boooooo", "a.b", "a.b.c.d", "a.b.c.d.e", ".", "a..b.c"})
    void refusesTokensWithoutExactlyThreePartsAsJwtMalformed(String token) {
        assertRefusedOnDecode("jwt malformed", ErrorCode.TOKEN_MALFORMED, hmacKey(), token);
    }

    @Test
    void refusesFivePartJweAsJwtMalformed() {
        String jwe = b64("{\"alg\":\"dir\",\"enc\":\"A128GCM\"}") + "..aXY.Y2lwaGVy.dGFn";

        assertRefusedOnDecode("jwt malformed", ErrorCode.TOKEN_MALFORMED, hmacKey(), jwe);
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "a.b.c", "e#J.e30.c2ln", "eyJ+.e30.c2ln", "eyJ/.e30.c2ln", "e30=.e30.c2ln",
            "e30.e30=.c2ln", "e30.e30.c2ln=", "e30.e30.c2+n", "e30.e30.c2/n", "e30.e%30.c2ln"})
    void refusesInvalidBase64UrlAsInvalidToken(String token) {
        assertRefusedOnDecode("invalid token", ErrorCode.TOKEN_MALFORMED, hmacKey(), token);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "[]", "[{\"alg\":\"HS256\"}]", "\"HS256\"", "42", "null", "{\"alg\":",
            "{\"alg\":\"HS256\"} trailing", "{'alg':'HS256'}"})
    void refusesHeaderThatIsNotAJsonObjectAsInvalidToken(String header) {
        String token = b64(header) + "." + b64(CLAIMS) + ".c2ln";

        assertRefusedOnDecode("invalid token", ErrorCode.TOKEN_MALFORMED, hmacKey(), token);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "[]", "[{\"sub\":\"alice\"}]", "\"alice\"", "42", "true", "null",
            "{\"sub\":", "{sub:1}"})
    void refusesPayloadThatIsNotAJsonObjectAsInvalidToken(String payload) {
        assertRefusedOnDecode("invalid token", ErrorCode.TOKEN_MALFORMED, hmacKey(), hs256(payload));
    }

    @ParameterizedTest
    @ValueSource(strings = {" ", "\n", "\t", "\u00a0"})
    void refusesValidTokenWithTrailingWhitespaceAsInvalidToken(String whitespace) {
        String token = hs256(CLAIMS);
        verify(token);

        assertRefusedOnDecode("invalid token", ErrorCode.TOKEN_MALFORMED, hmacKey(), token + whitespace);
    }

    @Test
    void refusesValidTokenWithLeadingOrEmbeddedSpaceAsInvalidToken() {
        String token = hs256(CLAIMS);
        int dot = token.indexOf('.');

        assertRefusedOnDecode("invalid token", ErrorCode.TOKEN_MALFORMED, hmacKey(), " " + token);
        assertRefusedOnDecode("invalid token", ErrorCode.TOKEN_MALFORMED, hmacKey(),
                token.substring(0, dot) + " " + token.substring(dot));
    }

    @Test
    void refusesHeaderWithInvalidUtf8AsInvalidToken() {
        String token = b64(new byte[] {(byte) 0xff, (byte) 0xfe, '{', '}'}) + "." + b64(CLAIMS) + ".c2ln";

        assertRefusedOnDecode("invalid token", ErrorCode.TOKEN_MALFORMED, hmacKey(), token);
    }

    @Test
    void refusesTokenLongerThanMaxTokenLengthBeforeParsing() {
        String oversize = "a".repeat(8193);

        UnauthorizedException e = assertThrows(UnauthorizedException.class,
                () -> new TokenVerifier(hmacKey().build()).decode(oversize));

        assertEquals("jwt malformed", e.getMessage());
        assertSame(ErrorCode.TOKEN_TOO_LARGE, e.errorCode());
        assertEquals("invalid_token", e.code());
        assertEquals("token_too_large", e.detailedCode());
    }

    @Test
    void refusesOneMegabyteTokenAsTooLarge() {
        String huge = hs256("{\"sub\":\"" + "x".repeat(1 << 20) + "\"}");

        assertRefusedOnDecode("jwt malformed", ErrorCode.TOKEN_TOO_LARGE, hmacKey(), huge);
    }

    @Test
    void acceptsTokenOfExactlyMaxTokenLengthAndRefusesOneCharacterMore() {
        String token = hs256(CLAIMS);

        assertEquals("alice", verify(hmacKey().maxTokenLength(token.length()), token).get("sub"));
        assertRefusedOnDecode("jwt malformed", ErrorCode.TOKEN_TOO_LARGE, hmacKey().maxTokenLength(token.length() - 1),
                token);
        assertRefusedOnDecode("jwt malformed", ErrorCode.TOKEN_MALFORMED, hmacKey(), "a".repeat(8192));
    }

    @Test
    void refusesClaimsNestedDeeperThanTheLimitAsInvalidToken() {
        String deep = hs256("{\"sub\":\"alice\",\"a\":" + "[".repeat(40) + "]".repeat(40) + "}");

        assertRefusedOnDecode("invalid token", ErrorCode.TOKEN_MALFORMED, hmacKey(), deep);
    }

    @Test
    void refusesTenThousandNestedArraysInClaimsWithoutStackOverflow() {
        String deep = hs256("{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}");

        assertRefusedOnDecode("invalid token", ErrorCode.TOKEN_MALFORMED, hmacKey().maxTokenLength(100_000), deep);
    }

    @Test
    void refusesTenThousandNestedObjectsInHeaderWithoutStackOverflow() {
        String header = "{\"alg\":\"HS256\",\"x\":" + "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_001);

        assertRefusedOnDecode("invalid token", ErrorCode.TOKEN_MALFORMED, hmacKey().maxTokenLength(400_000),
                mac("HmacSHA256", SECRET, header, CLAIMS));
    }

    @Test
    void refusesCritHeaderNamingAnUnsupportedParameter() {
        String token = hs256("{\"alg\":\"HS256\",\"crit\":[\"http://example.com/policy\"],"
                + "\"http://example.com/policy\":true}", CLAIMS);

        assertRefused("invalid token", ErrorCode.TOKEN_MALFORMED, () -> verify(token));
    }

    @Test
    void refusesCritHeaderNamingAnAbsentParameter() {
        String token = hs256("{\"alg\":\"HS256\",\"crit\":[\"exp\"]}", CLAIMS);

        assertRefused("invalid token", ErrorCode.TOKEN_MALFORMED, () -> verify(token));
    }

    @Test
    void refusesCompressedPayloadBeforeDecompressingIt() {
        String compressed = Jwts.builder().subject("alice").compressWith(Jwts.ZIP.DEF)
                .signWith(new SecretKeySpec(SECRET, "HmacSHA256"), Jwts.SIG.HS256).compact();

        assertRefusedOnDecode("invalid token", ErrorCode.TOKEN_MALFORMED, hmacKey(), compressed);
    }

    @Test
    void refusesDeflateBombWithoutInflatingIt() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(bytes, new Deflater(Deflater.BEST_COMPRESSION,
                true))) {
            out.write("{\"sub\":\"".getBytes(StandardCharsets.US_ASCII));
            byte[] zeros = new byte[1 << 16];
            Arrays.fill(zeros, (byte) '0');
            for (int i = 0; i < 256; i++) {
                out.write(zeros); // 16 MB once inflated
            }
            out.write("\"}".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        String bomb = macEncoded("HmacSHA256", SECRET, "{\"alg\":\"HS256\",\"zip\":\"DEF\"}",
                b64(bytes.toByteArray()));

        assertRefusedOnDecode("invalid token", ErrorCode.TOKEN_MALFORMED, hmacKey().maxTokenLength(100_000), bomb);
    }

    @Test
    void refusesZipHeaderOnAPlainPayload() {
        String token = hs256("{\"alg\":\"HS256\",\"zip\":\"DEF\"}", CLAIMS);

        assertRefused("invalid token", ErrorCode.TOKEN_MALFORMED, () -> verify(token));
    }

    // ---------------------------------------------------------------- C. algorithms

    @Test
    void refusesSocketioJwtUnsignedTokenAsSignatureRequired() {
        assertRefusedOnDecode("jwt signature is required", ErrorCode.SIGNATURE_REQUIRED, hmacKey(),
                TestTokens.UNSIGNED);
        assertRefusedOnDecode("jwt signature is required", ErrorCode.SIGNATURE_REQUIRED, resolved(),
                TestTokens.UNSIGNED);
    }

    @Test
    void refusesHs256TokenWithItsSignatureRemovedAsSignatureRequired() {
        String token = hs256(CLAIMS);

        assertRefusedOnDecode("jwt signature is required", ErrorCode.SIGNATURE_REQUIRED, hmacKey(),
                token.substring(0, token.lastIndexOf('.') + 1));
    }

    @Test
    void refusesAlgNoneWithASignatureCopiedFromAValidToken() {
        String valid = hs256(CLAIMS);
        String forged = b64("{\"alg\":\"none\"}") + "." + b64("{\"sub\":\"admin\"}")
                + valid.substring(valid.lastIndexOf('.'));

        assertRefusedOnDecode("invalid algorithm", ErrorCode.INVALID_ALGORITHM, hmacKey(), forged);
        assertRefusedOnDecode("invalid algorithm", ErrorCode.INVALID_ALGORITHM, resolved(), forged);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"alg\":\"None\"}", "{\"alg\":\"NONE\"}", "{\"alg\":\"nOnE\"}", "{\"typ\":\"JWT\"}",
            "{\"alg\":null}", "{\"alg\":\"\"}", "{\"alg\":\"whatever\"}", "{\"alg\":\"hs256\"}", "{\"alg\":256}",
            "{\"alg\":[\"HS256\"]}", "{\"alg\":{\"name\":\"HS256\"}}", "{\"alg\":\"HS256 \"}",
            "{\"alg\":\"dir\"}", "{\"alg\":\"ES256K\"}"})
    void refusesMissingNullOrUnknownAlgorithmsAsInvalidAlgorithm(String header) {
        String token = hs256(header, CLAIMS);

        assertRefusedOnDecode("invalid algorithm", ErrorCode.INVALID_ALGORITHM, hmacKey(), token);
        assertRefusedOnDecode("invalid algorithm", ErrorCode.INVALID_ALGORITHM, resolved(), token);
    }

    @Test
    void refusesHs256MacdWithTheRsaPublicKeyBytes() {
        String der = mac("HmacSHA256", rsa.getPublic().getEncoded(), HS256, CLAIMS);
        String pem = mac("HmacSHA256", pem(rsa.getPublic().getEncoded()).getBytes(StandardCharsets.US_ASCII), HS256,
                CLAIMS);

        assertRefusedOnDecode("invalid algorithm", ErrorCode.INVALID_ALGORITHM, staticKey(rsa.getPublic()), der);
        assertRefusedOnDecode("invalid algorithm", ErrorCode.INVALID_ALGORITHM, staticKey(rsa.getPublic()), pem);
    }

    @Test
    void refusesHs256MacdWithTheRsaPublicKeyBytesEvenWhenHs256IsWhitelisted() {
        String der = mac("HmacSHA256", rsa.getPublic().getEncoded(), HS256, CLAIMS);

        assertRefusedOnDecode("invalid algorithm", ErrorCode.INVALID_ALGORITHM,
                staticKey(rsa.getPublic()).algorithms("RS256", "HS256"), der);
    }

    @Test
    void refusesHs256MacdWithTheRsaPublicKeyBytesWhenTheResolverReturnsThatKey() {
        String der = mac("HmacSHA256", rsa.getPublic().getEncoded(), HS256, CLAIMS);

        assertRefused("invalid algorithm", ErrorCode.INVALID_ALGORITHM,
                () -> verifyResolved(resolved(), der, rsa.getPublic()));
        assertRefused("invalid algorithm", ErrorCode.INVALID_ALGORITHM,
                () -> verifyResolved(resolved().algorithms("RS256", "HS256"), der, rsa.getPublic()));
    }

    @Test
    void refusesHs256MacdWithTheEcPublicKeyBytes() {
        String forged = mac("HmacSHA256", p256.getPublic().getEncoded(), HS256, CLAIMS);

        assertRefusedOnDecode("invalid algorithm", ErrorCode.INVALID_ALGORITHM, staticKey(p256.getPublic()), forged);
        assertRefused("invalid algorithm", ErrorCode.INVALID_ALGORITHM,
                () -> verifyResolved(resolved(), forged, p256.getPublic()));
    }

    @Test
    void refusesRs256TokenWhenTheKeyIsAnHmacSecret() {
        String rs256 = signed("SHA256withRSA", rsa.getPrivate(), "{\"alg\":\"RS256\"}", CLAIMS);

        assertRefusedOnDecode("invalid algorithm", ErrorCode.INVALID_ALGORITHM, hmacKey(), rs256);
        assertRefused("invalid algorithm", ErrorCode.INVALID_ALGORITHM,
                () -> verifyResolved(resolved(), rs256, new SecretKeySpec(SECRET, "HmacSHA256")));
    }

    @Test
    void refusesHs512TokenWhenKeyHasOnly256Bits() {
        String hs512 = mac("HmacSHA512", SECRET, "{\"alg\":\"HS512\"}", CLAIMS);

        assertRefusedOnDecode("invalid algorithm", ErrorCode.INVALID_ALGORITHM, hmacKey(), hs512);
        assertRefused("invalid algorithm", ErrorCode.INVALID_ALGORITHM,
                () -> verifyResolved(resolved(), hs512, new SecretKeySpec(SECRET, "HmacSHA256")));
    }

    @Test
    void refusesAlgorithmOutsideTheConfiguredWhitelist() {
        String hs256 = mac("HmacSHA256", SECRET_64, HS256, CLAIMS);
        String rs256 = signed("SHA256withRSA", rsa.getPrivate(), "{\"alg\":\"RS256\"}", CLAIMS);

        assertRefusedOnDecode("invalid algorithm", ErrorCode.INVALID_ALGORITHM,
                staticKey(new SecretKeySpec(SECRET_64, "HmacSHA512")).algorithms("HS384"), hs256);
        assertRefusedOnDecode("invalid algorithm", ErrorCode.INVALID_ALGORITHM,
                staticKey(rsa.getPublic()).algorithms("PS256"), rs256);
        assertRefusedOnDecode("invalid algorithm", ErrorCode.INVALID_ALGORITHM, resolved().algorithms("RS256"),
                hs256(CLAIMS));
    }

    @Test
    void refusesEsTokenVerifiedWithAKeyOnAnotherCurve() {
        String es256 = Jwts.builder().subject("a").signWith(p256.getPrivate(), Jwts.SIG.ES256).compact();
        String es384 = Jwts.builder().subject("a").signWith(p384.getPrivate(), Jwts.SIG.ES384).compact();

        assertRefusedOnDecode("invalid algorithm", ErrorCode.INVALID_ALGORITHM, staticKey(p384.getPublic()), es256);
        assertRefusedOnDecode("invalid algorithm", ErrorCode.INVALID_ALGORITHM, staticKey(p256.getPublic()), es384);
        assertRefused("invalid algorithm", ErrorCode.INVALID_ALGORITHM,
                () -> verifyResolved(resolved(), es256, p521.getPublic()));
    }

    @Test
    void refusesEs256AllZeroSignature() {
        String token = b64("{\"alg\":\"ES256\"}") + "." + b64(CLAIMS) + "." + b64(new byte[64]);

        assertRefused("invalid signature", ErrorCode.INVALID_SIGNATURE, () -> verify(staticKey(p256.getPublic()),
                token));
        assertRefused("invalid signature", ErrorCode.INVALID_SIGNATURE,
                () -> verifyResolved(resolved(), token, p256.getPublic()));
    }

    @Test
    void refusesEs256SignatureWithRZeroOrSZero() {
        String valid = Jwts.builder().subject("a").signWith(p256.getPrivate(), Jwts.SIG.ES256).compact();
        byte[] signature = unb64(valid.substring(valid.lastIndexOf('.') + 1));
        byte[] rZero = signature.clone();
        Arrays.fill(rZero, 0, 32, (byte) 0);
        byte[] sZero = signature.clone();
        Arrays.fill(sZero, 32, 64, (byte) 0);

        verify(staticKey(p256.getPublic()), valid);
        assertRefused("invalid signature", ErrorCode.INVALID_SIGNATURE,
                () -> verify(staticKey(p256.getPublic()), withSignature(valid, rZero)));
        assertRefused("invalid signature", ErrorCode.INVALID_SIGNATURE,
                () -> verify(staticKey(p256.getPublic()), withSignature(valid, sZero)));
    }

    @Test
    void refusesEs256SignatureOfTheWrongLength() {
        String valid = Jwts.builder().subject("a").signWith(p256.getPrivate(), Jwts.SIG.ES256).compact();

        assertRefused("invalid signature", ErrorCode.INVALID_SIGNATURE,
                () -> verify(staticKey(p256.getPublic()), withSignature(valid, new byte[63])));
    }

    @Test
    void refusesTamperedPayloadAsInvalidSignature() {
        String token = hs256(CLAIMS);
        String tampered = withPayload(token, "{\"sub\":\"admin\",\"exp\":" + (NOW + 60) + "}");

        assertRefused("invalid signature", ErrorCode.INVALID_SIGNATURE, () -> verify(tampered));
        assertRefused("invalid signature", ErrorCode.INVALID_SIGNATURE,
                () -> verifyResolved(resolved(), tampered, new SecretKeySpec(SECRET, "HmacSHA256")));
    }

    @Test
    void refusesTamperedSignatureByteAsInvalidSignature() {
        String token = hs256(CLAIMS);
        byte[] signature = unb64(token.substring(token.lastIndexOf('.') + 1));
        signature[0] ^= 1;

        assertRefused("invalid signature", ErrorCode.INVALID_SIGNATURE, () -> verify(withSignature(token, signature)));
    }

    @Test
    void refusesTokenSignedWithAnotherSecretAsInvalidSignature() {
        String token = mac("HmacSHA256", TestTokens.OTHER_SECRET.getBytes(StandardCharsets.UTF_8), HS256, CLAIMS);

        assertRefused("invalid signature", ErrorCode.INVALID_SIGNATURE, () -> verify(token));
    }

    @Test
    void refusesRs256SignaturePresentedAsPs256() {
        String rs256 = signed("SHA256withRSA", rsa.getPrivate(), "{\"alg\":\"RS256\"}", CLAIMS);
        String ps256 = b64("{\"alg\":\"PS256\"}") + rs256.substring(rs256.indexOf('.'));

        assertRefused("invalid signature", ErrorCode.INVALID_SIGNATURE, () -> verify(staticKey(rsa.getPublic()),
                ps256));
    }

    @Test
    void refusesResolvedPrivateKey() {
        String rs256 = signed("SHA256withRSA", rsa.getPrivate(), "{\"alg\":\"RS256\"}", CLAIMS);

        assertRefused("secret or public key must be provided", ErrorCode.KEY_UNAVAILABLE,
                () -> verifyResolved(resolved(), rs256, rsa.getPrivate()));
    }

    @Test
    void refusesResolvedRsaKeyShorterThan2048Bits() {
        String rs256 = signed("SHA256withRSA", rsa1024.getPrivate(), "{\"alg\":\"RS256\"}", CLAIMS);

        assertRefused("invalid algorithm", ErrorCode.INVALID_ALGORITHM,
                () -> verifyResolved(resolved(), rs256, rsa1024.getPublic()));
    }

    @Test
    void refusesResolvedWeakHmacSecretUnlessWeakSecretsAreAllowed() {
        byte[] weak = "aaafoo super sercret".getBytes(StandardCharsets.UTF_8);
        String token = mac("HmacSHA256", weak, HS256, CLAIMS);
        SecretKey key = new SecretKeySpec(weak, "HmacSHA256");

        assertRefused("invalid algorithm", ErrorCode.INVALID_ALGORITHM, () -> verifyResolved(resolved(), token, key));
        assertEquals("alice", verifyResolved(resolved().insecurelyAllowWeakHmacSecret(), token, key).get("sub"));
    }

    @Test
    void verifiesNodeTokenWithShortSecretOnlyWhenWeakSecretsAreAllowed() {
        String token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
                + ".eyJzdWIiOiJqb2huIiwiaWF0IjoxNzAwMDAwMDAwfQ.up2KrAwIdsP71ZhGr7Drhys622ifhDTHQrqwvU4XU3w";
        JwtAuthOptions.Builder legacy = JwtAuthOptions.handshake().secret("aaafoo super sercret")
                .insecurelyAllowWeakHmacSecret().clock(CLOCK);

        assertEquals("john", verify(legacy, token).get("sub"));
        assertRefused("invalid signature", ErrorCode.INVALID_SIGNATURE,
                () -> verify(legacy, withPayload(token, "{\"sub\":\"admin\",\"iat\":1700000000}")));
    }

    // ---------------------------------------------------------------- E. time claims

    @Test
    void refusesExpInThePastAsJwtExpired() {
        assertRefused("jwt expired", ErrorCode.TOKEN_EXPIRED, () -> verify(hs256("{\"exp\":" + (NOW - 1) + "}")));
    }

    @Test
    void refusesExpEqualToNowAsJwtExpired() {
        assertRefused("jwt expired", ErrorCode.TOKEN_EXPIRED, () -> verify(hs256("{\"exp\":" + NOW + "}")));
    }

    @Test
    void refusesExpEqualToNowEvenLateInTheCurrentSecond() {
        JwtAuthOptions.Builder options = hmacKey().clock(Clock.fixed(Instant.ofEpochSecond(NOW, 999_000_000),
                ZoneOffset.UTC));

        assertRefused("jwt expired", ErrorCode.TOKEN_EXPIRED, () -> verify(options, hs256("{\"exp\":" + NOW + "}")));
        verify(options, hs256("{\"exp\":" + (NOW + 1) + "}"));
    }

    @Test
    void acceptsExpOneSecondAhead() {
        assertEquals(NOW + 1, verify(hs256("{\"exp\":" + (NOW + 1) + "}")).get("exp"));
    }

    @Test
    void refusesExpZeroAsJwtExpired() {
        assertRefused("jwt expired", ErrorCode.TOKEN_EXPIRED, () -> verify(hs256("{\"exp\":0}")));
    }

    @Test
    void comparesFractionalExpLikeJsonwebtoken() {
        verify(hs256("{\"exp\":" + NOW + ".5}"));
        assertRefused("jwt expired", ErrorCode.TOKEN_EXPIRED, () -> verify(hs256("{\"exp\":" + (NOW - 1) + ".5}")));
    }

    @Test
    void acceptsExpFarInTheFuture() {
        assertEquals(253_402_300_799L, verify(hs256("{\"exp\":253402300799}")).get("exp"));
    }

    @Test
    void acceptsExpJustPastWithinLeewayAndRefusesItBeyond() {
        JwtAuthOptions.Builder leeway = hmacKey().leeway(Duration.ofSeconds(10));

        verify(leeway, hs256("{\"exp\":" + (NOW - 9) + "}"));
        assertRefused("jwt expired", ErrorCode.TOKEN_EXPIRED, () -> verify(leeway, hs256("{\"exp\":" + (NOW - 10)
                + "}")));
    }

    @Test
    void countsASubSecondLeewayOnExpToTheMillisecondAsJsonwebtokensClockToleranceDoes() {
        JwtAuthOptions.Builder leeway = hmacKey().leeway(Duration.ofMillis(1500));

        verify(leeway, hs256("{\"exp\":" + (NOW - 1) + "}")); // 1 s past exp, within 1.5 s
        assertRefused("jwt expired", ErrorCode.TOKEN_EXPIRED, () -> verify(leeway, hs256("{\"exp\":" + (NOW - 2)
                + "}")));
    }

    @Test
    void countsASubSecondLeewayOnNbfAndMaxAgeToo() {
        JwtAuthOptions.Builder leeway = hmacKey().leeway(Duration.ofMillis(1500));

        verify(leeway, hs256("{\"nbf\":" + (NOW + 1) + ".5}"));
        assertRefused("jwt not active", ErrorCode.TOKEN_NOT_ACTIVE, () -> verify(leeway, hs256("{\"nbf\":"
                + (NOW + 1) + ".6}")));
        verify(leeway.maxAge(Duration.ofMinutes(5)), hs256("{\"iat\":" + (NOW - 301) + "}"));
        assertRefused("maxAge exceeded", ErrorCode.MAX_AGE_EXCEEDED, () -> verify(leeway.maxAge(Duration.ofMinutes(5)),
                hs256("{\"iat\":" + (NOW - 302) + "}")));
    }

    @Test
    void aTokenExpiresAtExpPlusTheLeewayForWholeSecondsAndAtTheNextWholeSecondOtherwise() {
        TokenVerifier fiveSeconds = new TokenVerifier(hmacKey().leeway(Duration.ofSeconds(5)).build());
        assertEquals((NOW + 5) * 1000, fiveSeconds.expiresAtMillis(Map.of("exp", NOW)));
        assertEquals((NOW + 6) * 1000, fiveSeconds.expiresAtMillis(Map.of("exp", NOW + 0.25)));
        TokenVerifier subSecond = new TokenVerifier(hmacKey().leeway(Duration.ofMillis(1500)).build());
        assertEquals((NOW + 2) * 1000, subSecond.expiresAtMillis(Map.of("exp", NOW)));
        TokenVerifier none = new TokenVerifier(hmacKey().build());
        assertEquals(NOW * 1000, none.expiresAtMillis(Map.of("exp", NOW)));
    }

    @Test
    void aTokenWithoutANumericExpOrWithAnExpBeyondTheMillisecondRangeNeverExpires() {
        TokenVerifier verifier = new TokenVerifier(hmacKey().leeway(Duration.ofSeconds(5)).build());
        assertEquals(Long.MAX_VALUE, verifier.expiresAtMillis(Map.of("sub", "alice")));
        assertEquals(Long.MAX_VALUE, verifier.expiresAtMillis(Map.of("exp", "tomorrow")));
        assertEquals(Long.MAX_VALUE, verifier.expiresAtMillis(Map.of("exp", 1e300)));
        assertEquals(Long.MAX_VALUE, verifier.expiresAtMillis(Map.of("exp", Long.MAX_VALUE / 1000 - 1)));
        assertEquals(Long.MAX_VALUE, new TokenVerifier(hmacKey().leeway(Duration.ofSeconds(Long.MAX_VALUE))
                .build()).expiresAtMillis(Map.of("exp", NOW)));
    }

    @Test
    void refusesNbfInTheFutureAsJwtNotActive() {
        assertRefused("jwt not active", ErrorCode.TOKEN_NOT_ACTIVE,
                () -> verify(hs256("{\"nbf\":" + (NOW + 1) + "}")));
    }

    @Test
    void acceptsNbfEqualToNow() {
        assertEquals(NOW, verify(hs256("{\"nbf\":" + NOW + "}")).get("nbf"));
    }

    @Test
    void acceptsNbfWithinLeewayAndRefusesItBeyond() {
        JwtAuthOptions.Builder leeway = hmacKey().leeway(Duration.ofSeconds(10));

        verify(leeway, hs256("{\"nbf\":" + (NOW + 10) + "}"));
        assertRefused("jwt not active", ErrorCode.TOKEN_NOT_ACTIVE, () -> verify(leeway, hs256("{\"nbf\":"
                + (NOW + 11) + "}")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"1\"", "\"" + (NOW + 60) + "\"", "\"abc\"", "true", "{}", "[]", "[1]", "null",
            "\"2030-01-01T00:00:00Z\""})
    void refusesNonNumericExpAsInvalidExpValue(String value) {
        assertRefused("invalid exp value", ErrorCode.INVALID_CLAIM,
                () -> verify(hs256("{\"sub\":\"alice\",\"exp\":" + value + "}")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"1\"", "\"abc\"", "false", "{}", "[]", "null", "\"2020-01-01T00:00:00Z\""})
    void refusesNonNumericNbfAsInvalidNbfValue(String value) {
        assertRefused("invalid nbf value", ErrorCode.INVALID_CLAIM,
                () -> verify(hs256("{\"sub\":\"alice\",\"nbf\":" + value + "}")));
    }

    @Test
    void checksNbfBeforeExpLikeJsonwebtoken() {
        assertRefused("invalid nbf value", ErrorCode.INVALID_CLAIM,
                () -> verify(hs256("{\"exp\":\"x\",\"nbf\":\"y\"}")));
        assertRefused("jwt not active", ErrorCode.TOKEN_NOT_ACTIVE,
                () -> verify(hs256("{\"exp\":" + (NOW - 1) + ",\"nbf\":" + (NOW + 1) + "}")));
    }

    @Test
    void checksTheSignatureBeforeTheTimeClaims() {
        String expired = mac("HmacSHA256", TestTokens.OTHER_SECRET.getBytes(StandardCharsets.UTF_8), HS256,
                "{\"exp\":" + (NOW - 1) + "}");
        String badExp = mac("HmacSHA256", TestTokens.OTHER_SECRET.getBytes(StandardCharsets.UTF_8), HS256,
                "{\"exp\":\"1\"}");

        assertRefused("invalid signature", ErrorCode.INVALID_SIGNATURE, () -> verify(expired));
        assertRefused("invalid signature", ErrorCode.INVALID_SIGNATURE, () -> verify(badExp));
    }

    @Test
    void checksTimeAgainstTheInjectedClockNotTheSystemClock() {
        long realNow = Instant.now().getEpochSecond();
        String validToday = hs256("{\"exp\":" + (realNow + 3600) + "}");

        assertRefused("jwt expired", ErrorCode.TOKEN_EXPIRED, () -> verify(validToday));
        assertRefused("jwt not active", ErrorCode.TOKEN_NOT_ACTIVE, () -> verify(
                hmacKey().clock(Clock.fixed(Instant.ofEpochSecond(1_000_000_000L), ZoneOffset.UTC)),
                hs256("{\"nbf\":" + realNow + "}")));
    }

    private static String pem(byte[] der) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END PUBLIC KEY-----\n";
    }

    // ---------------------------------------------------------------- claims (jsonwebtoken's messages)

    @Test
    void acceptsAnAudienceFromAStringOrAnArray() {
        verify(hmacKey().audience("api", "web"), hs256("{\"aud\":\"web\"}"));
        verify(hmacKey().audience("api"), hs256("{\"aud\":[\"other\",\"api\"]}"));
    }

    @Test
    void refusesAnUnexpectedOrMissingAudienceWithJsonwebtokensMessage() {
        assertRefused("jwt audience invalid. expected: api or web", ErrorCode.AUDIENCE_INVALID,
                () -> verify(hmacKey().audience("api", "web"), hs256("{\"aud\":\"admin\"}")));
        assertRefused("jwt audience invalid. expected: api", ErrorCode.AUDIENCE_INVALID,
                () -> verify(hmacKey().audience("api"), hs256("{\"aud\":[\"x\",\"y\"]}")));
        assertRefused("jwt audience invalid. expected: api", ErrorCode.AUDIENCE_INVALID,
                () -> verify(hmacKey().audience("api"), hs256("{\"sub\":\"no-aud\"}")));
    }

    @Test
    void refusesAnUnexpectedOrMissingIssuer() {
        verify(hmacKey().issuer("https://a", "https://b"), hs256("{\"iss\":\"https://b\"}"));
        assertRefused("jwt issuer invalid. expected: https://a", ErrorCode.ISSUER_INVALID,
                () -> verify(hmacKey().issuer("https://a"), hs256("{\"iss\":\"https://evil\"}")));
        assertRefused("jwt issuer invalid. expected: https://a,https://b", ErrorCode.ISSUER_INVALID,
                () -> verify(hmacKey().issuer("https://a", "https://b"), hs256("{\"sub\":\"x\"}")));
    }

    @Test
    void refusesAnUnexpectedSubject() {
        verify(hmacKey().subject("alice"), hs256("{\"sub\":\"alice\"}"));
        assertRefused("jwt subject invalid. expected: alice", ErrorCode.SUBJECT_INVALID,
                () -> verify(hmacKey().subject("alice"), hs256("{\"sub\":\"bob\"}")));
    }

    @Test
    void refusesATokenWithoutARequiredClaim() {
        verify(hmacKey().requireClaims("exp", "jti"), hs256("{\"exp\":" + (NOW + 60) + ",\"jti\":\"1\"}"));
        assertRefused("jwt missing required claim: exp", ErrorCode.CLAIM_MISSING,
                () -> verify(hmacKey().requireClaims("exp"), hs256("{\"sub\":\"never-expires\"}")));
    }

    @Test
    void acceptsTokensWithoutExpByDefaultAndRefusesThemWhenExpirationIsRequired() {
        verify(hmacKey(), hs256("{\"sub\":\"never-expires\"}"));
        verify(hmacKey().requireExpiration(true), hs256("{\"exp\":" + (NOW + 60) + "}"));
        assertRefused("jwt missing required claim: exp", ErrorCode.CLAIM_MISSING,
                () -> verify(hmacKey().requireExpiration(true), hs256("{\"sub\":\"never-expires\"}")));
    }

    @Test
    void refusesATokenOlderThanMaxAgeOrWithoutIat() {
        verify(hmacKey().maxAge(Duration.ofMinutes(5)), hs256("{\"iat\":" + (NOW - 299) + "}"));
        assertRefused("maxAge exceeded", ErrorCode.MAX_AGE_EXCEEDED,
                () -> verify(hmacKey().maxAge(Duration.ofMinutes(5)), hs256("{\"iat\":" + (NOW - 300) + "}")));
        verify(hmacKey().maxAge(Duration.ofMinutes(5)).leeway(Duration.ofSeconds(10)),
                hs256("{\"iat\":" + (NOW - 305) + "}"));
        assertRefused("iat required when maxAge is specified", ErrorCode.CLAIM_MISSING,
                () -> verify(hmacKey().maxAge(Duration.ofMinutes(5)), hs256("{\"iat\":\"yesterday\"}")));
    }

    @Test
    void checksTimeBeforeAudienceAsJsonwebtokenDoes() {
        assertRefused("jwt expired", ErrorCode.TOKEN_EXPIRED, () -> verify(hmacKey().audience("api"),
                hs256("{\"aud\":\"other\",\"exp\":" + (NOW - 1) + "}")));
    }

    @Test
    void refusesAnAlgorithmTheResolverCannotVerifyBeforeAnyKeyLookUp() {
        KeyResolver publicKeysOnly = new KeyResolver() {
            @Override
            public java.util.concurrent.CompletionStage<? extends Key> resolve(io.github.socketiojwt.KeyRequest r) {
                throw new AssertionError("never called");
            }

            @Override
            public java.util.Set<String> acceptedAlgorithms() {
                return java.util.Set.of("RS256", "ES256");
            }
        };
        assertRefusedOnDecode("invalid algorithm", ErrorCode.INVALID_ALGORITHM,
                JwtAuthOptions.handshake().keyResolver(publicKeysOnly).clock(CLOCK), hs256("{\"sub\":\"x\"}"));
    }
}
