package dev.nl3jit.filter;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import dev.nl3jit.filter.spi.ApprovalStoreException;

/**
 * A pending approval as the {@link Ledger} keeps it: everything the user's view ({@link PendingApproval}) shows, what
 * only the engine reads (the kept request, the Send now token, the session, the last failure) and an explicit
 * {@link #version()}: a compare-and-set ({@link Ledger#replacePending}) succeeds only on the version it read. Immutable:
 * a change ({@link #with}) is a new value with the next version. The original request (and, for Send now, its body)
 * stays on the server; the browser only ever holds the random {@link #ticket()}.
 */
final class StoredApproval implements Serializable {
    private static final long serialVersionUID = 4L;

    private final long version;

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
    private final String decidedBy;
    private final String signer;
    private final Instant signedAt;
    private final Map<String, String> values;
    private final Instant checkedAt;
    private final Duration grantFor;
    private final int uses;
    private final KeptRequest kept;
    private final String sendToken;
    private final String session;
    private final String failing;

    /** The mutable copy a change is made on. */
    static final class Draft {
        String ticket;
        GrantKey key;
        String requestId;
        ApprovalType approvalType;
        List<String> approvers;
        Instant createdAt;
        Instant expiresAt;
        String method;
        String target;
        ApprovalStatus status;
        String comment;
        Instant decidedAt;
        String decidedBy;
        String signer;
        Instant signedAt;
        Map<String, String> values;
        Instant checkedAt;
        Duration grantFor;
        int uses;
        KeptRequest kept;
        String sendToken;
        String session;
        String failing;
        long version;

        Draft() {
            approvers = List.of();
            values = Map.of();
            status = ApprovalStatus.PENDING;
            uses = Protection.USES_AUTO;
        }

        private Draft(StoredApproval p) {
            ticket = p.ticket;
            key = p.key;
            requestId = p.requestId;
            approvalType = p.approvalType;
            approvers = p.approvers;
            createdAt = p.createdAt;
            expiresAt = p.expiresAt;
            method = p.method;
            target = p.target;
            status = p.status;
            comment = p.comment;
            decidedAt = p.decidedAt;
            decidedBy = p.decidedBy;
            signer = p.signer;
            signedAt = p.signedAt;
            values = p.values;
            checkedAt = p.checkedAt;
            grantFor = p.grantFor;
            uses = p.uses;
            kept = p.kept;
            sendToken = p.sendToken;
            session = p.session;
            failing = p.failing;
            version = p.version;
        }
    }

    private StoredApproval(Draft d) {
        this.ticket = Objects.requireNonNull(d.ticket, "ticket");
        this.key = Objects.requireNonNull(d.key, "key");
        this.requestId = Objects.requireNonNull(d.requestId, "requestId");
        this.approvalType = Objects.requireNonNull(d.approvalType, "approvalType");
        this.approvers = List.copyOf(d.approvers);
        this.createdAt = Objects.requireNonNull(d.createdAt, "createdAt");
        this.expiresAt = Objects.requireNonNull(d.expiresAt, "expiresAt");
        this.method = d.method;
        this.target = d.target;
        this.status = Objects.requireNonNull(d.status, "status");
        this.comment = d.comment;
        this.decidedAt = d.decidedAt;
        this.decidedBy = d.decidedBy;
        this.signer = d.signer;
        this.signedAt = d.signedAt;
        this.values = Map.copyOf(d.values);
        this.checkedAt = d.checkedAt;
        this.grantFor = Objects.requireNonNull(d.grantFor, "grantFor");
        this.uses = d.uses;
        this.kept = d.kept;
        this.sendToken = d.sendToken;
        this.session = d.session;
        this.failing = d.failing;
        this.version = d.version;
    }

    static StoredApproval create(Consumer<Draft> fill) {
        Draft d = new Draft();
        fill.accept(d);
        d.version = 1;
        return new StoredApproval(d);
    }

    /** A copy with {@code change} applied and the next version; this one itself when {@code change} changed nothing. */
    StoredApproval with(Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        d.version = version;
        StoredApproval same = new StoredApproval(d);
        if (same.equals(this)) {
            return this;
        }
        d.version = version + 1;
        return new StoredApproval(d);
    }

    /** This value with another version (the ledger's, when a write followed another it did not read). */
    StoredApproval withVersion(long v) {
        Draft d = new Draft(this);
        d.version = v;
        return new StoredApproval(d);
    }

    /** Which write of this ticket this is: one more on each change; a compare-and-set compares it. */
    long version() {
        return version;
    }

    /** What the user, the events and the pages see. */
    PendingApproval view() {
        return new PendingApproval(this);
    }

