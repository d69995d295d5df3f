package dev.nl3jit.filter;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A pending approval as the application remembers it. Immutable: a change is a new value put back into
 * the {@link ApprovalStore}. The original request's method and target stay on the server; the browser
 * only ever holds the random {@code ticket}.
 *
 * @param ticket        random, unguessable handle used by the pending page and status endpoint
 * @param key           whose approval, for what
 * @param requestId     NL3's id of the approval request
 * @param approvalType  Approve or Sign and Approve
 * @param approvers     who was asked (empty: the template's defaults)
 * @param createdAt     when it was requested
 * @param expiresAt     when the application stops waiting
 * @param method        the HTTP method of the request that asked
 * @param target        its path and query inside this application
 * @param status        the last known status
 * @param comment       the approver's comment, when decided
 * @param decidedAt     when it was decided, or {@code null}
 * @param checkedAt     when NL3 was last asked for its status
 * @param grantFor      how long the grant lasts once approved, counted from the approval
 */
public record PendingApproval(String ticket, GrantKey key, String requestId, ApprovalType approvalType,
        List<String> approvers, Instant createdAt, Instant expiresAt, String method, String target,
        ApprovalStatus status, String comment, Instant decidedAt, Instant checkedAt, Duration grantFor)
        implements Serializable {

    public PendingApproval {
        Objects.requireNonNull(ticket, "ticket");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(grantFor, "grantFor");
        approvers = List.copyOf(approvers);
    }

    PendingApproval withStatus(ApprovalStatus newStatus, String newComment, Instant newDecidedAt, Instant newCheckedAt,
            ApprovalType type) {
        return new PendingApproval(ticket, key, requestId, type == null ? approvalType : type, approvers, createdAt,
                expiresAt, method, target, newStatus, newComment, newDecidedAt, newCheckedAt, grantFor);
    }

    PendingApproval checked(Instant at) {
        return new PendingApproval(ticket, key, requestId, approvalType, approvers, createdAt, expiresAt, method, target,
                status, comment, decidedAt, at, grantFor);
    }
}
