package dev.nl3jit.filter;

import dev.nl3jit.filter.internal.web.Html;
import dev.nl3jit.filter.internal.web.Pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.sandbox.ApprovalView;
import dev.nl3jit.sandbox.Call;
import dev.nl3jit.sandbox.Fault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApprovalFlowIT extends AppTestBase {

    /** First visit of a browser: a 303 to the pending page, which exists and names the approver. */
    private String requestApproval(Client browser, String path) {
        Client.Response first = browser.get(app.uri(path));
        assertEquals(303, first.status(), first.body());
        String location = first.location();
        assertTrue(location.startsWith("/app/nl3-approval?p="), location);
        assertFalse(location.contains("admin") || location.contains("payments"), "the original URL leaked into the redirect");
        return location;
    }

    private Map<String, Object> status(Client browser, String location, int waitSeconds) {
        Client.Response r = browser.get(app.uri("/nl3-approval/status?p=" + Fixtures.ticket(location) + "&wait=" + waitSeconds),
                "Accept", "application/json");
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    @Test
    void approveFlowThenTheGrantPassesWithNoNl3Calls() {
        Client alice = Client.as("alice");
        String location = requestApproval(alice, "/admin/users?tab=all");

        Client.Response page = alice.get(app.uri(location.substring("/app".length())));
        assertEquals(200, page.status());
        assertTrue(page.body().contains("Approval required"));
        assertTrue(page.body().contains("<strong id=\"kind\">approve</strong>"), "says it waits for Approve");
        assertTrue(page.body().contains("approvers for this action"), "says who was asked");
        assertTrue(page.body().contains("expires in"), "says for how long");
        assertTrue(page.body().contains("Cancel request"));
        assertTrue(page.header("Content-Security-Policy").contains("default-src 'none'"));

        List<ApprovalView> pending = sandbox.pendingRequests();
        assertEquals(1, pending.size());
        ApprovalView request = pending.get(0);
        assertEquals("ADMIN_ACCESS", request.templateId());
        assertEquals("alice", request.requester());
        assertEquals("/admin/users", request.metaData().get("path"));
        assertEquals("GET", request.metaData().get("method"));
        assertEquals("Java-http-client/17.0.15".substring(0, 16), request.userAgent().substring(0, 16));
        assertEquals("127.0.0.1", request.userIp());
        Map<String, Object> pendingStatus = status(alice, location, 0);
        assertEquals("PENDING", pendingStatus.get("approvalStatus"));
        assertEquals(false, pendingStatus.get("final"));

        sandbox.approve(request.requestId(), "bob");
        Map<String, Object> approved = status(alice, location, 5);
        assertEquals("APPROVED", approved.get("approvalStatus"));
        assertEquals(true, approved.get("final"));
        assertEquals(true, approved.get("replay"));

        Client.Response proceed = alice.get(app.uri("/nl3-approval/continue?p=" + Fixtures.ticket(location)));
        assertEquals(303, proceed.status());
        assertEquals("/app/admin/users?tab=all", proceed.location());

        int callsBefore = sandbox.calls().size();
        for (int i = 0; i < 5; i++) {
            Client.Response ok = alice.get(app.uri("/admin/users?tab=all"));
            assertEquals(200, ok.status());
            assertTrue(ok.body().startsWith("ADMIN OK alice GET /app/admin/users"));
        }
        assertEquals(alice.get(app.uri("/admin/settings")).status(), 200, "the grant covers the whole key");
        assertEquals(callsBefore, sandbox.calls().size(), "requests within the grant made NL3 calls");
    }

    @Test
    void signAndApproveFlowNeedsTheSignature() {
        Client alice = Client.as("alice");
        String location = requestApproval(alice, "/payments/transfer");
        Client.Response page = alice.get(app.uri(location.substring(4)));
        assertTrue(page.body().contains("<strong id=\"kind\">sign and approve</strong>"), page.body());
        ApprovalView request = sandbox.pendingRequests().get(0);
        assertEquals("PAYMENT_APPROVAL", request.templateId());
        try {
            sandbox.approve(request.requestId(), "bob");
        } catch (IllegalStateException expected) {
            assertTrue(expected.getMessage().contains("signature"));
        }
        assertEquals("PENDING", status(alice, location, 0).get("approvalStatus"));
        sandbox.approve(request.requestId(), "bob", null, "Bob Approver");
        Map<String, Object> s = status(alice, location, 5);
        assertEquals("APPROVED", s.get("approvalStatus"));
        assertEquals("SIGN_AND_APPROVE", s.get("approvalType"));
        assertEquals(200, alice.get(app.uri("/payments/transfer")).status());
    }

    @Test
    void rejectFlowShowsTheCommentEscaped() {
        Client alice = Client.as("alice");
        String location = requestApproval(alice, "/admin/users");
        sandbox.reject(sandbox.pendingRequests().get(0).requestId(), "bob", "Not now <script>alert(1)</script>");
        assertEquals("REJECTED", status(alice, location, 5).get("approvalStatus"));

        Client.Response again = alice.get(app.uri("/admin/users"));
        assertEquals(403, again.status());
        assertTrue(again.body().contains("Not now &lt;script&gt;alert(1)&lt;/script&gt;"), again.body());
        assertFalse(again.body().contains("<script>alert(1)"));
        assertTrue(again.body().contains("Ask again"));
        assertEquals(0, sandbox.pendingRequests().size(), "a rejection does not start a new request by itself");

        Client.Response page = alice.get(app.uri(location.substring(4)));
        assertTrue(page.body().contains("Request rejected"));
        Client.Response retry = alice.postForm(app.uri("/nl3-approval/retry"), "p=" + Fixtures.ticket(location));
        assertEquals(303, retry.status());
        assertEquals("/app/admin/users", retry.location());
        assertEquals(303, alice.get(app.uri("/admin/users")).status());
        assertEquals(1, sandbox.pendingRequests().size(), "asking again created a new request");
    }

    @Test
    void pendingRequestExpires() {
        Client alice = Client.as("alice");
        String location = requestApproval(alice, "/admin/users");
        CLOCK.advance(Duration.ofMinutes(10).plusSeconds(1));
        Map<String, Object> expired = status(alice, location, 0);
        assertEquals("EXPIRED", expired.get("approvalStatus"));
        assertEquals(true, expired.get("final"), "a page stops polling");
        Client.Response page = alice.get(app.uri(location.substring(4)));
        assertTrue(page.body().contains("Request expired"), page.body());
        String next = requestApproval(alice, "/admin/users");
        assertFalse(next.equals(location), "an expired request is replaced by a new one");
        assertEquals(1, sandbox.pendingRequests().size());
    }

    @Test
    void thePendingPageGivesItsScriptEveryTextItShows() {
        Client alice = Client.as("alice");
        String admin = alice.get(app.uri(requestApproval(alice, "/admin/users").substring(4))).body();
        assertTrue(admin.contains("<span id=\"msg\">Waiting for approval\u2026</span>"), admin);
        assertTrue(admin.contains(" data-waiting=\"Waiting for approval\u2026\""), "the text the page shows first");
        assertTrue(admin.contains(" data-degraded=\"" + Html.escape(Pages.DEGRADED) + "\""), admin);
        for (ApprovalStatus s : ApprovalStatus.values()) {
            if (s.isFinal()) {
                assertTrue(admin.contains(Html.escape("\"" + s.name() + "\":\"" + s.pageText() + "\"")), s + ": " + admin);
            }
        }
        String payment = alice.get(app.uri(requestApproval(alice, "/payments/transfer").substring(4))).body();
        assertTrue(payment.contains(" data-waiting=\"Waiting for a signed approval\u2026\""), payment);
    }

    @Test
    void aWaitingPageHearsAtOnceWhenNl3StopsAndStartsAnswering() {
        Client alice = Client.as("alice");
        String location = requestApproval(alice, "/admin/users");
        String id = sandbox.pendingRequests().get(0).requestId();
        sandbox.fault(Fault.on("/nl3/api/v1/approvalRequest/" + id).withStatus(500));
        long start = System.nanoTime();
        Map<String, Object> down = status(alice, location, 30);
        long downNanos = System.nanoTime() - start;
        assertEquals(true, down.get("unavailable"), down.toString());
        assertEquals(false, down.get("final"));
        assertTrue(downNanos < Duration.ofSeconds(15).toNanos(), "a wait of 30 s answered when NL3 began failing, not "
                + "at its end: " + downNanos / 1e9 + " s");

        sandbox.clearFaults();
        start = System.nanoTime();
        Map<String, Object> back = status(alice, location, 30);
        long backNanos = System.nanoTime() - start;
        assertEquals(false, back.get("unavailable"), back.toString());
        assertEquals("PENDING", back.get("approvalStatus"));
        assertTrue(backNanos < Duration.ofSeconds(15).toNanos(), "a wait of 30 s answered when NL3 answered again: "
                + backNanos / 1e9 + " s");

        // Nothing changes: the wait runs its course.
        start = System.nanoTime();
        assertEquals(false, status(alice, location, 1).get("unavailable"));
        assertTrue(System.nanoTime() - start >= Duration.ofSeconds(1).toNanos());
    }

    @Test
    void cancelEndsTheRequestHereAndAtNl3() {
        Client alice = Client.as("alice");
        String location = requestApproval(alice, "/admin/users");
        String requestId = sandbox.pendingRequests().get(0).requestId();
        Client.Response cancel = alice.postForm(app.uri("/nl3-approval/cancel"), "p=" + Fixtures.ticket(location));
        assertEquals(303, cancel.status());
        assertEquals("CANCELLED", sandbox.request(requestId).status());
        assertTrue(alice.get(app.uri(location.substring(4))).body().contains("Request cancelled"));
        assertEquals("CANCELLED", status(alice, location, 0).get("approvalStatus"));
        // Someone else cannot cancel or read alice's ticket.
        String second = requestApproval(alice, "/admin/users");
        assertEquals(404, Client.as("bob").postForm(app.uri("/nl3-approval/cancel"), "p=" + Fixtures.ticket(second),
                "Accept", "application/json").status());
        assertEquals(404, Client.as("bob").get(app.uri("/nl3-approval/status?p=" + Fixtures.ticket(second))).status());
    }

    @Test
    void lockedUserGetsAVagueRefusal() {
        Client.Response r = Client.as("carol").get(app.uri("/admin/users"));
        assertEquals(403, r.status());
        assertTrue(r.body().contains("not available for your account"));
        assertFalse(r.body().toLowerCase().contains("locked"), "the page reveals the lock");
        assertTrue(sandbox.requests().isEmpty(), "no approval was requested for a locked user");
        Client.Response json = Client.as("carol").get(app.uri("/admin/users"), "Accept", "application/json");
        assertEquals(403, json.status());
        assertFalse(json.body().toLowerCase().contains("locked"));
    }

    @Test
    void notEnrolledUserIsAllowedByDefault() {
        requestApproval(Client.as("dave"), "/admin/users");
        assertEquals("dave", sandbox.pendingRequests().get(0).requester());
    }

    @Test
    void notEnrolledUserIsRefusedWhenConfigured() throws Exception {
        app.close();
        app = Fixtures.app(sandbox, CLOCK, "nl3.not-enrolled", "deny");
        assertEquals(403, Client.as("dave").get(app.uri("/admin/users")).status());
        assertTrue(sandbox.requests().isEmpty());
    }

    @Test
    void unauthenticatedRequestIsChallengedAndNoTokenIsMinted() {
        Client.Response r = Client.anonymous().get(app.uri("/admin/users"));
        assertEquals(401, r.status());
        // Jetty's request.authenticate() does not challenge on an unconstrained path: the filter answers 401 itself.
        assertTrue(r.header("WWW-Authenticate") != null || r.body().contains("Sign-in required"), r.body());
        Client.Response json = Client.anonymous().get(app.uri("/admin/users"), "Accept", "application/json");
        assertEquals(401, json.status());
        assertTrue(json.header("Content-Type").startsWith("application/problem+json"));
        assertEquals("urn:nl3:approval:unauthenticated", json.json().get("type"));
        assertTrue(sandbox.calls().isEmpty(), "an anonymous request reached NL3");
    }

    @Test
    void grantExpiresAfterItsDurationCountedFromApproval() {
        Client alice = Client.as("alice");
        String location = requestApproval(alice, "/admin/users");
        CLOCK.advance(Duration.ofMinutes(5));
        sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob");
        assertEquals("APPROVED", status(alice, location, 5).get("approvalStatus"));
        CLOCK.advance(Duration.ofMinutes(14));
        assertEquals(200, alice.get(app.uri("/admin/users")).status(), "within 15 min of the approval");
        CLOCK.advance(Duration.ofMinutes(1).plusSeconds(1));
        Client.Response after = alice.get(app.uri("/admin/users"));
        assertEquals(303, after.status(), "the grant expired 15 min after the approval");
        assertEquals(1, sandbox.pendingRequests().size());
    }

    @Test
    void anotherApprovalKeyNeedsItsOwnApproval() {
        Client alice = Client.as("alice");
        String location = requestApproval(alice, "/admin/users");
        sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob");
        assertEquals("APPROVED", status(alice, location, 5).get("approvalStatus"));
        assertEquals(200, alice.get(app.uri("/admin/users")).status());
        String payments = requestApproval(alice, "/payments/transfer");
        assertEquals("PAYMENT_APPROVAL", sandbox.pendingRequests().get(0).templateId());
        // The pending page of the second filter is served through the first filter's mapping.
        assertEquals(200, alice.get(app.uri(payments.substring(4))).status());
        // bob has no grant of his own.
        assertEquals(303, Client.as("bob").get(app.uri("/admin/users")).status());
    }

    @Test
    void tokensSentToNl3AreFreshPerCall() {
        requestApproval(Client.as("alice"), "/admin/users");
        List<Call> calls = sandbox.calls();
        assertEquals(2, calls.size(), "lock check and approval request");
        assertEquals("/nl3/api/v1/accountProtectionCheck", calls.get(0).path());
        assertEquals("/nl3/api/v1/approvalRequest", calls.get(1).path());
        assertFalse(calls.get(0).claims().get("jti").equals(calls.get(1).claims().get("jti")));
        assertEquals("alice", calls.get(1).subject());
    }

    @Test
    void usernameMapperNamesTheNl3UserAndThePendingPageStillFindsTheTicket() throws Exception {
        app.close();
        Nl3ApprovalFilter mapped = new Nl3ApprovalFilter(Nl3Settings.fromMap(Fixtures.settings(sandbox, "ADMIN_ACCESS")), null,
                principal -> principal.getName() + "@example.com", CLOCK, event -> { });
        // The pending path is served by another filter instance, which maps no usernames of its own.
        app = AppServer.start(new AppServer.Mapping("nl3-admin", mapped, List.of("/admin/*")),
                new AppServer.Mapping("nl3-pending", Fixtures.filter(sandbox, CLOCK, "OTHER_KEY"), List.of("/nl3-approval/*")));
        Client alice = Client.as("alice");
        String location = requestApproval(alice, "/admin/users");
        assertEquals("alice@example.com", sandbox.pendingRequests().get(0).requester());
        assertEquals(200, alice.get(app.uri(location.substring("/app".length()))).status());
        sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob");
        assertEquals("APPROVED", status(alice, location, 5).get("approvalStatus"));
        assertEquals(200, alice.get(app.uri("/admin/users")).status());
    }

    @Test
    void requestScopedGrantCoversOnlyTheSameMethodAndPath() throws Exception {
        app.close();
        app = Fixtures.app(sandbox, CLOCK, "nl3.grant-scope", "request");
        Client alice = Client.as("alice");
        String location = requestApproval(alice, "/admin/users");
        sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob");
        assertEquals("APPROVED", status(alice, location, 5).get("approvalStatus"));
        assertEquals(200, alice.get(app.uri("/admin/users")).status());
        assertEquals(303, alice.get(app.uri("/admin/settings")).status(), "another path needs its own approval");
        assertEquals(303, alice.postForm(app.uri("/admin/users"), "x=1").status(), "another method needs its own approval");
    }
}
