package dev.nl3jit.filter;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A pending approval as the user, the application's listeners and the pages see it: what was asked, of whom, and what
 * is known of its decision. A snapshot: a later status is another instance. It carries no persistence identity (how
 * the library stores it and compares it when changing it is its own) and no secret (the kept request, the Send now
 * token and the session stay inside the library). Instances are made by the library only.
 */
public final class PendingApproval {
    private final StoredApproval p;

    PendingApproval(StoredApproval p) {
        this.p = p;
    }

    /** The stored value this view shows. */
    StoredApproval stored() {
        return p;
    }

    /** Random, unguessable handle used by the pending page and status endpoint; starts with its engine's tag. */
    public String ticket() {
        return p.ticket();
    }

    /** Whose approval, for what (the grant it leads to has this key). */
    public GrantKey key() {
        return p.key();
    }

    /** NL3's id of the approval request. */
    public String requestId() {
        return p.requestId();
    }

    /** Approve or Sign and Approve. */
    public ApprovalType approvalType() {
        return p.approvalType();
    }

    /** Who was asked (empty: the template's defaults). */
    public List<String> approvers() {
        return p.approvers();
    }

    /** When it was requested. */
    public Instant createdAt() {
        return p.createdAt();
    }

    /** When the application stops waiting for a decision. */
    public Instant expiresAt() {
        return p.expiresAt();
    }

    /** The HTTP method of the request that asked. */
    public String method() {
        return p.method();
    }

    /** Its path and query inside this application. */
    public String target() {
        return p.target();
    }

    /** The last known status. */
    public ApprovalStatus status() {
        return p.status();
    }

    /** The approver's comment, when decided, or {@code null}. */
    public String comment() {
        return p.comment();
    }

    /** When it was decided, or {@code null}. */
    public Instant decidedAt() {
        return p.decidedAt();
    }

    /** Who decided, as NL3 reports it, or {@code null}. */
    public String decidedBy() {
        return p.decidedBy();
    }

    /** The signature typed for a Sign and Approve decision, as NL3 returns it, or {@code null}. */
    public String signer() {
        return p.signer();
    }

    /** When it was signed, or {@code null}. */
    public Instant signedAt() {
        return p.signedAt();
    }

    /** The values the approver saw (the protection's parameters), display form. */
    public Map<String, String> values() {
        return p.values();
    }

    /** When NL3 was last asked for its status, or {@code null}. */
    public Instant checkedAt() {
        return p.checkedAt();
    }

    /** How long the grant lasts once approved, counted from the approval. */
    public Duration grantFor() {
        return p.grantFor();
    }

    /** The protection's uses: {@link Protection#USES_AUTO}, {@link Protection#USES_UNLIMITED} or a count. */
    public int uses() {
        return p.uses();
    }

    /** Whether the approver signed (Sign and Approve). */
    public boolean signed() {
        return p.signed();
    }

    /**
     * Until when it is kept: an approved one as long as its grant may last, else until the wait ends and a minute more,
     * so that the page that saw it expire can still say so when it reloads.
     */
    public Instant keepUntil() {
        return p.keepUntil();
    }

    @Override
    public String toString() {
        return "PendingApproval[" + p.key().approvalKey() + ", " + p.status() + "]";
    }
}
