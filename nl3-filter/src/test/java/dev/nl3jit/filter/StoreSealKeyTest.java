package dev.nl3jit.filter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The key a shared store seals its entries with: derived from the signing key, never the key itself. */
class StoreSealKeyTest {
    private static final byte[] SIGNING = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private static Nl3Settings settings(byte[] signingKey) {
        return Nl3Settings.builder().signingKey(Base64.getEncoder().encodeToString(signingKey)).appUri("app.example.com").build();
    }

    @Test
    void isHmacOfItsLabelUnderTheSigningKeyTheSameOnEveryNodeAndNotTheKey() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SIGNING, "HmacSHA256"));
        byte[] expected = mac.doFinal("nl3 store seal v1".getBytes(StandardCharsets.UTF_8));

        byte[] derived = settings(SIGNING).storeSealKey();
        assertArrayEquals(expected, derived);
        assertEquals(32, derived.length);
        assertArrayEquals(derived, settings(SIGNING.clone()).storeSealKey(), "every node with the key derives the same");
        assertFalse(Arrays.equals(SIGNING, derived), "not the signing key");
        byte[] other = SIGNING.clone();
        other[0] ^= 1;
        assertFalse(Arrays.equals(derived, settings(other).storeSealKey()), "another signing key, another seal key");

        Nl3Settings s = settings(SIGNING);
        s.storeSealKey()[0] ^= 1;
        assertArrayEquals(expected, s.storeSealKey(), "a fresh copy each call");
    }
}
