package dev.nl3jit.sandbox;

/** A request the sandbox refuses, with the HTTP status, a short error code and a message for people. */
class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String error;
    private String allow;

    BadRequest(String message) {
        this(400, "invalid_request", message);
    }

    BadRequest(int status, String error, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
    }

    int status() {
        return status;
    }

    String error() {
        return error;
    }

    /** A 405 that names the method to use (sent as {@code Allow}). */
    static BadRequest methodNotAllowed(String used, String path, String allowed) {
        BadRequest e = new BadRequest(405, "method_not_allowed", used + " not allowed on " + path + ", use " + allowed);
        e.allow = allowed;
        return e;
    }

    String allow() {
        return allow;
    }

    static BadRequest notFound(String message) {
        return new BadRequest(404, "not_found", message);
    }

    static BadRequest forbidden(String message) {
        return new BadRequest(403, "forbidden", message);
    }

    static BadRequest conflict(String message) {
        return new BadRequest(409, "conflict", message);
    }
}
