package dev.nl3jit.filter;

import java.util.Map;
import java.util.Objects;

/**
 * Who asks, for checks made outside a servlet request (application code, CDI beans in a batch or a test).
 *
 * @param user       the NL3 username
 * @param method     what is being done, e.g. {@code POST}; part of request-bound grants
 * @param path       what it is done to, e.g. {@code /payments/transfer}
 * @param ip         the end user's address, or {@code null}
 * @param userAgent  the end user's browser, or {@code null}
 * @param parameters values a protection may copy into metadata
 */
public record Caller(String user, String method, String path, String ip, String userAgent, Map<String, String> parameters) {
    public Caller {
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("a caller needs a user");
        }
        method = Objects.requireNonNullElse(method, "INVOKE");
        path = Objects.requireNonNullElse(path, "/");
        parameters = Map.copyOf(Objects.requireNonNullElse(parameters, Map.of()));
    }

    /** Just a user, for application code. */
    public static Caller user(String user) {
        return new Caller(user, null, null, null, null, Map.of());
    }
}
