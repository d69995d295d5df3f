package dev.nl3jit.sandbox;

import java.time.Instant;
import java.util.Map;

/**
 * One NL3 API call as the sandbox saw it: never the token or the key, only the claims of the token.
 *
 * @param claims the token's claims (empty when there was no readable token)
 * @param error  the 401 or 4xx message, or {@code null}
 * @param fault  {@code "delay"}, {@code "status"}, {@code "drop"} when a fault was injected, else {@code null}
 */
public record Call(Instant at, String method, String path, int status, Map<String, Object> claims, String error,
        String fault) {

    /** What a call asked NL3, by its method and path. */
    public enum Kind {
        LOCK_CHECK, APPROVAL_REQUEST, STATUS, CANCEL, OTHER;

        static Kind of(String method, String path) {
            if (path.endsWith("accountProtectionCheck") || path.endsWith("accountLockCheck")) {
                return LOCK_CHECK;
            }
            if (path.endsWith("/approvalRequest")) {
                return method.equals("POST") ? APPROVAL_REQUEST : OTHER;
            }
            if (path.contains("/approvalRequest/")) {
                return path.endsWith("/cancel") ? CANCEL : method.equals("GET") ? STATUS : OTHER;
            }
            return OTHER;
        }
    }

    /** What this call asked. */
    public Kind kind() {
        return Kind.of(method, path);
    }

    /** The {@code sub} claim, or {@code null}. */
    public String subject() {
        Object sub = claims.get("sub");
        return sub instanceof String s ? s : null;
    }

    Map<String, Object> toJson() {
        return Json.object("at", at.toString(), "method", method, "path", path, "status", status, "claims", claims,
                "error", error, "fault", fault);
    }
}
