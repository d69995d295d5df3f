package dev.nl3jit.filter;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A pending approval as the application remembers it. Immutable: a change is a new value put back into the
 * {@link ApprovalStore}. The original request's method and target stay on the server; the browser only ever
 * holds the random {@link #ticket()}. Instances are made by the library only.
 */
public final class PendingApproval implements Serializable {
    private static final long serialVersionUID = 2L;

    private final String ticket;
    private final GrantKey key;
    private final String requestId;
    private final ApprovalType approvalType;
    private final List<String> approvers;
    private final Instant createdAt;
    private final Instant expiresAt;
    private final String method;
    private final String target;
    private final ApprovalStatus status;
    private final String comment;
    private final Instant decidedAt;
    private final Instant checkedAt;
    private final Duration grantFor;

    private PendingApproval(String ticket, GrantKey key, String requestId, ApprovalType approvalType, List<String> approvers, Instant createdAt, Instant expiresAt, String method, String target, ApprovalStatus status, String comment, Instant decidedAt, Instant checkedAt, Duration grantFor) {
        this.ticket = Objects.requireNonNull(ticket, "ticket");
        this.key = Objects.requireNonNull(key, "key");
        this.requestId = Objects.requireNonNull(requestId, "requestId");
        this.approvalType = approvalType;
        this.approvers = List.copyOf(approvers);
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
        this.method = method;
        this.target = target;
        this.status = Objects.requireNonNull(status, "status");
        this.comment = comment;
        this.decidedAt = decidedAt;
        this.checkedAt = checkedAt;
        this.grantFor = Objects.requireNonNull(grantFor, "grantFor");
    }

    static PendingApproval create(String ticket, GrantKey key, String requestId, ApprovalType approvalType, List<String> approvers, Instant createdAt, Instant expiresAt, String method, String target, ApprovalStatus status, String comment, Instant decidedAt, Instant checkedAt, Duration grantFor) {
        return new PendingApproval(ticket, key, requestId, approvalType, approvers, createdAt, expiresAt, method, target, status, comment, decidedAt, checkedAt, grantFor);
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

    /** Random, unguessable handle used by the pending page and status endpoint; starts with its engine's tag. */
    public String ticket() {
        return ticket;
    }

    /** Whose approval, for what. */
    public GrantKey key() {
        return key;
    }

    /** NL3's id of the approval request. */
    public String requestId() {
        return requestId;
    }

    /** Approve or Sign and Approve. */
    public ApprovalType approvalType() {
        return approvalType;
    }

    /** Who was asked (empty: the template's defaults). */
    public List<String> approvers() {
        return approvers;
    }

    /** When it was requested. */
    public Instant createdAt() {
        return createdAt;
    }

    /** When the application stops waiting. */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** The HTTP method of the request that asked. */
    public String method() {
        return method;
    }

    /** Its path and query inside this application. */
    public String target() {
        return target;
    }

    /** The last known status. */
    public ApprovalStatus status() {
        return status;
    }

    /** The approver's comment, when decided, or {@code null}. */
    public String comment() {
        return comment;
    }

    /** When it was decided, or {@code null}. */
    public Instant decidedAt() {
        return decidedAt;
    }

    /** When NL3 was last asked for its status, or {@code null}. */
    public Instant checkedAt() {
        return checkedAt;
    }

    /** How long the grant lasts once approved, counted from the approval. */
    public Duration grantFor() {
        return grantFor;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PendingApproval p && ticket.equals(p.ticket) && status == p.status
                && Objects.equals(checkedAt, p.checkedAt) && Objects.equals(decidedAt, p.decidedAt);
    }

    @Override
    public int hashCode() {
        return ticket.hashCode();
    }

    @Override
    public String toString() {
        return "PendingApproval[" + key.approvalKey() + ", " + status + "]";
    }
}