    StoredApproval checked(Instant at) {
        return with(d -> d.checkedAt = at);
    }

    /**
     * Until when a store keeps it: an approved one as long as its grant may last, else until the wait ends and
     * {@link #SHOWN_AFTER_WAIT} more, so that the page that saw it expire can still say so when it reloads. Stores
     * drop it afterwards.
     */
    Instant keepUntil() {
        if (status == ApprovalStatus.APPROVED && decidedAt != null) {
            Instant grantEnd = decidedAt.plus(grantFor);
            return grantEnd.isAfter(expiresAt) ? grantEnd : expiresAt;
        }
        return expiresAt.plus(SHOWN_AFTER_WAIT);
    }

    /** How long a request that was not approved is kept after its wait ended ({@link #keepUntil}). */
    static final Duration SHOWN_AFTER_WAIT = Duration.ofMinutes(1);

    /** Random, unguessable handle used by the pending page and status endpoint; starts with its engine's tag. */
    String ticket() {
        return ticket;
    }

    /** Whose approval, for what (the grant it leads to has this key). */
    GrantKey key() {
        return key;
    }

    /** NL3's id of the approval request. */
    String requestId() {
        return requestId;
    }

    /** Approve or Sign and Approve. */
    ApprovalType approvalType() {
        return approvalType;
    }

    /** Who was asked (empty: the template's defaults). */
    List<String> approvers() {
        return approvers;
    }

    /** When it was requested. */
    Instant createdAt() {
        return createdAt;
    }

    /** When the application stops waiting for a decision. */
    Instant expiresAt() {
        return expiresAt;
    }

    /** The HTTP method of the request that asked. */
    String method() {
        return method;
    }

    /** Its path and query inside this application. */
    String target() {
        return target;
    }

    /** The last known status. */
    ApprovalStatus status() {
        return status;
    }

    /** The approver's comment, when decided, or {@code null}. */
    String comment() {
        return comment;
    }

    /** When it was decided, or {@code null}. */
    Instant decidedAt() {
        return decidedAt;
    }

    /** Who decided, as NL3 reports it, or {@code null}. */
    String decidedBy() {
        return decidedBy;
    }

    /** The signature typed for a Sign and Approve decision, as NL3 returns it, or {@code null}. */
    String signer() {
        return signer;
    }

    /** When it was signed, or {@code null}. */
    Instant signedAt() {
        return signedAt;
    }

    /** The values the approver saw (the protection's parameters), display form. */
    Map<String, String> values() {
        return values;
    }

    /** When NL3 was last asked for its status, or {@code null}. */
    Instant checkedAt() {
        return checkedAt;
    }

    /** How long the grant lasts once approved, counted from the approval. */
    Duration grantFor() {
        return grantFor;
    }

    /** The protection's uses: {@link Protection#USES_AUTO}, {@link Protection#USES_UNLIMITED} or a count. */
    int uses() {
        return uses;
    }

    /** The request kept for Send now, or {@code null}. */
    KeptRequest kept() {
        return kept;
    }

    /** The SHA-256 of the one-time Send now token, or {@code null}. */
    String sendToken() {
        return sendToken;
    }

    /** The SHA-256 of the HTTP session id that asked, or {@code null}. */
    String session() {
        return session;
    }

    /** Why the last status check failed (a {@code Nl3Failure.Reason}), or {@code null} when it succeeded. */
    String failing() {
        return failing;
    }

    /** Whether the approver signed (Sign and Approve). */
    boolean signed() {
        return signer != null;
    }

