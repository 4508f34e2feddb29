package io.github.socketiojwt;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.socketiojwt.internal.KeyAlgorithms;
import io.jsonwebtoken.security.AsymmetricJwk;
import io.jsonwebtoken.security.Jwk;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.KeyOperation;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads the public key that verifies tokens, from PEM text, a PEM file or a JWK, and refuses anything that could
 * not verify a token: private keys, symmetric JWKs, encryption keys, RSA keys under 2048 bits, curves other than
 * P-256, P-384 and P-521.
 *
 * <p>Every key returned is usable by {@link JwtAuthOptions.Builder#secret(Key)}, which then accepts exactly the
 * algorithms of that key ({@code RS*}/{@code PS*} for RSA, the {@code ES*} of the curve for EC, {@code EdDSA}).
 * A bad key fails here, at configuration time, with an {@link IllegalArgumentException} whose message says what was
 * expected and never contains the input.
 *
 * <pre>{@code
 * // The public half of the issuer's key, as `openssl pkey -in issuer.pem -pubout -out jwt-public.pem` writes it:
 * JwtAuthOptions fromFile = JwtAuthOptions.handshake()
 *         .secret(PublicKeys.fromPem(Path.of("/etc/myapp/jwt-public.pem")))
 *         .build();
 *
 * // One key of an identity provider's JWK Set (the entry whose "kid" its tokens name):
 * JwtAuthOptions fromJwk = JwtAuthOptions.handshake()
 *         .secret(PublicKeys.fromJwk("{\"kty\":\"EC\",\"crv\":\"P-256\","
 *                 + "\"x\":\"Q7H8jzTZhkJNSiTjzFGFK2OIW96Vc6srYMznj7xRh_k\","
 *                 + "\"y\":\"rjjWw8C58Bu_9D2Csvss-ysId7Kz7ADZgdvoxQWySz8\"}"))
 *         .build();                                   // verifies ES256 tokens only
 * }</pre>
 *
 * <p>The class is stateless and thread-safe.
 */
public final class PublicKeys {

    private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([^\\r\\n-]*)-----");
    private static final Pattern PRINTABLE_LABEL = Pattern.compile("[A-Z0-9 ]{1,40}");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    /** SubjectPublicKeyInfo algorithm OIDs (DER contents, hex) and the JDK key factory that reads them. */
    private static final Map<String, String> SPKI_KEY_FACTORIES = Map.of(
            "2a864886f70d010101", "RSA",        // 1.2.840.113549.1.1.1 rsaEncryption
            "2a8648ce3d0201", "EC",             // 1.2.840.10045.2.1 id-ecPublicKey
            "2b6570", "Ed25519",                // 1.3.101.112
            "2b6571", "Ed448",                  // 1.3.101.113
            "2a8648ce380401", "DSA",            // 1.2.840.10040.4.1: read, then refused by KeyAlgorithms
            "2b656e", "X25519",                 // 1.3.101.110: read, then refused by KeyAlgorithms
            "2b656f", "X448");                  // 1.3.101.111: read, then refused by KeyAlgorithms

    /** JWK members that only private keys have (RFC 7518 §6.2.2, §6.3.2, RFC 8037 §2). */
    private static final List<String> PRIVATE_JWK_MEMBERS = List.of("d", "p", "q", "dp", "dq", "qi", "oth");


    private static final String PEM_EXPECTED = "(expected: a -----BEGIN PUBLIC KEY----- block, or an RSA PUBLIC KEY"
            + " or CERTIFICATE block)";

    private PublicKeys() {
    }

    /**
     * Reads one public key from PEM text.
     *
     * <p>The text holds exactly one block: {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo: RSA, EC or EdDSA),
     * {@code RSA PUBLIC KEY} (PKCS#1), or {@code CERTIFICATE} (X.509; only its public key is taken: the certificate's
     * validity dates, chain and key usage are not checked). Text around the block is ignored (RFC 7468 §5.2), and a
     * literal {@code \n} is read as a line break, as in keys kept in environment variables.
     *
     * <pre>{@code
     * PublicKey key = PublicKeys.fromPem(System.getenv("JWT_PUBLIC_KEY"));
     * }</pre>
     *
     * @param pem the PEM text
     * @return the public key
     * @throws IllegalArgumentException when the text is not one PEM public key or certificate, holds a private key,
     *         or holds a key that cannot verify tokens (see {@link JwtAuthOptions.Builder#secret(Key)})
     */
    public static PublicKey fromPem(String pem) {
        Objects.requireNonNull(pem, "pem");
        return parsePem(pem, "pem");
    }

    /**
     * Reads one public key from a PEM file, as {@link #fromPem(String)} reads text.
     *
     * <pre>{@code
     * PublicKey key = PublicKeys.fromPem(Path.of("/etc/myapp/jwt-public.pem"));
     * }</pre>
     *
     * @param file the file
     * @return the public key
     * @throws IllegalArgumentException when the file cannot be read, or as {@link #fromPem(String)}; the message
     *         names the file
     */
    public static PublicKey fromPem(Path file) {
        Objects.requireNonNull(file, "file");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("file " + file + ": unreadable (" + e.getClass().getSimpleName()
                    + "; expected: a readable PEM file)", e);
        }
        // PEM is ASCII: ISO-8859-1 never fails to decode, so a binary file is reported as "not a PEM public key".
        return parsePem(new String(bytes, StandardCharsets.ISO_8859_1), "file " + file);
    }

    /**
     * Reads one public JSON Web Key (RFC 7517): {@code "kty": "RSA"}, {@code "EC"} (P-256, P-384, P-521) or
     * {@code "OKP"} (Ed25519, Ed448).
     *
     * <p>A private JWK (one with {@code "d"}), a symmetric {@code "oct"} JWK, a key whose {@code "use"} is not
     * {@code "sig"}, whose {@code "key_ops"} lack {@code "verify"} or whose {@code "alg"} the key cannot verify is
     * refused. The JWK's {@code "alg"} does not restrict the key: an RSA JWK with {@code "alg": "RS256"} also
     * verifies {@code PS256}; restrict with {@link JwtAuthOptions.Builder#algorithms(String...)}.
     *
     * <pre>{@code
     * PublicKey key = PublicKeys.fromJwk(Files.readString(Path.of("/etc/myapp/jwt-public.jwk.json")));
     * }</pre>
     *
     * @param json the JWK, a JSON object
     * @return the public key
     * @throws IllegalArgumentException when the text is not one public signature-verification JWK, or holds a key
     *         that cannot verify tokens (see {@link JwtAuthOptions.Builder#secret(Key)})
     */
    public static PublicKey fromJwk(String json) {
        Objects.requireNonNull(json, "json");
        JsonObject members = jsonObject(json);
        // Refused before jjwt reads the JWK, so no private or secret value reaches any parser's error message.
        if (members.has("keys")) {
            throw new IllegalArgumentException("jwk: a JWK Set (expected: one JWK, such as the element of \"keys\""
                    + " whose \"kid\" your tokens name)");
        }
        for (String member : PRIVATE_JWK_MEMBERS) {
            if (members.has(member)) {
                throw new IllegalArgumentException("jwk: a private JWK (expected: a public JWK, without \"d\"; the"
                        + " private key stays with whoever signs the tokens)");
            }
        }
        JsonElement type = members.get("kty");
        if (members.has("k") || (type != null && type.isJsonPrimitive() && "oct".equals(type.getAsString()))) {
            throw new IllegalArgumentException("jwk: a symmetric \"oct\" JWK (expected: an RSA, EC or OKP public JWK;"
                    + " give an HMAC secret to JwtAuthOptions.Builder.secret(byte[]))");
        }
        Jwk<?> jwk;
        Key key;
        try {
            jwk = Jwks.parser().build().parse(json);
            key = jwk.toKey();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("jwk: not a valid public JWK (" + e.getClass().getSimpleName() + ")",
                    e);
        }
        if (!(jwk instanceof AsymmetricJwk) || !(key instanceof PublicKey)) {
            throw new IllegalArgumentException("jwk: not a public JWK (expected: an RSA, EC or OKP public JWK)");
        }
        String use = ((AsymmetricJwk<?>) jwk).getPublicKeyUse();
        if (use != null && !"sig".equals(use)) {
            throw new IllegalArgumentException("jwk: use is not \"sig\" (expected: \"sig\", or no use; an \"enc\" key"
                    + " never verifies signatures)");
        }
        Set<KeyOperation> operations = jwk.getOperations();
        if (operations != null && operations.stream().noneMatch(op -> "verify".equals(op.getId()))) {
            throw new IllegalArgumentException("jwk: key_ops without \"verify\" (expected: \"verify\", or no"
                    + " key_ops)");
        }
        PublicKey publicKey = requireVerifying((PublicKey) key, "jwk");
        Set<String> algorithms = KeyAlgorithms.algorithmsFor(publicKey, false);
        String alg = jwk.getAlgorithm();
        boolean edwardsCurveName = publicKey instanceof EdECPublicKey  // RFC 9864's fully-specified "Ed25519"
                && ((EdECPublicKey) publicKey).getParams().getName().equals(alg);
        if (alg != null && !algorithms.contains(alg) && !edwardsCurveName) {
            throw new IllegalArgumentException("jwk: an alg this key cannot verify (expected: one of " + algorithms
                    + ", or no alg)");
        }
        return publicKey;
    }

    private static PublicKey parsePem(String text, String source) {
        String pem = text.replace("\\r", "\r").replace("\\n", "\n");
        List<String> labels = new ArrayList<>();
        int bodyStart = -1;
        Matcher begin = BEGIN.matcher(pem);
        while (begin.find()) {
            labels.add(begin.group(1));
            if (bodyStart < 0) {
                bodyStart = begin.end();
            }
        }
        if (labels.isEmpty()) {
            throw new IllegalArgumentException(source + ": not a PEM public key " + PEM_EXPECTED);
        }
        for (String label : labels) {
            // PRIVATE KEY, RSA/EC/DSA/OPENSSH PRIVATE KEY, ENCRYPTED PRIVATE KEY, PGP PRIVATE KEY BLOCK: never read.
            if (label.contains("PRIVATE")) {
                throw new IllegalArgumentException(source + ": a private key (expected: a public key or a"
                        + " certificate; the private key stays with whoever signs the tokens)");
            }
        }
        if (labels.size() > 1) {
            throw new IllegalArgumentException(source + ": " + labels.size() + " PEM blocks (expected: exactly one"
                    + " public key or certificate)");
        }
        String label = labels.get(0);
        if (!label.equals("PUBLIC KEY") && !label.equals("RSA PUBLIC KEY") && !label.equals("CERTIFICATE")) {
            String found = PRINTABLE_LABEL.matcher(label).matches() ? "a PEM block labelled " + label
                    : "a PEM block with an unknown label";
            throw new IllegalArgumentException(source + ": " + found + " (expected: PUBLIC KEY, RSA PUBLIC KEY or"
                    + " CERTIFICATE)");
        }
        String endLine = "-----END " + label + "-----";
        int bodyEnd = pem.indexOf(endLine, bodyStart);
        if (bodyEnd < 0) {
            throw new IllegalArgumentException(source + ": the " + label + " block has no " + endLine + " line");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(WHITESPACE.matcher(pem.substring(bodyStart, bodyEnd)).replaceAll(""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": the " + label + " block is not valid base64");
        }
        if (der.length == 0) {
            throw new IllegalArgumentException(source + ": the " + label + " block is empty");
        }
        PublicKey key;
        if (label.equals("PUBLIC KEY")) {
            key = fromSubjectPublicKeyInfo(der, source);
        } else if (label.equals("RSA PUBLIC KEY")) {
            key = fromPkcs1(der, source);
        } else {
            key = fromCertificate(der, source);
        }
        return requireVerifying(key, source);
    }

    private static PublicKey fromSubjectPublicKeyInfo(byte[] der, String source) {
        String oid;
        try {
            Der spki = new Der(der).read(Der.SEQUENCE).requireEnd().contents();
            Der algorithm = spki.read(Der.SEQUENCE).contents();
            spki.read(Der.BIT_STRING).requireEnd();
            oid = hex(algorithm.read(Der.OID).contents().remaining());
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(source + ": the PUBLIC KEY block is not an X.509"
                    + " SubjectPublicKeyInfo");
        }
        String factory = SPKI_KEY_FACTORIES.get(oid);
        if (factory == null) {
            throw new IllegalArgumentException(source + ": a public key of an unsupported type (expected: RSA, EC"
                    + " P-256/P-384/P-521 or EdDSA)");
        }
        try {
            return KeyFactory.getInstance(factory).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(source + ": the PUBLIC KEY block is not a valid " + factory
                    + " public key (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static PublicKey fromPkcs1(byte[] der, String source) {
        BigInteger modulus;
        BigInteger exponent;
        try {
            Der sequence = new Der(der).read(Der.SEQUENCE).requireEnd().contents();
            modulus = new BigInteger(sequence.read(Der.INTEGER).contents().remaining());
            exponent = new BigInteger(sequence.read(Der.INTEGER).contents().remaining());
            sequence.requireEnd();
        } catch (IllegalStateException | NumberFormatException e) {
            throw new IllegalArgumentException(source + ": the RSA PUBLIC KEY block is not a PKCS#1 RSAPublicKey");
        }
        try {
            if (modulus.signum() <= 0 || exponent.signum() <= 0) {
                throw new GeneralSecurityException("not positive");
            }
            return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, exponent));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(source + ": the RSA PUBLIC KEY block is not a valid RSA public key ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static PublicKey fromCertificate(byte[] der, String source) {
        try {
            return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der))
                    .getPublicKey();
        } catch (CertificateException e) {
            throw new IllegalArgumentException(source + ": the CERTIFICATE block is not an X.509 certificate ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** The checks of {@link JwtAuthOptions.Builder#build()}, and stricter ones for EC keys. */
    private static PublicKey requireVerifying(PublicKey key, String source) {
        if (key instanceof ECPublicKey) {
            ECPublicKey ec = (ECPublicKey) key;
            if (KeyAlgorithms.jwsAlgorithm(ec.getParams()) == null) {
                // secp256k1 and the brainpool curves have the field sizes of P-256 and P-384.
                throw new IllegalArgumentException(source + ": an EC key on a curve other than P-256, P-384 or"
                        + " P-521 (expected: one of those, RFC 7518 §3.4)");
            }
            if (!KeyAlgorithms.onCurve(ec.getW(), ec.getParams().getCurve())) {
                throw new IllegalArgumentException(source + ": an EC key whose point is not on its curve (expected:"
                        + " a valid P-256, P-384 or P-521 public key)");
            }
        }
        KeyAlgorithms.requireUsable(key, false);
        return key;
    }

    private static JsonObject jsonObject(String json) {
        try {
            JsonElement element = JsonParser.parseString(json);
            if (element.isJsonObject()) {
                return element.getAsJsonObject();
            }
        } catch (JsonParseException e) {
            // reported below, without the text
        }
        throw new IllegalArgumentException("jwk: not a JSON object (expected: one public JWK, RFC 7517)");
    }

    private static String hex(byte[] bytes) {
        StringBuilder text = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            text.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return text.toString();
    }

    /**
     * Just enough DER to find a SubjectPublicKeyInfo's algorithm and read a PKCS#1 RSAPublicKey. Every method
     * throws {@link IllegalStateException}, without detail, on anything unexpected.
     */
    private static final class Der {

        static final int INTEGER = 0x02;
        static final int BIT_STRING = 0x03;
        static final int OID = 0x06;
        static final int SEQUENCE = 0x30;

        private final byte[] bytes;
        private final int end;
        private int position;
        private int contentStart;
        private int contentEnd;

        Der(byte[] bytes) {
            this(bytes, 0, bytes.length);
        }

        private Der(byte[] bytes, int start, int end) {
            this.bytes = bytes;
            this.position = start;
            this.end = end;
        }

        /** Reads the next element, which must have the tag; its contents are then {@link #contents()}. */
        Der read(int tag) {
            if (end - position < 2 || (bytes[position] & 0xff) != tag) {
                throw new IllegalStateException();
            }
            int at = position + 1;
            int length = bytes[at++] & 0xff;
            if (length >= 0x80) {
                int count = length & 0x7f;
                if (count == 0 || count > 3 || end - at < count) {
                    throw new IllegalStateException();
                }
                length = 0;
                for (int i = 0; i < count; i++) {
                    length = (length << 8) | (bytes[at++] & 0xff);
                }
            }
            if (length > end - at) {
                throw new IllegalStateException();
            }
            contentStart = at;
            contentEnd = at + length;
            position = contentEnd;
            return this;
        }

        /** The contents of the element last read. */
        Der contents() {
            return new Der(bytes, contentStart, contentEnd);
        }

        /** Checks that nothing follows the element last read. */
        Der requireEnd() {
            if (position != end) {
                throw new IllegalStateException();
            }
            return this;
        }

        byte[] remaining() {
            return Arrays.copyOfRange(bytes, position, end);
        }
    }
}
