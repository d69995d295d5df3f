package dev.nl3jit.filter;

import java.util.Arrays;
import java.util.Base64;

/**
 * The application's NL3 signing key: delivered as standard Base64 (line breaks and spaces tolerated),
 * used as its decoded bytes. Its {@code toString} never shows the key.
 */
final class SigningKey {
    private final byte[] bytes;

    private SigningKey(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * Decodes the key as the NL3 portal delivers it.
     *
     * @throws IllegalArgumentException when it is empty or not Base64; the message never contains the key
     */
    static SigningKey fromBase64(String base64) {
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
    int length() {
        return bytes.length;
    }

    byte[] bytes() {
        return bytes.clone();
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
