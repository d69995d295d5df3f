package dev.nl3jit.filter;

/** An NL3 call that gave no usable answer; the reason decides nothing by itself, the failure policy does. */
final class Nl3Failure extends Exception {
    private static final long serialVersionUID = 1L;

    enum Reason {
        /** No answer within the configured connect + read timeouts. */
        TIMEOUT,
        /** The connection could not be made or was dropped. */
        CONNECTION,
        /** NL3 answered with a status the call does not expect (5xx, 401, …). */
        HTTP_STATUS,
        /** The body was not JSON, or lacked what the call needs. */
        UNPARSABLE,
        /** The body was larger than the configured cap. */
        TOO_LARGE,
        /** The calling thread was interrupted. */
        INTERRUPTED
    }

    private final Reason reason;
    private final int status;

    Nl3Failure(Reason reason, int status, String message) {
        super(message, null, false, false);
        this.reason = reason;
        this.status = status;
    }

    Reason reason() {
        return reason;
    }

    /** The HTTP status for {@link Reason#HTTP_STATUS}, else 0. */
    int status() {
        return status;
    }
}