    /**
     * This approval as one line of JSON, for stores that keep values outside the JVM: a stable, versioned form with
     * no Java serialisation and no secret (the Send now token and the session are SHA-256 digests). Unknown fields are
     * ignored when read, so a newer library can add some. The kept request's body (at most {@code nl3.max-kept-body}
     * bytes) is part of it.
     */
    String toStoredForm() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("v", 1);
        m.put("version", version);
        m.put("ticket", ticket);
        m.put("user", key.user());
        m.put("approvalKey", key.approvalKey());
        m.put("scope", key.scope());
        m.put("requestId", requestId);
        m.put("approvalType", approvalType.name());
        m.put("approvers", approvers);
        m.put("createdAt", createdAt.toString());
        m.put("expiresAt", expiresAt.toString());
        putIf(m, "method", method);
        putIf(m, "target", target);
        m.put("status", status.name());
        putIf(m, "comment", comment);
        putIf(m, "decidedAt", decidedAt);
        putIf(m, "decidedBy", decidedBy);
        putIf(m, "signer", signer);
        putIf(m, "signedAt", signedAt);
        m.put("values", values);
        putIf(m, "checkedAt", checkedAt);
        m.put("grantFor", grantFor.toString());
        m.put("uses", uses);
        if (kept != null) {
            Map<String, Object> k = new java.util.LinkedHashMap<>();
            k.put("method", kept.method());
            k.put("target", kept.target());
            putIf(k, "contentType", kept.contentType());
            k.put("body", java.util.Base64.getEncoder().encodeToString(kept.body()));
            m.put("kept", k);
        }
        putIf(m, "sendToken", sendToken);
        putIf(m, "session", session);
        putIf(m, "failing", failing);
        return Nl3Json.write(m);
    }

    private static void putIf(Map<String, Object> m, String name, Object value) {
        if (value != null) {
            m.put(name, value.toString());
        }
    }

    /**
     * Reads {@link #toStoredForm()}.
     *
     * @throws ApprovalStoreException the text is not a stored approval this library can read
     */
    @SuppressWarnings("unchecked")
    static StoredApproval fromStoredForm(String text) {
        try {
            Map<String, Object> m = org.jose4j.json.JsonUtil.parseJson(text);
            if (!(m.get("v") instanceof Number v) || v.intValue() != 1) {
                throw new ApprovalStoreException("stored approval of an unknown version: " + m.get("v"));
            }
            return create(d -> {
                d.ticket = (String) m.get("ticket");
                d.key = new GrantKey((String) m.get("user"), (String) m.get("approvalKey"), (String) m.get("scope"));
                d.requestId = (String) m.get("requestId");
                d.approvalType = ApprovalType.valueOf((String) m.get("approvalType"));
                d.approvers = List.copyOf((List<String>) m.get("approvers"));
                d.createdAt = Instant.parse((String) m.get("createdAt"));
                d.expiresAt = Instant.parse((String) m.get("expiresAt"));
                d.method = (String) m.get("method");
                d.target = (String) m.get("target");
                d.status = ApprovalStatus.valueOf((String) m.get("status"));
                d.comment = (String) m.get("comment");
                d.decidedAt = instant(m.get("decidedAt"));
                d.decidedBy = (String) m.get("decidedBy");
                d.signer = (String) m.get("signer");
                d.signedAt = instant(m.get("signedAt"));
                d.values = Map.copyOf((Map<String, String>) m.get("values"));
                d.checkedAt = instant(m.get("checkedAt"));
                d.grantFor = Duration.parse((String) m.get("grantFor"));
                d.uses = ((Number) m.get("uses")).intValue();
                if (m.get("kept") instanceof Map<?, ?> k) {
                    d.kept = new KeptRequest((String) k.get("method"), (String) k.get("target"), (String) k.get("contentType"),
                            java.util.Base64.getDecoder().decode((String) k.get("body")));
                }
                d.sendToken = (String) m.get("sendToken");
                d.session = (String) m.get("session");
                d.failing = (String) m.get("failing");
            }).withVersion(m.get("version") instanceof Number n ? n.longValue() : 0);
        } catch (org.jose4j.lang.JoseException | RuntimeException e) {
            if (e instanceof ApprovalStoreException a) {
                throw a;
            }
            throw new ApprovalStoreException("unreadable stored approval (" + e + ")", e);
        }
    }

    private static Instant instant(Object text) {
        return text == null ? null : Instant.parse((String) text);
    }

    /** Every field, the version included. */
    @Override
    public boolean equals(Object o) {
        return o instanceof StoredApproval p && version == p.version && ticket.equals(p.ticket) && key.equals(p.key)
                && requestId.equals(p.requestId) && approvalType == p.approvalType && approvers.equals(p.approvers)
                && createdAt.equals(p.createdAt) && expiresAt.equals(p.expiresAt) && Objects.equals(method, p.method)
                && Objects.equals(target, p.target) && status == p.status && Objects.equals(comment, p.comment)
                && Objects.equals(decidedAt, p.decidedAt) && Objects.equals(decidedBy, p.decidedBy)
                && Objects.equals(signer, p.signer) && Objects.equals(signedAt, p.signedAt) && values.equals(p.values)
                && Objects.equals(checkedAt, p.checkedAt) && grantFor.equals(p.grantFor) && uses == p.uses
                && Objects.equals(kept, p.kept) && Objects.equals(sendToken, p.sendToken)
                && Objects.equals(session, p.session) && Objects.equals(failing, p.failing);
    }

    @Override
    public int hashCode() {
        return ticket.hashCode() * 31 + Long.hashCode(version);
    }

    @Override
    public String toString() {
        return "StoredApproval[" + key.approvalKey() + ", " + status + ", v" + version + "]";
    }
}
