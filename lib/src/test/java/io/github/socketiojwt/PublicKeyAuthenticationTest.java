package io.github.socketiojwt;

import io.github.socketiojwt.testing.JavaClient;
import io.github.socketiojwt.testing.TestKeys;
import io.github.socketiojwt.testing.TestServer;
import io.github.socketiojwt.testing.TestTokens;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.SignatureAlgorithm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPublicKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Public-key verification end to end: a key loaded by {@link PublicKeys}, a real server, the Java Socket.IO client,
 * every JWS algorithm the library verifies, and the algorithm attacks against public-key verifiers.
 */
class PublicKeyAuthenticationTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final KeyPair OTHER_RSA_2048 = rsa2048();

    /** One server per verifier, started on first use and shared by the tests that need it. */
    private static final Map<Verifier, TestServer> SERVERS = new ConcurrentHashMap<>();

    /** How the server on {@code /} is configured: which public key, loaded how, and which algorithms it allows. */
    private enum Verifier {
        RSA(TestKeys.RSA_2048, true),
        RSA_RS256_ONLY(TestKeys.RSA_2048, true, "RS256"),
        P_256(TestKeys.P_256, false),
        P_384(TestKeys.P_384, true),
        P_521(TestKeys.P_521, false),
        ED_25519(TestKeys.ED_25519, true);

        final KeyPair pair;
        final boolean fromPem;
        final String[] algorithms;

        Verifier(KeyPair pair, boolean fromPem, String... algorithms) {
            this.pair = pair;
            this.fromPem = fromPem;
            this.algorithms = algorithms;
        }

        PublicKey load() {
            return fromPem ? PublicKeys.fromPem(PublicKeysTest.pem("PUBLIC KEY", pair.getPublic().getEncoded()))
                    : PublicKeys.fromJwk(PublicKeysTest.jwk(pair.getPublic()));
        }

        TestServer server() {
            return SERVERS.computeIfAbsent(this, v -> TestServer.start(s -> {
                JwtAuthOptions.Builder options = JwtAuthOptions.handshake().secret(v.load());
                if (v.algorithms.length > 0) {
                    options.algorithms(v.algorithms);
                }
                SocketIoJwt.authorize(options.build()).install(s, "/");
            }));
        }
    }

    @AfterAll
    static void stopServers() {
        SERVERS.values().forEach(TestServer::close);
    }

    static Stream<Arguments> signatures() {
        return Stream.of(
                arguments(Jwts.SIG.RS256, Verifier.RSA),
                arguments(Jwts.SIG.RS384, Verifier.RSA),
                arguments(Jwts.SIG.RS512, Verifier.RSA),
                arguments(Jwts.SIG.PS256, Verifier.RSA),
                arguments(Jwts.SIG.PS384, Verifier.RSA),
                arguments(Jwts.SIG.PS512, Verifier.RSA),
                arguments(Jwts.SIG.ES256, Verifier.P_256),
                arguments(Jwts.SIG.ES384, Verifier.P_384),
                arguments(Jwts.SIG.ES512, Verifier.P_521),
                arguments(Jwts.SIG.EdDSA, Verifier.ED_25519));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("signatures")
    void tokenSignedWithThePrivateKeyConnectsAndCarriesItsClaims(SignatureAlgorithm algorithm, Verifier verifier) {
        String token = Jwts.builder().subject("x").signWith(verifier.pair.getPrivate(), algorithm).compact();

        try (JavaClient client = JavaClient.connect(verifier.server().url(), "/", Map.of("token", token), null,
                null)) {
            client.awaitOrFail("connect", WAIT);
            client.emitWithAck("whoami", Map.of());
            assertEquals(Map.of("sub", "x"), client.awaitOrFail("ack:whoami", WAIT).arg(0));
        }
    }

    static Stream<Arguments> attacks() {
        return Stream.of(
                attack("HS256 MAC'd with the RSA public key's DER (CVE-2015-9235, CVE-2022-23541)", Verifier.RSA,
                        () -> hs256(TestKeys.RSA_2048.getPublic().getEncoded()), "invalid algorithm"),
                attack("HS256 MAC'd with the RSA public key's PEM text", Verifier.RSA,
                        () -> hs256(PublicKeysTest.pem("PUBLIC KEY", TestKeys.RSA_2048.getPublic().getEncoded())
                                .getBytes(StandardCharsets.US_ASCII)), "invalid algorithm"),
                attack("HS256 MAC'd with the P-256 public key's DER", Verifier.P_256,
                        () -> hs256(TestKeys.P_256.getPublic().getEncoded()), "invalid algorithm"),
                attack("HS256 MAC'd with the Ed25519 public key's DER", Verifier.ED_25519,
                        () -> hs256(TestKeys.ED_25519.getPublic().getEncoded()), "invalid algorithm"),
                attack("ES256 token for a P-384 key", Verifier.P_384,
                        () -> signed(TestKeys.P_256, Jwts.SIG.ES256), "invalid algorithm"),
                attack("ES384 token for a P-256 key", Verifier.P_256,
                        () -> signed(TestKeys.P_384, Jwts.SIG.ES384), "invalid algorithm"),
                attack("RS256 token for an EC key", Verifier.P_256,
                        () -> signed(TestKeys.RSA_2048, Jwts.SIG.RS256), "invalid algorithm"),
                attack("PS256 token when only RS256 is allowed", Verifier.RSA_RS256_ONLY,
                        () -> signed(TestKeys.RSA_2048, Jwts.SIG.PS256), "invalid algorithm"),
                attack("ES256 signature of 64 zero bytes (CVE-2022-21449)", Verifier.P_256,
                        () -> zeroSignature(signed(TestKeys.P_256, Jwts.SIG.ES256), 64), "invalid signature"),
                attack("ES384 signature of 96 zero bytes (CVE-2022-21449)", Verifier.P_384,
                        () -> zeroSignature(signed(TestKeys.P_384, Jwts.SIG.ES384), 96), "invalid signature"),
                attack("ES512 signature of 132 zero bytes (CVE-2022-21449)", Verifier.P_521,
                        () -> zeroSignature(signed(TestKeys.P_521, Jwts.SIG.ES512), 132), "invalid signature"),
                attack("RS256 token signed by another RSA key", Verifier.RSA,
                        () -> signed(OTHER_RSA_2048, Jwts.SIG.RS256), "invalid signature"),
                attack("EdDSA token signed by another Ed25519 key", Verifier.ED_25519,
                        () -> signed(ed25519(), Jwts.SIG.EdDSA), "invalid signature"),
                attack("alg none with an empty signature", Verifier.RSA,
                        () -> TestTokens.UNSIGNED, "jwt signature is required"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void publicKeyVerifierRefusesTheAlgorithmAttacks(String attack, Verifier verifier, Supplier<String> token,
            String message) {
        try (JavaClient client = JavaClient.connect(verifier.server().url(), "/", Map.of("token", token.get()), null,
                null)) {
            HandshakeModeTest.assertConnectError(client.awaitOrFail("connect_error", WAIT), message, "invalid_token");
            assertFalse(client.has("connect"));
        }
    }

    /**
     * RFC 7518 §3.4 defines ES256 on P-256 only, and the README promises ES256/384/512 "by curve". A public key on
     * secp256k1 (or brainpoolP256r1, brainpoolP384r1), which the JDK decodes, has the field size of P-256 (P-384):
     * it must be refused when the options are built, not accepted and then fail every token with "invalid
     * signature".
     */
    @Test
    void publicKeyOnACurveOtherThanP256P384P521IsRefusedWhenTheOptionsAreBuilt() throws GeneralSecurityException {
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec("secp256k1"));
        ECParameterSpec secp256k1 = parameters.getParameterSpec(ECParameterSpec.class);
        PublicKey key = KeyFactory.getInstance("EC").generatePublic(
                new ECPublicKeySpec(secp256k1.getGenerator(), secp256k1));

        assertThrows(IllegalArgumentException.class, () -> JwtAuthOptions.handshake().secret(key).build());
    }

    private static Arguments attack(String name, Verifier verifier, Supplier<String> token, String message) {
        return arguments(name, verifier, token, message);
    }

    private static String signed(KeyPair pair, SignatureAlgorithm algorithm) {
        return Jwts.builder().subject("x").signWith(pair.getPrivate(), algorithm).compact();
    }

    /** Keeps header and payload, replaces the signature with zeros: r = 0, s = 0. */
    private static String zeroSignature(String token, int length) {
        return token.substring(0, token.lastIndexOf('.') + 1)
                + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[length]);
    }

    /** An HS256 token MAC'd with whatever bytes an attacker knows, as jsonwebtoken before 4.2.2 would accept. */
    private static String hs256(byte[] key) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
                + "." + b64.encodeToString("{\"sub\":\"admin\"}".getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return input + "." + b64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair rsa2048() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
