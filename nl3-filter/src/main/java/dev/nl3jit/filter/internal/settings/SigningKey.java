package dev.nl3jit.filter.internal.settings;

import java.util.Arrays;
import java.util.Base64;

/**
 * The application's NL3 signing key: delivered as standard Base64 (line breaks and spaces tolerated),
 * used as its decoded bytes. Its {@code toString} never shows the key.
 */
public final class SigningKey {
    private final byte[] bytes;

    private SigningKey(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * Decodes the key as the NL3 portal delivers it.
     *
     * @throws IllegalArgumentException when it is empty or not Base64; the message never contains the key
     */
    public static SigningKey fromBase64(String base64) {
        if (base64 == null || base64.isBlank()) {
            throw new IllegalArgumentException("the signing key is empty");
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(base64.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the signing key is not valid Base64");
        }
        if (decoded.length == 0) {
            throw new IllegalArgumentException("the signing key is empty");
        }
        return new SigningKey(decoded);
    }

    /** Key length in bytes; NL3 samples accept short keys, this library warns under 32. */
    public int length() {
        return bytes.length;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * A key of its own for one purpose: HMAC-SHA256 of {@code label} under this key. The label has a space in it, so it
     * is never a token's signing input (Base64url parts and a dot): no derived key is ever a token's signature, and
     * neither the derived key nor what it signs tells anything about this key.
     */
    public byte[] derive(String label) {
        if (label.indexOf(' ') < 0) {
            throw new IllegalArgumentException("a derivation label has a space in it");
        }
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(bytes, "HmacSHA256"));
            return mac.doFinal(label.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SigningKey k && java.security.MessageDigest.isEqual(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "SigningKey[" + bytes.length + " bytes, hidden]";
    }
}
