package dev.nl3jit.filter.internal.nl3;

import dev.nl3jit.filter.internal.util.Json;
import dev.nl3jit.filter.ApprovalStatus;
import dev.nl3jit.filter.ApprovalType;
import dev.nl3jit.filter.internal.util.Shown;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

/** Lenient reading of NL3 answers, as the contract asks: unknown fields ignored, several spellings accepted. */
public final class Nl3Json {
    private Nl3Json() {
    }

    static Map<String, Object> parse(byte[] body) throws Nl3Failure {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            throw new Nl3Failure(Nl3Failure.Reason.UNPARSABLE, 0, "empty body");
        }
        try {
            Map<String, Object> map = JsonUtil.parseJson(text);
            if (map == null) {
                throw new Nl3Failure(Nl3Failure.Reason.UNPARSABLE, 0, "body is not a JSON object");
            }
            return map;
        } catch (JoseException | RuntimeException e) {
            throw new Nl3Failure(Nl3Failure.Reason.UNPARSABLE, 0, "body is not a JSON object");
        }
    }

    /**
     * NL3's reason in an error body ({@code message}, else {@code error}, else {@code detail}), one line, at most 200
     * characters, or {@code null}. Never the whole body.
     */
    static String errorText(byte[] body) {
        try {
            Map<String, Object> json = parse(body);
            for (String name : new String[] {"message", "error_description", "detail", "error"}) {
                if (json.get(name) instanceof String s && !s.isBlank()) {
                    String line = s.replaceAll("[\\p{Cntrl}]", " ").strip();
                    return line.length() > 200 ? line.substring(0, 200) + "\u2026" : line;
                }
            }
        } catch (Nl3Failure e) {
            // not JSON: say nothing rather than echo it
        }
        return null;
    }

    /** A JSON object of strings, numbers, booleans, maps and lists, with every control and format character escaped. */
    public static String write(Map<String, ?> map) {
        return Json.write(map);
    }

    /** One value (a string, number, boolean, map or list) as JSON. */
    public static String writeValue(Object v) {
        return Json.writeValue(v);
    }


    /** {@code locked}: booleans, or the strings "true"/"false" in any case. */
    public enum Lock {
        LOCKED, UNLOCKED, NOT_ENROLLED
    }

    static Lock lock(Map<String, Object> json) throws Nl3Failure {
        if (!json.containsKey("locked")) {
            return Lock.NOT_ENROLLED;
        }
        Object v = json.get("locked");
        if (v instanceof Boolean b) {
            return b ? Lock.LOCKED : Lock.UNLOCKED;
        }
        if (v instanceof String s) {
            if (s.strip().equalsIgnoreCase("true")) {
                return Lock.LOCKED;
            }
            if (s.strip().equalsIgnoreCase("false")) {
                return Lock.UNLOCKED;
            }
        }
        throw new Nl3Failure(Nl3Failure.Reason.UNPARSABLE, 0, "lock check answered no verdict");
    }

    static String requestId(Map<String, Object> json) {
        for (String name : new String[] {"requestId", "approvalRequestId", "approvalId", "id"}) {
            Object v = json.get(name);
            if (v instanceof String s && !s.isBlank()) {
                return s.strip();
            }
            if (v instanceof Number n) {
                return n.toString();
            }
        }
        return null;
    }

    /** Where an NL3 answer may carry the status of an approval request, in the order they are read. */
    static final List<String> STATUS_FIELDS = List.of("status", "approvalStatus", "requestStatus", "state");

    /**
     * The status of an approval request: {@code "approved": true}, or the first of {@link #STATUS_FIELDS} that holds a
     * string, read case-insensitively with the contract's words. An answer whose status cannot be read (no such field,
     * or a word outside the lists) is a failure, never pending.
     *
     * @throws Nl3Failure {@link Nl3Failure.Reason#UNREADABLE}, naming the fields the answer had (never their values)
     */
    static ApprovalStatus status(Map<String, Object> json) throws Nl3Failure {
        if (Boolean.TRUE.equals(json.get("approved"))) {
            return ApprovalStatus.APPROVED;
        }
        for (String field : STATUS_FIELDS) {
            if (json.get(field) instanceof String s) {
                ApprovalStatus status = word(s);
                if (status == null) {
                    throw new Nl3Failure(Nl3Failure.Reason.UNREADABLE, 0, "status word in '" + field
                            + "' is none the contract knows; fields: " + new java.util.TreeSet<>(json.keySet()));
                }
                return status;
            }
        }
        throw new Nl3Failure(Nl3Failure.Reason.UNREADABLE, 0, "no status field (" + String.join(", ", STATUS_FIELDS)
                + "); fields: " + new java.util.TreeSet<>(json.keySet()));
    }

    /** A status word of the contract, in any case, or {@code null}. */
    static ApprovalStatus word(String s) {
        return switch (s.strip().toUpperCase(Locale.ROOT)) {
            case "APPROVED", "APPROVE", "ACCEPTED", "GRANTED" -> ApprovalStatus.APPROVED;
            case "REJECTED", "REJECT", "DENIED", "DECLINED" -> ApprovalStatus.REJECTED;
            case "PENDING", "SENT", "CREATED", "OPEN" -> ApprovalStatus.PENDING;
            case "EXPIRED", "TIMEOUT" -> ApprovalStatus.EXPIRED;
            case "CANCELLED", "CANCELED" -> ApprovalStatus.CANCELLED;
            default -> null;
        };
    }

    static ApprovalType approvalType(Map<String, Object> json, ApprovalType fallback) {
        Object v = json.get("approvalType");
        if (v instanceof String s) {
            String n = s.strip().toUpperCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
            if (n.startsWith("SIGN")) {
                return ApprovalType.SIGN_AND_APPROVE;
            }
            if (n.equals("APPROVE")) {
                return ApprovalType.APPROVE;
            }
        }
        return fallback;
    }

    /** A nested object, or {@code null}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Map<String, Object> json, String name) {
        Object v = json.get(name);
        return v instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    static String string(Map<String, Object> json, String name) {
        Object v = json.get(name);
        return v instanceof String s && !s.isBlank() ? s : null;
    }

    static Instant instant(Map<String, Object> json, String name) {
        Object v = json.get(name);
        if (v instanceof String s) {
            try {
                return Instant.parse(s.strip());
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            // Seconds or milliseconds since the epoch.
            return d > 1e11 ? Instant.ofEpochMilli((long) d) : Instant.ofEpochSecond((long) d);
        }
        return null;
    }
}
