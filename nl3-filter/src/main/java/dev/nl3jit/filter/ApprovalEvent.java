package dev.nl3jit.filter;

import java.time.Instant;
import java.util.Map;

/**
 * One decision, for auditing: who, which approval key, what happened, and (where an approval request is concerned)
 * NL3's request id, who decided, whether and how it was signed, the request the approval is for (method, path and
 * the approved values, in display form and as the digest a request-scoped grant is bound to) and the grant it gave
 * (scope, uses, end). Carries no token, key or ticket. Made by the library only; new members may be added.
 */
public final class ApprovalEvent {

    public enum Kind {
        /** An approval request was sent to NL3. */
        REQUESTED,
        /** An approver approved (or signed and approved); a grant exists now. */
        APPROVED,
        /** An approver rejected. */
        REJECTED,
        /** The request expired or was cancelled before a decision. */
        EXPIRED,
        /** The account is locked (or not enrolled where that is denied); grants and tickets of the user are revoked. */
        LOCKED,
        /** The user asked for more approvals than the request limit allows; nothing was sent to NL3. */
        LIMITED,
        /** A grant let a kept request run (Send now). */
        SENT,
        /** NL3 gave no usable answer; the failure policy decided. */
        FAILURE
    }

    private final Kind kind;
    private final String user;
    private final String approvalKey;
    private final String scope;
    private final String detail;
    private final Instant at;
    private final String requestId;
    private final ApprovalType approvalType;
    private final String decidedBy;
    private final String signer;
    private final Instant signedAt;
    private final String method;
    private final String path;
    private final Map<String, String> values;
    private final String valuesDigest;
    private final int uses;
    private final Instant grantUntil;

    ApprovalEvent(Kind kind, GrantKey key, String detail, Instant at, StoredApproval p, Grant grant) {
        this.kind = kind;
        this.user = key.user();
        this.approvalKey = key.approvalKey();
        this.scope = key.scope();
        this.detail = detail;
        this.at = at;
        this.requestId = p == null ? null : p.requestId();
        this.approvalType = p == null ? null : p.approvalType();
        this.decidedBy = p == null ? null : p.decidedBy();
        this.signer = p == null ? null : p.signer();
        this.signedAt = p == null ? null : p.signedAt();
        this.method = p == null ? null : p.method();
        this.path = p == null || p.target() == null ? null : p.target().split("\\?", 2)[0];
        this.values = p == null ? Map.of() : p.values();
        int hash = key.scope().indexOf(" #");
        this.valuesDigest = hash < 0 ? null : key.scope().substring(hash + 2).split(" ", 2)[0];
        this.uses = grant == null ? 0 : grant.usesLeft();
        this.grantUntil = grant == null ? null : grant.until();
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

    /** The grant's scope: empty for key-bound grants, else {@code "METHOD /path"} and {@code " #digest"} of the values. */
    public String scope() {
        return scope;
    }

    /** The approver's comment ({@link Kind#REJECTED}), what failed ({@link Kind#FAILURE}) or was revoked, else {@code null}. */
    public String detail() {
        return detail;
    }

    /** When it happened, by the engine's clock. */
    public Instant at() {
        return at;
    }

    /** NL3's id of the approval request, or {@code null}. */
    public String requestId() {
        return requestId;
    }

    /** Approve or Sign and Approve, or {@code null} when no approval request is concerned. */
    public ApprovalType approvalType() {
        return approvalType;
    }

    /** Who decided, as NL3 reports it, or {@code null}. */
    public String decidedBy() {
        return decidedBy;
    }

    /** Whether the approver signed. */
    public boolean signed() {
        return signer != null;
    }

    /** The signature as NL3 returned it, or {@code null}. */
    public String signer() {
        return signer;
    }

    public Instant signedAt() {
        return signedAt;
    }

    /** The HTTP method of the request the approval is for, or {@code null}. */
    public String method() {
        return method;
    }

    /** The path of the request the approval is for, or {@code null}. */
    public String path() {
        return path;
    }

    /** The values the approver saw (the protection's parameters), display form. */
    public Map<String, String> values() {
        return values;
    }

    /** The digest of the approved values a request-scoped grant is bound to, or {@code null}. */
    public String valuesDigest() {
        return valuesDigest;
    }

    /** For {@link Kind#APPROVED}: the grant's uses ({@link Grant#UNLIMITED} for unlimited), else 0. */
    public int uses() {
        return uses;
    }

    /** For {@link Kind#APPROVED}: when the grant ends, else {@code null}. */
    public Instant grantUntil() {
        return grantUntil;
    }

    @Override
    public String toString() {
        return "ApprovalEvent[" + kind + ", user=" + user + ", approvalKey=" + approvalKey + ", scope=" + scope + ", at=" + at
                + (requestId == null ? "" : ", requestId=" + requestId) + (decidedBy == null ? "" : ", decidedBy=" + decidedBy)
                + (signer == null ? "" : ", signed") + "]";
    }
}
