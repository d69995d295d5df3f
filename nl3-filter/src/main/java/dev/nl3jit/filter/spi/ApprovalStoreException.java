package dev.nl3jit.filter.spi;

/**
 * The store could not be reached or gave an unreadable answer. The filter fails closed on it: 503, logged once per
 * cause; it never falls back to memory of its own, which would let a single-use grant be used once per node. A
 * {@link KeyValueStore} reports every failure of its backend (down, slow, partitioned) as one of these.
 */
public class ApprovalStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ApprovalStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public ApprovalStoreException(String message) {
        super(message);
    }

    /** What kind of failure this is, for logging once per cause: the backend's exception type, or the message. */
    public String causeKey() {
        return getCause() != null ? getCause().getClass().getName() : String.valueOf(getMessage());
    }
}
