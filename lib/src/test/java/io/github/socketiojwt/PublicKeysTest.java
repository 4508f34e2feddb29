package io.github.socketiojwt;

import com.google.gson.JsonParser;
import io.github.socketiojwt.internal.KeyAlgorithms;
import io.github.socketiojwt.testing.TestKeys;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PublicJwk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Loading verification keys from PEM text, PEM files and JWKs, and refusing everything else. */
class PublicKeysTest {

    private static final String NOT_PEM = "pem: not a PEM public key (expected: a -----BEGIN PUBLIC KEY----- block,"
            + " or an RSA PUBLIC KEY or CERTIFICATE block)";
    private static final String PRIVATE_PEM = "pem: a private key (expected: a public key or a certificate; the"
            + " private key stays with whoever signs the tokens)";
    private static final String RSA_1024 = "secret: an RSA key of 1024 bits (expected: at least 2048 bits,"
            + " RFC 7518 §3.3)";

    static Stream<Arguments> publicKeys() throws GeneralSecurityException {
        return Stream.of(
                arguments("RSA-2048", TestKeys.RSA_2048.getPublic()),
                arguments("P-256", TestKeys.P_256.getPublic()),
                arguments("P-384", TestKeys.P_384.getPublic()),
                arguments("P-521", TestKeys.P_521.getPublic()),
                arguments("Ed25519", TestKeys.ED_25519.getPublic()),
                arguments("Ed448", KeyPairGenerator.getInstance("Ed448").generateKeyPair().getPublic()));
    }

    // ---- PEM

    @ParameterizedTest(name = "{0}")
    @MethodSource("publicKeys")
    void fromPemReadsTheSubjectPublicKeyInfoThatGetEncodedWrites(String name, PublicKey key) {
        PublicKey loaded = PublicKeys.fromPem(pem("PUBLIC KEY", key.getEncoded()));

        assertArrayEquals(key.getEncoded(), loaded.getEncoded());
        assertEquals(key.getAlgorithm(), loaded.getAlgorithm());
        assertEquals(key, loaded);
    }

    @Test
    void fromPemReadsAPkcs1RsaPublicKey() {
        RSAPublicKey key = (RSAPublicKey) TestKeys.RSA_2048.getPublic();
        byte[] pkcs1 = der(0x30, der(0x02, key.getModulus().toByteArray()),
                der(0x02, key.getPublicExponent().toByteArray()));

        PublicKey loaded = PublicKeys.fromPem(pem("RSA PUBLIC KEY", pkcs1));

        assertEquals(key, loaded);
    }

    @ParameterizedTest
    @CsvSource({"RSA, -keysize 2048", "EC, -groupname secp256r1", "Ed25519, ''"})
    void fromPemTakesTheKeyOfACertificateThatKeytoolWrote(String keyAlgorithm, String sizeOption,
            @TempDir Path dir) throws Exception {
        Certificate certificate = selfSigned(dir, keyAlgorithm, sizeOption);

        PublicKey loaded = PublicKeys.fromPem(pem("CERTIFICATE", certificate.getEncoded()));

        assertArrayEquals(certificate.getPublicKey().getEncoded(), loaded.getEncoded());
        certificate.verify(loaded);
    }

    @Test
    void fromPemReadsAFileWithCrlfLineBreaksAndTextAroundTheBlock(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("jwt-public.pem");
        String text = "Public key of the token issuer\r\n"
                + pem("PUBLIC KEY", TestKeys.P_384.getPublic().getEncoded()).replace("\n", "\r\n") + "\r\n";
        Files.writeString(file, text, StandardCharsets.US_ASCII);

        assertEquals(TestKeys.P_384.getPublic(), PublicKeys.fromPem(file));
    }

    @Test
    void fromPemReadsEscapedLineBreaksAsAnEnvironmentVariableHoldsThem() {
        String oneLine = pem("PUBLIC KEY", TestKeys.ED_25519.getPublic().getEncoded()).replace("\n", "\\n");

        assertEquals(TestKeys.ED_25519.getPublic(), PublicKeys.fromPem(oneLine));
    }

    @Test
    void fromPemWhenTheFileIsMissingThenNamesThePathAndTheCauseClass(@TempDir Path dir) {
        Path missing = dir.resolve("missing.pem");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PublicKeys.fromPem(missing));

