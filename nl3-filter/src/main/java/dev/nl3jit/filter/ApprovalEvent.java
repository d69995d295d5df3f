package dev.nl3jit.filter;

import java.time.Instant;

/**
 * One decision, for auditing: who, which approval key, what happened. Carries no token, key or ticket.
 *
 * @param scope  empty for key-bound grants, else {@code "METHOD /path"}
 * @param detail the approver's comment ({@link Kind#REJECTED}) or what failed ({@link Kind#FAILURE}), else {@code null}
 */
public record ApprovalEvent(Kind kind, String user, String approvalKey, String scope, String detail, Instant at) {

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
