package dev.nl3jit.filter;

import java.time.Instant;

/**
 * One decision, for auditing: who, which approval key, what happened. Carries no token, key or ticket. Made by
 * the library only; new members may be added.
 */
public final class ApprovalEvent {
    private final Kind kind;
    private final String user;
    private final String approvalKey;
    private final String scope;
    private final String detail;
    private final Instant at;

    ApprovalEvent(Kind kind, String user, String approvalKey, String scope, String detail, Instant at) {
        this.kind = kind;
        this.user = user;
        this.approvalKey = approvalKey;
        this.scope = scope;
        this.detail = detail;
        this.at = at;
    }

    public Kind kind() {
        return kind;
    }

    /** The NL3 username. */
    public String user() {
        return user;
    }

    public String approvalKey() {
        return approvalKey;
    }

    /** Empty for key-bound grants, else {@code "METHOD /path"}. */
    public String scope() {
        return scope;
    }

    /** The approver's comment ({@link Kind#REJECTED}) or what failed ({@link Kind#FAILURE}), else {@code null}. */
    public String detail() {
        return detail;
    }

    /** When it was decided, by the engine's clock. */
    public Instant at() {
        return at;
    }

    @Override
    public String toString() {
        return "ApprovalEvent[" + kind + ", user=" + user + ", approvalKey=" + approvalKey + ", scope=" + scope + ", at=" + at
                + "]";
    }

    public enum Kind {
        /** An approval request was sent to NL3. */
        REQUESTED,
        /** An approver approved (or signed and approved); a grant exists now. */
        APPROVED,
        /** An approver rejected. */
        REJECTED,
        /** The request expired or was cancelled before a decision. */
        EXPIRED,
        /** The account is locked (or not enrolled where that is denied). */
        LOCKED,
        /** NL3 gave no usable answer; the failure policy decided. */
        FAILURE
    }
}