        assertEquals("file " + missing + ": unreadable (NoSuchFileException; expected: a readable PEM file)",
                e.getMessage());
        assertEquals("NoSuchFileException", e.getCause().getClass().getSimpleName());
    }

    @Test
    void fromPemWhenThePathIsADirectoryThenNamesThePath(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PublicKeys.fromPem(dir));

        assertTrue(e.getMessage().startsWith("file " + dir + ": unreadable ("), e.getMessage());
    }

    @Test
    void fromPemWhenTheFileIsDerThenSaysItIsNotPem(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("key.der"), TestKeys.RSA_2048.getPublic().getEncoded());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PublicKeys.fromPem(file));

        assertEquals(NOT_PEM.replace("pem:", "file " + file + ":"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY",
            "OPENSSH PRIVATE KEY"})
    void fromPemRefusesAPrivateKeyWithoutEchoingIt(String label) {
        String body = base64(TestKeys.RSA_2048.getPrivate().getEncoded());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PublicKeys.fromPem(pem(label, TestKeys.RSA_2048.getPrivate().getEncoded())));

        assertEquals(PRIVATE_PEM, e.getMessage());
        assertNoKeyMaterial(e, body);
    }

    @Test
    void fromPemRefusesAFileWithAPublicAndAPrivateKeyNamingTheFileButNotTheKey(@TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("issuer.pem");
        Files.writeString(file, pem("PUBLIC KEY", TestKeys.P_256.getPublic().getEncoded())
                + pem("EC PRIVATE KEY", TestKeys.P_256.getPrivate().getEncoded()));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PublicKeys.fromPem(file));

        assertEquals(PRIVATE_PEM.replace("pem:", "file " + file + ":"), e.getMessage());
        assertNoKeyMaterial(e, base64(TestKeys.P_256.getPrivate().getEncoded()));
    }

    @Test
    void fromPemRefusesAnRsaKeyShorterThan2048BitsWithKeyAlgorithmsMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PublicKeys.fromPem(pem("PUBLIC KEY", TestKeys.RSA_1024.getPublic().getEncoded())));

        assertEquals(RSA_1024, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"DSA", "X25519"})
    void fromPemRefusesKeysThatCannotSignWithKeyAlgorithmsMessage(String algorithm) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        String jdkName = algorithm.equals("X25519") ? "XDH" : algorithm;

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PublicKeys.fromPem(pem("PUBLIC KEY", generator.generateKeyPair().getPublic().getEncoded())));

        assertEquals("secret: an unsupported " + jdkName + " key (expected: an HMAC SecretKey, or an RSA, EC"
                + " P-256/P-384/P-521 or EdDSA public key)", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"secp256k1", "brainpoolP256r1", "brainpoolP384r1"})
    void fromPemRefusesAnEcKeyOnACurveWithTheFieldSizeOfAJwsCurve(String curve) throws Exception {
        PublicKey key = ecKeyAtTheGenerator(curve);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PublicKeys.fromPem(pem("PUBLIC KEY", key.getEncoded())));

        assertEquals("pem: an EC key on a curve other than P-256, P-384 or P-521 (expected: one of those, RFC 7518"
                + " §3.4)", e.getMessage());
    }

    @Test
    void fromPemRefusesAnEcPointThatIsNotOnItsCurve() {
        byte[] encoded = TestKeys.P_256.getPublic().getEncoded();
        encoded[encoded.length - 1] ^= 1; // the last byte of y

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PublicKeys.fromPem(pem("PUBLIC KEY", encoded)));

        assertEquals("pem: an EC key whose point is not on its curve (expected: a valid P-256, P-384 or P-521 public"
                + " key)", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   \n", "hello", "{\"kty\":\"EC\"}", "-----END PUBLIC KEY-----",
            "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"})
    void fromPemRefusesTextWithoutAPemBlock(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PublicKeys.fromPem(text));

        assertEquals(NOT_PEM, e.getMessage());
    }

    @Test
    void fromPemRefusesTwoBlocksEvenOfTheSameKey() {
        String one = pem("PUBLIC KEY", TestKeys.P_256.getPublic().getEncoded());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PublicKeys.fromPem(one + one));

        assertEquals("pem: 2 PEM blocks (expected: exactly one public key or certificate)", e.getMessage());
    }

    static Stream<Arguments> brokenBlocks() {
        byte[] spki = TestKeys.RSA_2048.getPublic().getEncoded();
        String good = pem("PUBLIC KEY", spki);
        return Stream.of(
                arguments(pem("CERTIFICATE REQUEST", spki),
                        "pem: a PEM block labelled CERTIFICATE REQUEST (expected: PUBLIC KEY, RSA PUBLIC KEY or"
                                + " CERTIFICATE)"),
                arguments(pem("public key", spki),
                        "pem: a PEM block with an unknown label (expected: PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE)"),
                arguments(good.substring(0, good.indexOf("-----END")),
                        "pem: the PUBLIC KEY block has no -----END PUBLIC KEY----- line"),
                arguments(good.replace("-----END PUBLIC KEY-----", "-----END CERTIFICATE-----"),
                        "pem: the PUBLIC KEY block has no -----END PUBLIC KEY----- line"),
                arguments(good.replace("MII", "MI*"), "pem: the PUBLIC KEY block is not valid base64"),
                arguments(good.replace("-----\n", "-----\nProc-Type: 4,ENCRYPTED\n\n"),
                        "pem: the PUBLIC KEY block is not valid base64"),
                arguments("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n",
                        "pem: the PUBLIC KEY block is empty"),
                arguments(pem("PUBLIC KEY", "not DER at all".getBytes(StandardCharsets.US_ASCII)),
                        "pem: the PUBLIC KEY block is not an X.509 SubjectPublicKeyInfo"),
                arguments(pem("PUBLIC KEY", TestKeys.RSA_2048.getPrivate().getEncoded()),
                        "pem: the PUBLIC KEY block is not an X.509 SubjectPublicKeyInfo"),
                arguments(pem("PUBLIC KEY", withAlgorithmOid(spki, "2a864886f70d01010a")),
                        "pem: a public key of an unsupported type (expected: RSA, EC P-256/P-384/P-521 or EdDSA)"),
                arguments(pem("PUBLIC KEY", der(0x30, der(0x30, der(0x06, hex("2a864886f70d010101")),
                        new byte[] {5, 0}), der(0x03, new byte[] {0, 1, 2, 3}))),
                        "pem: the PUBLIC KEY block is not a valid RSA public key (InvalidKeySpecException)"),
                arguments(pem("RSA PUBLIC KEY", spki),
                        "pem: the RSA PUBLIC KEY block is not a PKCS#1 RSAPublicKey"),
                arguments(pem("CERTIFICATE", spki),
                        "pem: the CERTIFICATE block is not an X.509 certificate (CertificateException)"));
    }

    @ParameterizedTest
    @MethodSource("brokenBlocks")
    void fromPemExplainsWhatIsWrongWithABlockWithoutQuotingIt(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PublicKeys.fromPem(text));

        assertEquals(message, e.getMessage());
        assertNoKeyMaterial(e, base64(TestKeys.RSA_2048.getPublic().getEncoded()).substring(0, 40));
    }

    @Test
    void fromPemRefusesNull() {
        assertEquals("pem", assertThrows(NullPointerException.class, () -> PublicKeys.fromPem((String) null))
                .getMessage());
        assertEquals("file", assertThrows(NullPointerException.class, () -> PublicKeys.fromPem((Path) null))
                .getMessage());
    }

    // ---- JWK

    @ParameterizedTest(name = "{0}")
    @MethodSource("publicKeys")
    void fromJwkReadsThePublicJwkThatJjwtWrites(String name, PublicKey key) {
        String json = Jwks.json((PublicJwk<?>) Jwks.builder().key(key).build());

        PublicKey loaded = PublicKeys.fromJwk(json);

        assertArrayEquals(key.getEncoded(), loaded.getEncoded());
    }

    @Test
    void fromJwkAcceptsSigUseVerifyOperationAndAMatchingAlg() {
        String json = withMembers(jwk(TestKeys.RSA_2048.getPublic()),
                "\"use\":\"sig\",\"key_ops\":[\"verify\"],\"alg\":\"PS256\",\"kid\":\"2024-01\"");

        assertEquals(TestKeys.RSA_2048.getPublic(), PublicKeys.fromJwk(json));
    }

    @ParameterizedTest
    @ValueSource(strings = {"EdDSA", "Ed25519"})
    void fromJwkAcceptsAnEd25519JwkWhoseAlgIsEdDsaOrTheRfc9864Name(String alg) {
        String json = withMembers(jwk(TestKeys.ED_25519.getPublic()), "\"alg\":\"" + alg + "\"");

        assertEquals(TestKeys.ED_25519.getPublic(), PublicKeys.fromJwk(json));
    }

    @Test
    void fromJwkRefusesAPrivateRsaJwkWithoutEchoingIt() {
        String json = Jwks.UNSAFE_JSON(Jwks.builder().key((RSAPrivateKey)
                TestKeys.RSA_2048.getPrivate()).build());
        String d = JsonParser.parseString(json).getAsJsonObject().get("d").getAsString();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PublicKeys.fromJwk(json));

        assertEquals("jwk: a private JWK (expected: a public JWK, without \"d\"; the private key stays with whoever"
                + " signs the tokens)", e.getMessage());
        assertNoKeyMaterial(e, d.substring(0, 40));
    }

    @Test
    void fromJwkRefusesAPrivateEcJwkEvenWhenItIsMalformed() {
        String d = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ((ECPrivateKey) TestKeys.P_256.getPrivate()).getS().toByteArray());
        String json = withMembers(jwk(TestKeys.P_256.getPublic()), "\"d\":\"" + d + "\",\"x\":\"broken\"");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PublicKeys.fromJwk(json));

        assertTrue(e.getMessage().startsWith("jwk: a private JWK"), e.getMessage());
        assertNoKeyMaterial(e, d);
    }

    @Test
    void fromJwkRefusesASymmetricOctJwkWithoutEchoingIt() {
        String k = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PublicKeys.fromJwk("{\"kty\":\"oct\",\"k\":\"" + k + "\",\"alg\":\"HS256\"}"));

        assertEquals("jwk: a symmetric \"oct\" JWK (expected: an RSA, EC or OKP public JWK; give an HMAC secret to"
                + " JwtAuthOptions.Builder.secret(byte[]))", e.getMessage());
        assertNoKeyMaterial(e, k);
    }

    static Stream<Arguments> refusedJwks() throws GeneralSecurityException {
        String rsa = jwk(TestKeys.RSA_2048.getPublic());
        return Stream.of(
                arguments(withMembers(rsa, "\"use\":\"enc\""), "jwk: use is not \"sig\" (expected: \"sig\", or no"
                        + " use; an \"enc\" key never verifies signatures)"),
                arguments(withMembers(rsa, "\"key_ops\":[\"encrypt\"]"),
                        "jwk: key_ops without \"verify\" (expected: \"verify\", or no key_ops)"),
                arguments(withMembers(rsa, "\"alg\":\"RSA-OAEP-256\""), "jwk: an alg this key cannot verify"
                        + " (expected: one of [RS256, RS384, RS512, PS256, PS384, PS512], or no alg)"),
                arguments(withMembers(jwk(TestKeys.P_384.getPublic()), "\"alg\":\"ES256\""), "jwk: an alg this key"
                        + " cannot verify (expected: one of [ES384], or no alg)"),
                arguments(withMembers(jwk(TestKeys.ED_25519.getPublic()), "\"alg\":\"Ed448\""), "jwk: an alg this"
                        + " key cannot verify (expected: one of [EdDSA], or no alg)"),
                arguments(jwk(TestKeys.RSA_1024.getPublic()), RSA_1024),
                arguments(jwk(KeyPairGenerator.getInstance("X25519").generateKeyPair().getPublic()),
                        "secret: an unsupported XDH key (expected: an HMAC SecretKey, or an RSA, EC P-256/P-384/P-521"
                                + " or EdDSA public key)"),
                arguments("{\"keys\":[" + rsa + "]}", "jwk: a JWK Set (expected: one JWK, such as the element of"
                        + " \"keys\" whose \"kid\" your tokens name)"),
                arguments(jwk(TestKeys.P_256.getPublic()).replaceFirst("\"x\":\"[^\"]*\"",
                        "\"x\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\""),
                        "jwk: not a valid public JWK (InvalidKeyException)"),
                arguments(jwk(TestKeys.P_256.getPublic()).replace("P-256", "secp256k1"),
                        "jwk: not a valid public JWK (UnsupportedKeyException)"),
                arguments("{\"kty\":\"RSA\",\"e\":\"AQAB\"}", "jwk: not a valid public JWK (MalformedKeyException)"),
                arguments("{\"n\":\"AQAB\"}", "jwk: not a valid public JWK (MalformedKeyException)"),
                arguments("", "jwk: not a JSON object (expected: one public JWK, RFC 7517)"),
                arguments("hello", "jwk: not a JSON object (expected: one public JWK, RFC 7517)"),
                arguments("[" + rsa + "]", "jwk: not a JSON object (expected: one public JWK, RFC 7517)"),
                arguments("{\"kty\":", "jwk: not a JSON object (expected: one public JWK, RFC 7517)"),
                arguments(pem("PUBLIC KEY", TestKeys.P_256.getPublic().getEncoded()),
                        "jwk: not a JSON object (expected: one public JWK, RFC 7517)"));
    }

    @ParameterizedTest
    @MethodSource("refusedJwks")
    void fromJwkRefusesWhatCannotVerifySignaturesSayingWhatWasExpected(String json, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PublicKeys.fromJwk(json));

        assertEquals(message, e.getMessage());
    }

    @Test
    void fromJwkRefusesNull() {
        assertEquals("json", assertThrows(NullPointerException.class, () -> PublicKeys.fromJwk(null)).getMessage());
    }

    // ---- every key that loads is one JwtAuthOptions accepts

    @ParameterizedTest(name = "{0}")
    @MethodSource("publicKeys")
    void everyLoadedKeyBuildsOptionsThatVerifyTheAlgorithmsOfTheKey(String name, PublicKey key) {
        for (Function<PublicKey, PublicKey> load : List.<Function<PublicKey, PublicKey>>of(
                k -> PublicKeys.fromPem(pem("PUBLIC KEY", k.getEncoded())), k -> PublicKeys.fromJwk(jwk(k)))) {
            JwtAuthOptions options = JwtAuthOptions.handshake().secret(load.apply(key)).build();
            assertFalse(KeyAlgorithms.algorithmsFor(options.key(), false).isEmpty());
        }
    }

    // ---- helpers

    /** PEM as openssl writes it: 64 characters a line. */
    static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + base64(der) + "\n-----END " + label + "-----\n";
    }

    static String jwk(PublicKey key) {
        return Jwks.json((PublicJwk<?>) Jwks.builder().key(key).build());
    }

    private static String base64(byte[] der) {
        return Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    }

    private static String withMembers(String json, String members) {
        return "{" + members + "," + json.substring(1);
    }

    /** Checks the message, the cause's and the suppressed ones for any line of the encoded key. */
    private static void assertNoKeyMaterial(Throwable e, String base64) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            for (String line : base64.split("\n")) {
                assertFalse(message.contains(line.length() > 24 ? line.substring(0, 24) : line),
                        "key material in: " + message);
            }
        }
    }

    /** DER tag-length-value, for PKCS#1 and SubjectPublicKeyInfo surgery. */
    private static byte[] der(int tag, byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            content.writeBytes(part);
        }
        int length = content.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length & 0xff);
        }
        out.writeBytes(content.toByteArray());
        return out.toByteArray();
    }

    /** An RSA SubjectPublicKeyInfo with another algorithm OID (for example RSASSA-PSS) in front of the same key. */
    private static byte[] withAlgorithmOid(byte[] rsaSpki, String oidHex) {
        byte[] key = Arrays.copyOfRange(rsaSpki, 4 + 15, rsaSpki.length); // the BIT STRING after SEQUENCE{OID, NULL}
        return der(0x30, der(0x30, der(0x06, hex(oidHex)), new byte[] {0x05, 0x00}), key);
    }

    private static byte[] hex(String hex) {
        return new BigInteger(hex, 16).toByteArray();
    }

    /** A key on a curve the JDK decodes but JWS does not use, with the curve's generator as its point. */
    private static PublicKey ecKeyAtTheGenerator(String curve) throws GeneralSecurityException {
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec(curve));
        ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
        ECPoint generator = spec.getGenerator();
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(generator, spec));
    }

    /** A self-signed certificate made by the JDK's keytool, read back from its PKCS#12 keystore. */
    private static Certificate selfSigned(Path dir, String keyAlgorithm, String sizeOption) throws Exception {
        Path keystore = dir.resolve("issuer.p12");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-alias", "issuer", "-dname", "CN=issuer", "-validity", "1", "-keyalg", keyAlgorithm));
        if (!sizeOption.isBlank()) {
            command.addAll(List.of(sizeOption.split(" ")));
        }
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(keytool.waitFor(30, TimeUnit.SECONDS), "keytool timed out");
        assertEquals(0, keytool.exitValue(), output);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keystore.toFile())) {
            store.load(in, "changeit".toCharArray());
        }
        return store.getCertificate("issuer");
    }
}
