package dev.nl3jit.filter;

/** Where an approval request stands. */
public enum ApprovalStatus {
    PENDING, APPROVED, REJECTED, EXPIRED, CANCELLED;

    /** Whether the request can still change. */
    public boolean isFinal() {
        return this != PENDING;
    }
}
