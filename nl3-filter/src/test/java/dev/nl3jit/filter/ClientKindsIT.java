package dev.nl3jit.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientKindsIT extends AppTestBase {

    @Test
    void browserGetsASeeOtherToThePendingPage() {
        Client.Response r = Client.as("alice").get(app.uri("/admin/users"), "Accept",
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        assertEquals(303, r.status());
        assertTrue(r.location().startsWith("/app/nl3-approval?p="));
    }

    @Test
    void jsonClientGets202ProblemWithStatusLocationAndRetryAfter() {
        Client.Response r = Client.as("alice").get(app.uri("/admin/users"), "Accept", "application/json");
        assertEquals(202, r.status(), r.body());
        assertTrue(r.header("Content-Type").startsWith("application/problem+json"));
        assertEquals("1", r.header("Retry-After"));
        Map<String, Object> p = r.json();
        assertEquals("urn:nl3:approval:pending", p.get("type"));
        assertEquals("Approval pending", p.get("title"));
        assertEquals(202L, ((Number) p.get("status")).longValue());
        assertEquals("PENDING", p.get("approvalStatus"));
        assertEquals("APPROVE", p.get("approvalType"));
        String statusUrl = r.header("Location");
        assertTrue(statusUrl.startsWith("/app/nl3-approval/status?p="), statusUrl);
        assertEquals(statusUrl, p.get("statusUrl"));

        Client.Response status = Client.as("alice").get(app.uri(statusUrl.substring(4)), "Accept", "application/json");
        assertEquals("PENDING", status.json().get("approvalStatus"));
        sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob");
        Client.Response approved = Client.as("alice").get(app.uri(statusUrl.substring(4) + "&wait=5"), "Accept", "application/json");
        assertEquals("APPROVED", approved.json().get("approvalStatus"));
        Client.Response retried = Client.as("alice").get(app.uri("/admin/users"), "Accept", "application/json");
        assertEquals(200, retried.status());
    }

    @Test
    void xhrGetsTheProblemToo() {
        Client.Response r = Client.as("alice").get(app.uri("/admin/users"), "X-Requested-With", "XMLHttpRequest");
        assertEquals(202, r.status());
        assertEquals("urn:nl3:approval:pending", r.json().get("type"));
    }

    @Test
    void apiPathsAlwaysGetProblemJson() throws Exception {
        app.close();
        app = Fixtures.app(sandbox, CLOCK, "nl3.api-paths", "/admin/api/");
        assertEquals(202, Client.as("alice").get(app.uri("/admin/api/users")).status());
    }

    @Test
    void facesPartialRequestGetsAPartialResponseRedirect() {
        Client.Response r = Client.as("alice").get(app.uri("/admin/users.xhtml"), "Faces-Request", "partial/ajax");
        assertEquals(200, r.status());
        assertTrue(r.header("Content-Type").startsWith("text/xml"));
        assertTrue(r.body().matches("<\\?xml version=\"1.0\" encoding=\"UTF-8\"\\?><partial-response><redirect url=\"/app/nl3-approval\\?p=[A-Za-z0-9_.-]+\"></redirect></partial-response>"),
                r.body());
    }

    @Test
    void nl3MethodsLeavesOtherMethodsUncheckedAndAFacesAjaxPostIsNotKept() throws Exception {
        app.close();
        app = Fixtures.app(sandbox, CLOCK, "nl3.methods", "POST");
        Client alice = Client.as("alice");
        assertEquals(200, alice.get(app.uri("/admin/users.xhtml")).status(), "GET is not in nl3.methods");
        assertTrue(sandbox.calls().isEmpty(), "an unprotected method called NL3");

        Client.Response ajax = alice.postForm(app.uri("/admin/users.xhtml"), "jakarta.faces.partial.ajax=true&amount=5",
                "Faces-Request", "partial/ajax");
        assertEquals(200, ajax.status());
        assertTrue(ajax.body().contains("<partial-response><redirect url=\"/app/nl3-approval?p="), ajax.body());
        String page = ajax.body().replaceAll("(?s).*<redirect url=\"/app([^\"]+)\".*", "$1");
        sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob");
        CLOCK.advance(java.time.Duration.ofSeconds(2));
        Client.Response approved = alice.get(app.uri(page.replace("nl3-approval?", "nl3-approval/status?")),
                "Accept", "application/json");
        assertEquals(200, approved.status(), approved.body());
        assertEquals("APPROVED", approved.json().get("approvalStatus"), approved.body());
        assertEquals(false, approved.json().get("sendNow"), "a Faces Ajax request was kept for Send now: " + approved.body());
        assertEquals(200, alice.postForm(app.uri("/admin/users.xhtml"), "jakarta.faces.partial.ajax=true&amount=5",
                "Faces-Request", "partial/ajax").status());
    }

    @Test
    void postIsNotReplayedSilently() {
        Client alice = Client.as("alice");
        Client.Response post = alice.postForm(app.uri("/admin/users/delete"), "id=7");
        assertEquals(303, post.status());
        String location = post.location();
        Client.Response page = alice.get(app.uri(location.substring(4)));
        assertTrue(page.body().contains("Your POST was not sent"), page.body());
        sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob");
        Client.Response status = alice.get(app.uri("/nl3-approval/status?p=" + Fixtures.ticket(location) + "&wait=5"),
                "Accept", "application/json");
        assertEquals("APPROVED", status.json().get("approvalStatus"));
        assertEquals(false, status.json().get("replay"));
        Client.Response proceed = alice.get(app.uri("/nl3-approval/continue?p=" + Fixtures.ticket(location)));
        assertEquals("/app/", proceed.location(), "a POST is never turned into a GET of its URL");
        Client.Response resubmitted = alice.postForm(app.uri("/admin/users/delete"), "id=7");
        assertEquals(200, resubmitted.status());
        assertTrue(resubmitted.body().contains("POST /app/admin/users/delete"));
    }

    @Test
    void pendingEndpointRefusesWrongMethodsAndBadInput() {
        Client alice = Client.as("alice");
        String location = alice.get(app.uri("/admin/users")).location();
        String ticket = Fixtures.ticket(location);
        Client.Response wrong = alice.postForm(app.uri("/nl3-approval/status?p=" + ticket), "");
        assertEquals(405, wrong.status());
        assertEquals("GET", wrong.header("Allow"));
        assertEquals(400, alice.get(app.uri("/nl3-approval/status?p=" + ticket + "&wait=soon")).status());
        assertEquals(404, alice.get(app.uri("/nl3-approval/nothing")).status());
        assertEquals(404, alice.get(app.uri("/nl3-approval?p=forged")).status());
        assertEquals(403, alice.postForm(app.uri("/nl3-approval/cancel"), "p=" + ticket, "Sec-Fetch-Site", "cross-site").status());
        assertEquals("PENDING", sandbox.pendingRequests().get(0).status());
    }

    @Test
    void applicationCanReplaceThePendingPage() throws Exception {
        app.close();
        app = AppServer.start(new AppServer.Mapping("nl3-admin",
                Fixtures.filter(sandbox, CLOCK, "ADMIN_ACCESS", "nl3.pending-page", "/public/waiting"),
                List.of("/admin/*", "/nl3-approval/*")));
        Client.Response first = Client.as("alice").get(app.uri("/admin/users"));
        Client.Response page = Client.as("alice").get(app.uri(first.location().substring(4)));
        assertEquals(200, page.status());
        assertTrue(page.body().startsWith("PUBLIC OK alice GET /app/public/waiting"), page.body());
        assertTrue(page.body().contains("status=PENDING type=APPROVE"), page.body());
        assertTrue(page.body().contains("statusUrl=/app/nl3-approval/status?p="), page.body());
    }

    @Test
    void eachTicketIsRenderedByTheFilterThatCreatedIt() throws Exception {
        app.close();
        // Both filters keep their tickets in the application's one default store; only nl3-admin has a page of its own.
        app = AppServer.start(
                new AppServer.Mapping("nl3-admin",
                        Fixtures.filter(sandbox, CLOCK, "ADMIN_ACCESS", "nl3.pending-page", "/public/waiting"),
                        List.of("/admin/*", "/nl3-approval/*")),
                new AppServer.Mapping("nl3-payments", Fixtures.filter(sandbox, CLOCK, "PAYMENT_APPROVAL"), List.of("/payments/*")));
        Client alice = Client.as("alice");
        String admin = alice.get(app.uri("/admin/users")).location();
        String payment = alice.get(app.uri("/payments/transfer")).location();
        assertNotEquals(Fixtures.ticket(admin), Fixtures.ticket(payment));

        Client.Response adminPage = alice.get(app.uri(admin.substring(4)));
        assertTrue(adminPage.body().startsWith("PUBLIC OK alice GET /app/public/waiting"), adminPage.body());
        Client.Response paymentPage = alice.get(app.uri(payment.substring(4)));
        assertEquals(200, paymentPage.status());
        assertFalse(paymentPage.body().contains("PUBLIC OK"), "nl3-payments has no page of its own: " + paymentPage.body());
        assertTrue(paymentPage.body().contains("Approval required"), paymentPage.body());
    }
}
