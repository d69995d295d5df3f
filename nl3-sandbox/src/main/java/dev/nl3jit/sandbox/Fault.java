package dev.nl3jit.sandbox;

import java.time.Duration;
import java.util.Map;

/**
 * A fault the sandbox injects into NL3 API calls whose path starts with {@link #path()}: a delay, then
 * either a dropped connection, a canned status and body, or (with only a delay) the normal answer.
 * Build one with {@link #on(String)} and the {@code with} methods; {@code times} 0 means every call.
 */
public record Fault(String path, Duration delay, int status, String body, boolean drop, int times) {

    public Fault {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("fault path must start with '/', got " + path);
        }
        delay = delay == null ? Duration.ZERO : delay;
        if (delay.isNegative() || delay.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("fault delay must be between 0 and 300000 ms");
        }
        if (status != 0 && (status < 100 || status > 599)) {
            throw new IllegalArgumentException("fault status must be an HTTP status 100-599, got " + status);
        }
        if (times < 0) {
            throw new IllegalArgumentException("fault times must be >= 0 (0 = every call), got " + times);
        }
        if (drop && (status != 0 || body != null)) {
            throw new IllegalArgumentException("a dropped connection has no status or body");
        }
    }

    /** Refuses a fault that would do nothing. */
    Fault checkEffective() {
        if (!drop && status == 0 && body == null && delay.isZero()) {
            throw new IllegalArgumentException("fault on " + path + " does nothing: give it a delay, a status, a body or drop");
        }
        return this;
    }

    /** A fault on every call whose path starts with {@code pathPrefix}; add what it does with the withers. */
    public static Fault on(String pathPrefix) {
        return new Fault(pathPrefix, Duration.ZERO, 0, null, false, 0);
    }

    public Fault withDelay(Duration value) {
        return new Fault(path, value, status, body, drop, times);
    }

    public Fault withStatus(int value) {
        return new Fault(path, delay, value, body, drop, times);
    }

    /** The raw body to answer with (status 200 unless {@link #withStatus(int)} says otherwise). */
    public Fault withBody(String value) {
        return new Fault(path, delay, status == 0 ? 200 : status, value, drop, times);
    }

    public Fault dropConnection() {
        return new Fault(path, delay, 0, null, true, times);
    }

    public Fault times(int value) {
        return new Fault(path, delay, status, body, drop, value);
    }

    static Fault fromJson(Map<String, Object> json) {
        String path = Json.optString(json, "path");
        Object delay = json.get("delayMs");
        Object status = json.get("status");
        Object times = json.get("times");
        Object drop = json.get("drop");
        if (delay != null && !(delay instanceof Number) || status != null && !(status instanceof Number)
                || times != null && !(times instanceof Number)) {
            throw new BadRequest("delayMs, status and times must be numbers");
        }
        if (drop != null && !(drop instanceof Boolean)) {
            throw new BadRequest("drop must be true or false");
        }
        try {
            return new Fault(path, delay == null ? Duration.ZERO : Duration.ofMillis(((Number) delay).longValue()),
                    status == null ? 0 : ((Number) status).intValue(), Json.optString(json, "body"),
                    Boolean.TRUE.equals(drop), times == null ? 0 : ((Number) times).intValue()).checkEffective();
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
    }

    Map<String, Object> toJson() {
        return Json.object("path", path, "delayMs", delay.toMillis(), "status", status == 0 ? null : status,
                "body", body, "drop", drop, "times", times);
    }
}
