package io.github.socketiojwt.internal;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.MacAlgorithm;
import io.jsonwebtoken.security.SecretKeyBuilder;
import io.jsonwebtoken.security.SecureRequest;
import io.jsonwebtoken.security.SignatureException;
import io.jsonwebtoken.security.VerifySecureDigestRequest;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * An HMAC algorithm that, unlike jjwt's, accepts secrets shorter than RFC 7518 §3.2 requires. Installed only when
 * the application calls {@code insecurelyAllowWeakHmacSecret()}, to verify tokens signed by a Node server with a
 * short legacy secret. Signatures are still compared in constant time.
 */
final class LegacyHmac implements MacAlgorithm {

    static final LegacyHmac HS256 = new LegacyHmac("HS256", "HmacSHA256", Jwts.SIG.HS256);
    static final LegacyHmac HS384 = new LegacyHmac("HS384", "HmacSHA384", Jwts.SIG.HS384);
    static final LegacyHmac HS512 = new LegacyHmac("HS512", "HmacSHA512", Jwts.SIG.HS512);

    private final String id;
    private final String jcaName;
    private final MacAlgorithm standard;

    private LegacyHmac(String id, String jcaName, MacAlgorithm standard) {
        this.id = id;
        this.jcaName = jcaName;
        this.standard = standard;
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public byte[] digest(SecureRequest<InputStream, SecretKey> request) {
        return mac(request.getKey(), request.getPayload());
    }

    @Override
    public boolean verify(VerifySecureDigestRequest<SecretKey> request) {
        byte[] expected = mac(request.getKey(), request.getPayload());
        return MessageDigest.isEqual(expected, request.getDigest());
    }

    private byte[] mac(SecretKey key, InputStream payload) {
        try {
            Mac mac = Mac.getInstance(jcaName);
            mac.init(new SecretKeySpec(key.getEncoded(), jcaName));
            byte[] buffer = new byte[1024];
            int n;
            while ((n = payload.read(buffer)) != -1) {
                mac.update(buffer, 0, n);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException | IOException e) {
            throw new SignatureException("HMAC computation failed", e);
        }
    }

    @Override
    public SecretKeyBuilder key() {
        return standard.key();
    }

    @Override
    public int getKeyBitLength() {
        return standard.getKeyBitLength();
    }
}
