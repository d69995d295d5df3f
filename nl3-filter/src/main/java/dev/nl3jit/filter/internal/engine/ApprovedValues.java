package dev.nl3jit.filter.internal.engine;

import dev.nl3jit.filter.internal.util.Shown;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The values an approver saw, bound into a request-scoped grant: the protection's parameters and their values,
 * as a digest (SHA-256 over a canonical, length-prefixed encoding, so no two different sets of values share one)
 * and in the display form that travels as metadata.
 *
 * @param display parameter name → value, whole, as the approver is shown it (control and format characters as visible
 *                escapes, see {@link Shown}); the gate refuses values longer than {@code nl3.max-value-length} first
 * @param digest  Base64url of the SHA-256; the empty string when the protection names no parameters
 */
public record ApprovedValues(Map<String, String> display, String digest) {
    static final ApprovedValues NONE = new ApprovedValues(Map.of(), "");

    /** The values of {@code parameterNames} in {@code parameters} (a missing value is distinct from an empty one). */
    static ApprovedValues of(Iterable<String> parameterNames, Map<String, String> parameters) {
        TreeMap<String, String> sorted = new TreeMap<>();
        boolean any = false;
        for (String name : parameterNames) {
            any = true;
            sorted.put(name, parameters.get(name));
        }
        if (!any) {
            return NONE;
        }
        ByteArrayOutputStream canonical = new ByteArrayOutputStream();
        Map<String, String> display = new LinkedHashMap<>();
        sorted.forEach((name, value) -> {
            field(canonical, name);
            if (value == null) {
                canonical.write('-');
            } else {
                canonical.write('+');
                field(canonical, value);
                display.put(name, Shown.text(value));
            }
        });
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(canonical.toByteArray());
            return new ApprovedValues(Map.copyOf(display), Base64.getUrlEncoder().withoutPadding().encodeToString(d));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static void field(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeBytes((b.length + ":").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(b);
    }
}
