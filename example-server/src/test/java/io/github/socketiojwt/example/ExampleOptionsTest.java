package io.github.socketiojwt.example;

import io.github.socketiojwt.AuthMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExampleOptionsTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final String OTHER_SECRET = "fedcba9876543210fedcba9876543210";

    @Test
    void defaults() {
        ExampleOptions options = ExampleOptions.parse(new String[0], Map.of());
        assertEquals(9000, options.port());
        assertEquals("127.0.0.1", options.host());
        assertEquals(AuthMode.HANDSHAKE, options.mode());
        assertTrue(options.secret().isEmpty());
        assertEquals(Duration.ofMillis(5000), options.timeout());
        assertEquals(Duration.ofSeconds(3600), options.tokenTtl());
        assertTrue(options.users().isEmpty());
        assertTrue(options.channels().isEmpty());
        assertFalse(options.help());
    }

    @Test
    void everyOptionInBothSpellings() {
        ExampleOptions options = ExampleOptions.parse(new String[] {"--port", "9100", "--host=0.0.0.0",
            "--mode", "authenticate", "--secret=" + SECRET, "--timeout-ms", "250", "--token-ttl-s=60",
            "--user", "alice:wonder:land:", "--user=bob:builder"}, Map.of());
        assertEquals(9100, options.port());
        assertEquals("0.0.0.0", options.host());
        assertEquals(AuthMode.AUTHENTICATE, options.mode());
        assertArrayEquals(SECRET.getBytes(StandardCharsets.UTF_8), options.secret().orElseThrow());
        assertEquals(Duration.ofMillis(250), options.timeout());
        assertEquals(Duration.ofSeconds(60), options.tokenTtl());
        assertEquals(List.of("alice", "bob"), List.copyOf(options.users().keySet()));
        assertEquals("wonder:land", options.users().get("alice"),
                "the password runs from the first ':' to the last, before an (empty) channel list");
    }

    @Test
    void aUserMayBeGivenChannelsAfterTheLastColon() {
        ExampleOptions options = ExampleOptions.parse(new String[] {"--user", "alice:wonderland:general,news",
            "--user", "bob:the builder", "--user", "carol:pass:word:", "--user", "dave:x:" + "c".repeat(32),
            "--user", "erin:My-pass_1:A-1,b_2,3c"}, Map.of());
        assertEquals(Map.of("alice", "wonderland", "bob", "the builder", "carol", "pass:word", "dave", "x",
                "erin", "My-pass_1"), options.users());
        assertEquals(List.of("general", "news"), options.channels().get("alice"));
        assertEquals(List.of(), options.channels().get("bob"), "NAME:PASSWORD: no channels, as before");
        assertEquals(List.of(), options.channels().get("carol"), "an empty list after a password with ':'");
        assertEquals(List.of("c".repeat(32)), options.channels().get("dave"), "32 characters are enough");
        assertEquals(List.of("A-1", "b_2", "3c"), options.channels().get("erin"));
        assertEquals(List.copyOf(options.users().keySet()), List.copyOf(options.channels().keySet()),
                "the same accounts, in the same order");
        assertThrows(UnsupportedOperationException.class, () -> options.channels().put("mallory", List.of("x")));
        assertThrows(UnsupportedOperationException.class, () -> options.channels().get("alice").add("x"));
    }

    @Test
    void aBadChannelListNeverEchoesThePassword() {
        ExampleOptions.UsageException e = assertThrows(ExampleOptions.UsageException.class,
                () -> ExampleOptions.parse(new String[] {"--user", "alice:my:secret pass"}, Map.of()));
        assertEquals("--user 'alice': channel 1 of 1 is not a channel name (expected: 1 to 32 letters, digits, '-'"
                + " or '_', starting with a letter or digit); a password that contains ':' needs a channel list,"
                + " even empty: NAME:PASS:WORD:", e.getMessage());
        assertFalse(e.getMessage().contains("secret") || e.getMessage().contains("my"), e.getMessage());
    }

    @Test
    void environmentIsTheFallbackAndFlagsWin() {
        Map<String, String> env = Map.of("PORT", "9200", "JWT_SECRET", SECRET);
        ExampleOptions fromEnv = ExampleOptions.parse(new String[0], env);
        assertEquals(9200, fromEnv.port());
        assertArrayEquals(SECRET.getBytes(StandardCharsets.UTF_8), fromEnv.secret().orElseThrow());

        ExampleOptions fromFlags = ExampleOptions.parse(new String[] {"--port", "9300", "--secret", OTHER_SECRET},
                env);
        assertEquals(9300, fromFlags.port());
        assertArrayEquals(OTHER_SECRET.getBytes(StandardCharsets.UTF_8), fromFlags.secret().orElseThrow());

        assertTrue(ExampleOptions.parse(new String[0], Map.of("JWT_SECRET", "")).secret().isEmpty(),
                "an empty JWT_SECRET counts as unset");
    }

    static Stream<Arguments> badCommandLines() {
        return Stream.of(
                Arguments.of(List.of("--port", "abc"), "--port"),
                Arguments.of(List.of("--port", "0"), "--port"),
                Arguments.of(List.of("--port=70000"), "--port"),
                Arguments.of(List.of("--port"), "--port: missing value"),
                Arguments.of(List.of("--port", "--mode", "handshake"), "--port: missing value"),
                Arguments.of(List.of("--host", " "), "--host"),
                Arguments.of(List.of("--mode", "basic"), "--mode"),
                Arguments.of(List.of("--timeout-ms", "-5"), "--timeout-ms"),
                Arguments.of(List.of("--token-ttl-s", "1h"), "--token-ttl-s"),
                Arguments.of(List.of("--user", "alice"), "--user"),
                Arguments.of(List.of("--user", ":pw"), "--user"),
                Arguments.of(List.of("--user", "alice:"), "--user 'alice'"),
                Arguments.of(List.of("--user", "alice:a", "--user", "alice:b"), "--user 'alice'"),
                Arguments.of(List.of("--user", "alice::general"), "--user 'alice': empty password"),
                Arguments.of(List.of("--user", "alice:pw:general,"), "--user 'alice': channel 2 of 2"),
                Arguments.of(List.of("--user", "alice:pw:,general"), "--user 'alice': channel 1 of 2"),
                Arguments.of(List.of("--user", "alice:pw:a,,b"), "--user 'alice': channel 2 of 3"),
                Arguments.of(List.of("--user", "alice:pw:news,news"), "is given twice"),
                Arguments.of(List.of("--user", "alice:pw:-news"), "is not a channel name"),
                Arguments.of(List.of("--user", "alice:pw:caf\u00e9"), "is not a channel name"),
                Arguments.of(List.of("--user", "alice:pw:" + "c".repeat(33)), "is not a channel name"),
                Arguments.of(List.of("--user", "alice:pw:a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q"), "17 channels"),
                Arguments.of(List.of("--bogus"), "--bogus"),
                Arguments.of(List.of("--bogus=1"), "--bogus"),
                Arguments.of(List.of("stray"), "argument #1"),
                Arguments.of(List.of("--public-key-file", "/nonexistent/key.pem"), "--public-key-file"),
                Arguments.of(List.of("--jwks-uri", "file:///etc/jwks.json"), "--jwks-uri: not an http(s) URL"),
                Arguments.of(List.of("--jwks-uri", "ftp://issuer/jwks"), "--jwks-uri"),
                Arguments.of(List.of("--leeway-s", "ten"), "--leeway-s"),
                Arguments.of(List.of("--issuer", " "), "--issuer"),
                Arguments.of(List.of("--audience", ""), "--audience"));
    }

    @ParameterizedTest
    @MethodSource("badCommandLines")
    void badOptionExitsTwoWithOneLineNamingIt(List<String> args, String named) {
        ExampleOptions.UsageException e = assertThrows(ExampleOptions.UsageException.class,
                () -> ExampleOptions.parse(args.toArray(new String[0]), Map.of()));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains(named), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void badEnvironmentValueNamesTheVariable() {
        ExampleOptions.UsageException e = assertThrows(ExampleOptions.UsageException.class,
                () -> ExampleOptions.parse(new String[0], Map.of("PORT", "nine")));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().startsWith("PORT: "), e.getMessage());
    }

    @Test
    void shortSecretIsRefusedWithoutEchoingIt() {
        String shortSecret = "tooshort-but-secret";
        ExampleOptions.UsageException flag = assertThrows(ExampleOptions.UsageException.class,
                () -> ExampleOptions.parse(new String[] {"--secret", shortSecret}, Map.of()));
        assertEquals(2, flag.exitCode());
        assertTrue(flag.getMessage().startsWith("--secret: 19 bytes"), flag.getMessage());
        assertTrue(flag.getMessage().contains("RFC 7518 §3.2"), flag.getMessage());
        assertFalse(flag.getMessage().contains(shortSecret));

        ExampleOptions.UsageException env = assertThrows(ExampleOptions.UsageException.class,
                () -> ExampleOptions.parse(new String[0], Map.of("JWT_SECRET", shortSecret)));
        assertTrue(env.getMessage().startsWith("JWT_SECRET: "), env.getMessage());
        assertFalse(env.getMessage().contains(shortSecret));
    }

    @Test
    void thirtyTwoBytesAreEnoughCountedInUtf8() {
        String sixteenTwoByteChars = "éééééééééééééééé";
        assertEquals(32, ExampleOptions.parse(new String[] {"--secret", sixteenTwoByteChars}, Map.of())
                .secret().orElseThrow().length);
    }

    @Test
    void helpWinsAndListsEveryOption() {
        ExampleOptions options = ExampleOptions.parse(new String[] {"--port", "bad", "--help"}, Map.of());
        assertTrue(options.help());
        for (String option : List.of("--port", "--host", "--mode", "--secret", "--timeout-ms", "--token-ttl-s",
                "--user", "--help", "PORT", "JWT_SECRET", "--public-key-file", "--jwks-uri", "--issuer", "--audience",
                "--leeway-s", "NAME:PASS[:CHANNELS]", "'channels' claim")) {
            assertTrue(ExampleOptions.usage().contains(option), option);
        }
    }

    private static java.security.PublicKey ecKey() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair().getPublic();
    }

    private static java.nio.file.Path pemFile(java.security.PublicKey key) throws Exception {
        java.nio.file.Path pem = java.nio.file.Files.createTempFile("key", ".pem");
        java.nio.file.Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        return pem;
    }

    @Test
    void readsVerificationOptions() throws Exception {
        java.security.PublicKey key = ecKey();
        java.nio.file.Path pem = pemFile(key);
        ExampleOptions options = ExampleOptions.parse(new String[] {"--public-key-file", pem.toString(),
            "--issuer", "https://issuer", "--audience", "api", "--audience", "web", "--leeway-s", "30"}, Map.of());
        assertEquals(key, options.verification().publicKey());
        assertEquals("https://issuer", options.verification().issuer());
        assertEquals(List.of("api", "web"), options.verification().audiences());
        assertEquals(java.time.Duration.ofSeconds(30), options.verification().leeway());
        assertEquals(java.net.URI.create("https://issuer/jwks"), ExampleOptions.parse(new String[] {"--jwks-uri",
            "https://issuer/jwks"}, Map.of()).verification().jwksUri());
    }

    @Test
    void issuerIsRepeatableLikeAudienceAndTheFirstIsTheOneIssuedTokensCarry() {
        ExampleOptions.Verification verification = ExampleOptions.parse(new String[] {"--issuer", "https://a",
            "--issuer=https://b", "--audience", "api"}, Map.of()).verification();
        assertEquals(List.of("https://a", "https://b"), verification.issuers());
        assertEquals("https://a", verification.issuer());
        ExampleOptions.Verification none = ExampleOptions.parse(new String[0], Map.of()).verification();
        assertEquals(List.of(), none.issuers());
        assertEquals(null, none.issuer());
        assertEquals(java.time.Duration.ZERO, none.leeway());
        assertThrows(UnsupportedOperationException.class, () -> verification.issuers().add("https://c"));
    }

    @Test
    void refusesBothKeyOptionsAndUnsupportedKeyFiles() throws Exception {
        java.nio.file.Path notAKey = java.nio.file.Files.createTempFile("not-a-key", ".pem");
        java.nio.file.Files.writeString(notAKey, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        ExampleOptions.UsageException privateKey = assertThrows(ExampleOptions.UsageException.class,
                () -> ExampleOptions.parse(new String[] {"--public-key-file", notAKey.toString()}, Map.of()));
        assertEquals(2, privateKey.exitCode());
        assertTrue(privateKey.getMessage().startsWith("--public-key-file: "), privateKey.getMessage());
        assertFalse(privateKey.getMessage().contains("AAAA"));
        java.nio.file.Path pem = pemFile(ecKey());
        ExampleOptions.UsageException both = assertThrows(ExampleOptions.UsageException.class,
                () -> ExampleOptions.parse(new String[] {"--public-key-file", pem.toString(), "--jwks-uri",
                    "https://issuer/jwks"}, Map.of()));
        assertEquals(2, both.exitCode());
        assertEquals("--public-key-file and --jwks-uri: both given (expected: at most one key option)",
                both.getMessage());
    }

    @Test
    void neverShowsSecretsAndCopiesTheSecret() {
        ExampleOptions options = ExampleOptions.parse(new String[] {"--secret", SECRET, "--user", "alice:hunter2"},
                Map.of());
        assertFalse(options.toString().contains(SECRET), options.toString());
        assertFalse(options.toString().contains("hunter2"), options.toString());
        byte[] copy = options.secret().orElseThrow();
        copy[0] = 'X';
        assertEquals('0', options.secret().orElseThrow()[0]);
        assertNotSame(options.secret().orElseThrow(), options.secret().orElseThrow());
        assertThrows(UnsupportedOperationException.class, () -> options.users().put("mallory", "x"));
    }
}
