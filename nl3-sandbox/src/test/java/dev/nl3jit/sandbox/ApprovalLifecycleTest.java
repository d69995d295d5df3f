package dev.nl3jit.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ApprovalLifecycleTest {
    @RegisterExtension
    static SandboxExtension nl3 = new SandboxExtension();

    private static final String CREATE = "/nl3/api/v1/approvalRequest";

    private Http http() {
        return new Http(nl3.sandbox().baseUri());
    }

    private String token(String sub) {
        return Tokens.valid(sub, nl3.sandbox().now());
    }

    private String create(String requester, String body) {
        Http.Response r = http().postJson(CREATE, token(requester), body);
        assertEquals(201, r.status(), r.body());
        return (String) r.json().get("requestId");
    }

    private Map<String, Object> status(String requester, String id) {
        Http.Response r = http().get(CREATE + "/" + id, token(requester));
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    private Http.Response admin(String path, String json) {
        return http().postJson("/sandbox/api/" + path, null, json);
    }

    @Test
    void approveTemplateLifecycle() {
        Http.Response created = http().postJson(CREATE, token("alice"),
                "{\"templateId\":\"ADMIN_ACCESS\",\"approvers\":[],\"metaData\":{\"resource\":\"/admin/users\",\"count\":3}}");
        assertEquals(201, created.status(), created.body());
        Map<String, Object> json = created.json();
        String id = (String) json.get("requestId");
        assertEquals("PENDING", json.get("status"));
        assertEquals("ADMIN_ACCESS", json.get("templateId"));
        assertEquals("APPROVE", json.get("approvalType"));
        Instant createdAt = Instant.parse((String) json.get("createdAt"));
        assertEquals(createdAt.plus(Duration.ofMinutes(10)), Instant.parse((String) json.get("expiresAt")));
        assertEquals("/nl3/api/v1/approvalRequest/" + id, created.headers().firstValue("Location").orElseThrow());

        ApprovalView view = nl3.sandbox().request(id);
        assertEquals("Admin access to /admin/users", view.title());
        // The library's line first, then each value on its own labelled line; defaults fill what was not sent.
        assertEquals("Approval covers: not stated\nRequester: A user at Example Corp\nResource: /admin/users\n"
                + "Method:  \nReason: none given", view.approvalData());

        assertEquals("PENDING", status("alice", id).get("status"));
        Http.Response approved = admin("requests/" + id + "/approve", "{\"approver\":\"bob\",\"comment\":\"ok for today\"}");
        assertEquals(200, approved.status(), approved.body());
        Map<String, Object> s = status("alice", id);
        assertEquals("APPROVED", s.get("status"));
        assertEquals("bob", s.get("decidedBy"));
        assertEquals("ok for today", s.get("comment"));
        assertNotNull(s.get("decidedAt"));
        assertNull(s.get("signature"));
        // A decided request cannot be decided again.
        assertEquals(409, admin("requests/" + id + "/reject", "{\"approver\":\"bob\"}").status());
    }

    @Test
    void signAndApproveNeedsASignature() {
        String id = create("alice", "{\"templateId\":\"PAYMENT_APPROVAL\",\"metaData\":{\"amount\":\"EUR 1200\",\"recipient\":\"ACME\"}}");
        assertEquals("SIGN_AND_APPROVE", status("alice", id).get("approvalType"));
        Http.Response unsigned = admin("requests/" + id + "/approve", "{\"approver\":\"bob\"}");
        assertEquals(400, unsigned.status());
        assertEquals("signature_required", unsigned.json().get("error"));
        assertEquals("PENDING", status("alice", id).get("status"));

        assertEquals(200, admin("requests/" + id + "/approve", "{\"approver\":\"bob\",\"signature\":\"Bob Builder\"}").status());
        Map<String, Object> s = status("alice", id);
        assertEquals("APPROVED", s.get("status"));
        @SuppressWarnings("unchecked")
        Map<String, Object> signature = (Map<String, Object>) s.get("signature");
        assertEquals("Bob Builder", signature.get("signer"));
        assertNotNull(signature.get("signedAt"));
        assertEquals("Payment of EUR 1200 to ACME", nl3.sandbox().request(id).title());
    }

    @Test
    void rejectCarriesTheComment() {
        String id = create("alice", "{\"templateId\":\"ADMIN_ACCESS\"}");
        assertEquals(200, admin("requests/" + id + "/reject", "{\"approver\":\"bob@example.com\",\"comment\":\"not today\"}").status());
        Map<String, Object> s = status("alice", id);
        assertEquals("REJECTED", s.get("status"));
        assertEquals("not today", s.get("comment"));
    }

    @Test
    void pendingRequestExpiresAfterTheTemplateTtl() {
        String id = create("alice", "{\"templateId\":\"ADMIN_ACCESS\"}");
        nl3.sandbox().advanceClock(Duration.ofMinutes(9).plusSeconds(59));
        assertEquals("PENDING", status("alice", id).get("status"));
        nl3.sandbox().advanceClock(Duration.ofSeconds(1));
        Map<String, Object> s = status("alice", id);
        assertEquals("EXPIRED", s.get("status"));
        assertEquals(s.get("expiresAt"), s.get("decidedAt"));
        assertEquals(409, admin("requests/" + id + "/approve", "{\"approver\":\"bob\"}").status());
    }

    @Test
    void requesterCanCancelOnlyTheirOwnPendingRequest() {
        String id = create("alice", "{\"templateId\":\"ADMIN_ACCESS\"}");
        assertEquals(403, http().postJson(CREATE + "/" + id + "/cancel", token("bob"), "").status());
        Http.Response cancelled = http().postJson(CREATE + "/" + id + "/cancel", token("alice"), "");
        assertEquals(200, cancelled.status(), cancelled.body());
        assertEquals("CANCELLED", cancelled.json().get("status"));
        assertEquals("CANCELLED", status("alice", id).get("status"));
        assertEquals(409, http().postJson(CREATE + "/" + id + "/cancel", token("alice"), "").status());
    }

    @Test
    void selfApprovalIsRefused() {
        // bob asks, and bob is the template's default approver: he still cannot approve himself.
        String id = create("bob", "{\"templateId\":\"ADMIN_ACCESS\"}");
        Http.Response r = admin("requests/" + id + "/approve", "{\"approver\":\"bob\"}");
        assertEquals(403, r.status());
        assertTrue(r.message().contains("own request"), r.message());
        assertEquals(403, admin("requests/" + id + "/approve", "{\"approver\":\"bob@example.com\"}").status());
        assertEquals("PENDING", status("bob", id).get("status"));
    }

    @Test
    void approverNotOnTheListIsRefused() {
        String id = create("alice", "{\"templateId\":\"ADMIN_ACCESS\"}");
        Http.Response r = admin("requests/" + id + "/approve", "{\"approver\":\"dave\"}");
        assertEquals(403, r.status());
        assertTrue(r.message().contains("not an approver"), r.message());
        // The request's own approver list replaces the template's defaults.
        String listed = create("alice", "{\"templateId\":\"ADMIN_ACCESS\",\"approvers\":[\"dave@example.com\"]}");
        assertEquals(403, admin("requests/" + listed + "/approve", "{\"approver\":\"bob\"}").status());
        assertEquals(200, admin("requests/" + listed + "/approve", "{\"approver\":\"dave\"}").status());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> nl3.sandbox().approve(id, "carol"));
        assertTrue(e.getMessage().contains("not an approver"));
    }

    @Test
    void statusIsForTheRequesterOnly() {
        String id = create("alice", "{\"templateId\":\"ADMIN_ACCESS\"}");
        assertEquals(403, http().get(CREATE + "/" + id, token("bob")).status());
        Http.Response unknown = http().get(CREATE + "/no-such-id", token("alice"));
        assertEquals(404, unknown.status());
        assertEquals("not_found", unknown.json().get("error"));
    }

    @Test
    void createRefusesBadInput() {
        Http.Response unknown = http().postJson(CREATE, token("alice"), "{\"templateId\":\"NOPE\"}");
        assertEquals(400, unknown.status());
        assertTrue(unknown.message().contains("unknown templateId: NOPE"));
        assertEquals(400, http().postJson(CREATE, token("alice"), "{}").status());
        assertEquals(400, http().postJson(CREATE, token("alice"), "not json").status());
        assertEquals(400, http().postJson(CREATE, token("alice"), "{\"templateId\":\"ADMIN_ACCESS\",\"approvers\":\"bob\"}").status());
        assertEquals(400, http().postJson(CREATE, token("alice"), "{\"templateId\":\"ADMIN_ACCESS\",\"metaData\":{\"a\":{}}}").status());
        assertEquals(401, http().postJson(CREATE, null, "{\"templateId\":\"ADMIN_ACCESS\"}").status());
        Http.Response locked = http().postJson(CREATE, token("carol"), "{\"templateId\":\"ADMIN_ACCESS\"}");
        assertEquals(403, locked.status());
        assertEquals("account_locked", locked.json().get("error"));
        Http.Response wrongMethod = http().get(CREATE, token("alice"));
        assertEquals(405, wrongMethod.status());
        assertEquals("POST", wrongMethod.headers().firstValue("Allow").orElse(null));
        assertEquals(404, http().get("/nl3/api/v1/nothing", token("alice")).status());
    }

    @Test
    void requestRecordsUserAgentAndForwardedIp() {
        Http.Response r = http().send(java.net.http.HttpRequest.newBuilder(nl3.sandbox().baseUri().resolve(CREATE))
                .header("x-nl3-authorization-token", token("alice")).header("User-Agent", "Firefox/140")
                .header("x-forwarded-for", "203.0.113.7, 10.0.0.1").header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"templateId\":\"ADMIN_ACCESS\"}")).build());
        assertEquals(201, r.status());
        ApprovalView view = nl3.sandbox().request((String) r.json().get("requestId"));
        assertEquals("Firefox/140", view.userAgent());
        assertEquals("203.0.113.7", view.userIp());
        assertEquals("alice", view.requester());
    }

    @Test
    void theRequesterIsComparedExactly() {
        String id = create("alice", "{\"templateId\":\"ADMIN_ACCESS\"}");
        Http.Response other = http().get(CREATE + "/" + id, token("ALICE"));
        assertEquals(403, other.status(), other.body());
        Http.Response cancel = http().postJson(CREATE + "/" + id + "/cancel", token("Alice"), "");
        assertEquals(403, cancel.status(), cancel.body());
        assertEquals("PENDING", status("alice", id).get("status"));
    }

    @Test
    void unknownRequestersCannotCreateRequests() {
        Http.Response r = http().postJson(CREATE, token("mallet"), "{\"templateId\":\"ADMIN_ACCESS\"}");
        assertEquals(400, r.status(), r.body());
        assertEquals("unknown_user", r.json().get("error"));
        assertTrue(nl3.sandbox().requests().isEmpty());
    }

    @Test
    void aLockedRequestersRequestCannotBeApproved() {
        String id = create("alice", "{\"templateId\":\"ADMIN_ACCESS\"}");
        nl3.sandbox().lock("alice");
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> nl3.sandbox().approve(id, "bob"));
        assertTrue(refused.getMessage().contains("requester's account is locked"), refused.getMessage());
        assertEquals("PENDING", nl3.sandbox().request(id).status());
        nl3.sandbox().unlock("alice");
        assertEquals("APPROVED", nl3.sandbox().approve(id, "bob").status());
    }
}
