package io.github.socketiojwt.internal;

import java.util.Map;

/**
 * A compact JWS whose structure has been checked and whose header and claims have been decoded, but whose
 * signature has <em>not</em> been verified yet.
 */
final class DecodedToken {

    final String token;
    final Map<String, Object> header;
    final Map<String, Object> claims;
    final String algorithm;
    /** The JWS signing input: {@code base64url(header) "." base64url(payload)}, as ASCII bytes. */
    final byte[] signingInput;
    /** The base64url-encoded signature. */
    final String signature;

    DecodedToken(String token, Map<String, Object> header, Map<String, Object> claims, String algorithm,
            byte[] signingInput, String signature) {
        this.token = token;
        this.header = header;
        this.claims = claims;
        this.algorithm = algorithm;
        this.signingInput = signingInput;
        this.signature = signature;
    }
}
