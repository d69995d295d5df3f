package dev.nl3jit.sandbox;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of one approval request as the sandbox holds it: what the requester asked for, the template
 * text rendered with its metadata, and the decision so far.
 *
 * @param status one of {@code PENDING}, {@code APPROVED}, {@code REJECTED}, {@code EXPIRED}, {@code CANCELLED}
 */
public record ApprovalView(String requestId, String templateId, Seed.ApprovalType approvalType, String status,
        String requester, List<String> approvers, Map<String, String> metaData, String title, String approvalData,
        String userAgent, String userIp, Instant createdAt, Instant expiresAt, Instant decidedAt, String decidedBy,
        String comment, String signer, Instant signedAt) {

    /** The canonical NL3 status body ({@code GET /nl3/api/v1/approvalRequest/{id}}). */
    Map<String, Object> statusJson() {
        Map<String, Object> json = Json.object(
                "requestId", requestId,
                "templateId", templateId,
                "approvalType", approvalType.name(),
                "status", status,
                "createdAt", createdAt.toString(),
                "expiresAt", expiresAt.toString(),
                "decidedAt", decidedAt == null ? null : decidedAt.toString(),
                "decidedBy", decidedBy,
                "comment", comment,
                "signature", signer == null ? null : Json.object("signer", signer, "signedAt", signedAt.toString()));
        return json;
    }

    /** Everything, for the admin API. */
    Map<String, Object> adminJson() {
        Map<String, Object> json = statusJson();
        json.put("requester", requester);
        json.put("approvers", approvers);
        json.put("metaData", metaData);
        json.put("title", title);
        json.put("approvalData", approvalData);
        json.put("userAgent", userAgent);
        json.put("userIp", userIp);
        return json;
    }
}
