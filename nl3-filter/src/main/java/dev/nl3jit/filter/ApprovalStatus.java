package dev.nl3jit.filter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where an approval request stands. Each final state is listed here once, with what the pending page says when a
 * request reaches it and the audit event that records it; the page's script, the tracker and the audit take both
 * from here, so a new final state needs nothing else to end a waiting page.
 */
public enum ApprovalStatus {
    PENDING(null, null),
    APPROVED("Approved.", ApprovalEvent.Kind.APPROVED),
    REJECTED("Rejected.", ApprovalEvent.Kind.REJECTED),
    EXPIRED("The request expired.", ApprovalEvent.Kind.EXPIRED),
    CANCELLED("The request was cancelled.", ApprovalEvent.Kind.EXPIRED);

    private final String pageText;
    private final ApprovalEvent.Kind auditKind;

    ApprovalStatus(String pageText, ApprovalEvent.Kind auditKind) {
        if ((pageText == null) != (auditKind == null)) {
            throw new IllegalArgumentException("a final state has both a page text and an audit event, a pending one neither");
        }
        this.pageText = pageText;
        this.auditKind = auditKind;
    }

    /** Whether the request can no longer change. */
    public boolean isFinal() {
        return auditKind != null;
    }

    /** What the pending page says when the request reaches this final state; {@code null} while it can still change. */
    String pageText() {
        return pageText;
    }

    /** The audit event of a request reaching this final state; {@code null} while it can still change. */
    public ApprovalEvent.Kind auditKind() {
        return auditKind;
    }

    /** The page text of every final state, by the state's name. */
    public static Map<String, String> pageTexts() {
        Map<String, String> texts = new LinkedHashMap<>();
        for (ApprovalStatus s : values()) {
            if (s.isFinal()) {
                texts.put(s.name(), s.pageText);
            }
        }
        return texts;
    }
}
