package dev.nl3jit.filter.internal.nl3;

/** An NL3 call that gave no usable answer; the reason decides nothing by itself, the failure policy does. */
public final class Nl3Failure extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** No answer within the configured connect + read timeouts. */
        TIMEOUT,
        /** The connection could not be made or was dropped. */
        CONNECTION,
        /** NL3 answered with a status the call does not expect (5xx, 401, …). */
        HTTP_STATUS,
        /** The body was not JSON, or lacked what the call needs. */
        UNPARSABLE,
        /** The body was JSON, but the status it reports cannot be read (unknown field or word). */
        UNREADABLE,
        /** The body was larger than the configured cap. */
        TOO_LARGE,
        /** The calling thread was interrupted. */
        INTERRUPTED,
        /** Not sent: every thread for NL3 calls was busy and as many calls waited ({@code nl3.call-threads}, {@code nl3.call-queue}). */
        BUSY
    }

    /** What a failure means for the people who run the application. */
    public enum Kind {
        /** NL3 refuses how it is called (400, 401, 404 on an endpoint it should have): a setting is wrong. */
        MISCONFIGURED,
        /** NL3 refuses this user (403: locked). */
        REFUSED,
        /** No usable answer: timeouts, 5xx, dropped connections, unreadable bodies. */
        UNAVAILABLE
    }

    private final Reason reason;
    private final int status;
    private final String nl3Text;

    public Nl3Failure(Reason reason, int status, String message) {
        this(reason, status, message, null);
    }

    /** @param nl3Text NL3's own reason from its error body, bounded, or {@code null} */
    public Nl3Failure(Reason reason, int status, String message, String nl3Text) {
        super(message, null, false, false);
        this.reason = reason;
        this.status = status;
        this.nl3Text = nl3Text;
    }

    public Kind kind() {
        if (reason != Reason.HTTP_STATUS) {
            return Kind.UNAVAILABLE;
        }
        return switch (status) {
            case 400, 401, 404, 405 -> Kind.MISCONFIGURED;
            case 403 -> Kind.REFUSED;
            default -> Kind.UNAVAILABLE;
        };
    }

    /** NL3's own reason (its {@code message} or {@code error}), at most 200 characters, or {@code null}. */
    public String nl3Text() {
        return nl3Text;
    }

    public Reason reason() {
        return reason;
    }

    /** The HTTP status for {@link Reason#HTTP_STATUS}, else 0. */
    public int status() {
        return status;
    }
}
