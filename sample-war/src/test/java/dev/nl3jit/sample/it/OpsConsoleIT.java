package dev.nl3jit.sample.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.sandbox.ApprovalView;
import dev.nl3jit.sandbox.Sandbox;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The packaged sample WAR on a real container (Jetty 12 or Tomcat 10.1, see the failsafe executions) against the sandbox. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OpsConsoleIT {
    private static Sandbox sandbox;

    @ArquillianResource
    URL url;

    private URI app;

    @Deployment(testable = false)
    static WebArchive deployment() {
        sandbox = Deployments.startSandbox(null);
        return Deployments.packagedWar();
    }

    @AfterAll
    static void stop() {
        Deployments.stop(sandbox);
    }

    @BeforeEach
    void base() {
        String path = url.getPath().endsWith("/") ? url.getPath() : url.getPath() + "/";
        app = URI.create("http://127.0.0.1:" + url.getPort() + path);
    }

    /** Approves through the sandbox's admin API, over HTTP, as a test script would. */
    private static HttpResponse<String> admin(String action, String requestId, String json) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(sandbox.baseUri().resolve("/sandbox/api/requests/"
                + requestId + "/" + action)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static ApprovalView newest(String requester, String templateId) {
        return sandbox.pendingRequests().stream().filter(r -> r.requester().equals(requester) && r.templateId().equals(templateId))
                .findFirst().orElseThrow(() -> new AssertionError("no pending " + templateId + " of " + requester));
    }

    private static String ticket(String location) {
        return location.substring(location.indexOf("p=") + 2);
    }

    @Test
    void publicHomeNeedsNeitherLoginNorNl3() {
        WebClient anonymous = new WebClient(app);
        HttpResponse<String> home = anonymous.get("");
        assertEquals(200, home.statusCode());
        assertTrue(home.body().contains("Operations console"));
        HttpResponse<String> login = anonymous.get("admin/users");
        assertTrue(login.statusCode() == 302 || login.body().contains("j_security_check"), "the container asks for a login first");
    }

    @Test
    void adminAreaRejectThenApproveThenPass() throws Exception {
        WebClient alice = new WebClient(app).login("alice");
        int before = sandbox.calls().size();
        assertEquals(200, alice.get("account").statusCode());
        assertEquals(before, sandbox.calls().size(), "a page without approval called NL3");

        HttpResponse<String> first = alice.get("admin/users");
        assertEquals(303, first.statusCode(), first.body());
        String pending = first.headers().firstValue("Location").orElseThrow();
        assertTrue(pending.contains("/nl3-approval?p="), pending);
        HttpResponse<String> page = alice.get(alice.relative(pending));
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Approval required") && page.body().contains(">approve<"), page.body());

        ApprovalView request = newest("alice", "ADMIN_ACCESS");
        assertEquals("the user administration", request.metaData().get("resource"));
        assertEquals(200, admin("reject", request.requestId(), "{\"approver\":\"bob\",\"comment\":\"Use the staging copy\"}").statusCode());
        assertTrue(alice.get("nl3-approval/status?p=" + ticket(pending) + "&wait=5", "Accept", "application/json").body()
                .contains("\"approvalStatus\":\"REJECTED\""));
        HttpResponse<String> rejected = alice.get("admin/users");
        assertEquals(403, rejected.statusCode());
        assertTrue(rejected.body().contains("Use the staging copy"));

        HttpResponse<String> again = alice.post("nl3-approval/retry", "p=" + ticket(pending));
        assertEquals(303, again.statusCode());
        HttpResponse<String> second = alice.get("admin/users");
        assertEquals(303, second.statusCode());
        String secondPending = second.headers().firstValue("Location").orElseThrow();
        assertEquals(200, admin("approve", newest("alice", "ADMIN_ACCESS").requestId(), "{\"approver\":\"bob\"}").statusCode());
        assertTrue(alice.get("nl3-approval/status?p=" + ticket(secondPending) + "&wait=5", "Accept", "application/json").body()
                .contains("\"approvalStatus\":\"APPROVED\""));
        HttpResponse<String> proceed = alice.get("nl3-approval/continue?p=" + ticket(secondPending));
        assertEquals(303, proceed.statusCode());
        assertTrue(proceed.headers().firstValue("Location").orElseThrow().endsWith("/admin/users"));
        int calls = sandbox.calls().size();
        HttpResponse<String> ok = alice.get("admin/users");
        assertEquals(200, ok.statusCode());
        assertTrue(ok.body().contains("id=\"admin-content\""));
        assertEquals(calls, sandbox.calls().size(), "a live grant called NL3");
    }

    @Test
    void lockedUserIsTurnedAwayVaguely() {
        WebClient carol = new WebClient(app).login("carol");
        HttpResponse<String> r = carol.get("admin/users");
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("not available for your account"));
        assertFalse(r.body().toLowerCase().contains("locked"));
    }

    @Test
    void paymentNeedsASignedApprovalWithTheFormValues() throws Exception {
        List<String> audit = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                audit.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger auditLog = Logger.getLogger("dev.nl3jit.audit");
        auditLog.addHandler(capture);
        try {
            WebClient alice = new WebClient(app).login("alice");
            String csrf = alice.csrf("payments");
            String form = WebClient.form("csrf", csrf, "amount", "EUR 1,200.00", "recipient", "ACME Supplies Ltd");
            HttpResponse<String> first = alice.post("payments/transfer", form);
            assertEquals(303, first.statusCode(), first.body());
            String pending = first.headers().firstValue("Location").orElseThrow();
            assertTrue(alice.get(alice.relative(pending)).body().contains("It is kept here"));

            ApprovalView request = newest("alice", "PAYMENT_APPROVAL");
            assertEquals("SIGN_AND_APPROVE", request.approvalType().name());
            assertEquals("EUR 1,200.00", request.metaData().get("amount"));
            assertEquals("ACME Supplies Ltd", request.metaData().get("recipient"));
            assertEquals("Payment of EUR 1,200.00 to ACME Supplies Ltd", request.title());
            assertEquals("Approval covers: POST /payments/transfer with exactly the values shown, once if signed, for 5 min\n"
                    + "Requester: alice\nAmount: EUR 1,200.00\nRecipient: ACME Supplies Ltd\nReference: none",
                    request.approvalData());

            assertEquals(400, admin("approve", request.requestId(), "{\"approver\":\"bob\"}").statusCode(), "no signature");
            assertEquals(200, admin("approve", request.requestId(), "{\"approver\":\"bob\",\"signature\":\"Bob Builder\"}").statusCode());
            assertTrue(alice.get("nl3-approval/status?p=" + ticket(pending) + "&wait=5", "Accept", "application/json").body()
                    .contains("\"sendNow\":true"));

            // Send now: one click sends the kept POST; what the click itself carries is ignored.
            String page = alice.get(alice.relative(pending)).body();
            Matcher token = Pattern.compile("name=\"token\" value=\"([^\"]+)\"").matcher(page);
            assertTrue(token.find(), page);
            String click = "p=" + ticket(pending) + "&token=" + token.group(1) + "&amount=EUR+999%2C999.00";
            HttpResponse<String> done = alice.post("nl3-approval/send", click);
            assertEquals(200, done.statusCode(), done.body());
            assertTrue(done.body().contains("Transferred <strong>EUR 1,200.00</strong> to <strong>ACME Supplies Ltd</strong>"),
                    done.body());
            assertEquals(409, alice.post("nl3-approval/send", click).statusCode(), "sent once");
            assertEquals(303, alice.post("payments/transfer", form).statusCode(), "the signed approval was good for one transfer");
            HttpResponse<String> tampered = alice.post("payments/transfer",
                    WebClient.form("csrf", csrf, "amount", "EUR 999,999.00", "recipient", "ACME Supplies Ltd"));
            assertEquals(303, tampered.statusCode(), "another amount needs its own approval");

            String approved = audit.stream().filter(l -> l.contains("\"event\":\"APPROVED\"") && l.contains(request.requestId()))
                    .findFirst().orElseThrow(() -> new AssertionError("no audit line in " + audit));
            for (String part : List.of("\"user\":\"alice\"", "\"decidedBy\":\"bob\"", "\"signed\":true",
                    "\"signer\":\"Bob Builder\"", "\"amount\":\"EUR 1,200.00\"", "\"recipient\":\"ACME Supplies Ltd\"",
                    "\"uses\":\"1\"", "\"method\":\"POST\"")) {
                assertTrue(approved.contains(part), part + " missing from " + approved);
            }
            assertTrue(audit.stream().anyMatch(l -> l.contains("\"event\":\"SENT\"")), audit.toString());
        } finally {
            auditLog.removeHandler(capture);
        }
    }

    @Test
    void signOutIsAPostWithTheSessionsToken() {
        WebClient alice = new WebClient(app).login("alice");
        assertEquals(405, alice.get("logout").statusCode());
        assertEquals(403, alice.post("logout", "").statusCode(), "signed out without the token");
        assertEquals(403, alice.post("logout", WebClient.form("csrf", "forged")).statusCode());
        assertEquals(403, alice.post("logout", WebClient.form("csrf", new WebClient(app).login("bob").csrf("account")))
                .statusCode(), "another session's token");
        assertTrue(alice.get("account").body().contains("Signed in as <strong>alice"), "signed out by a refused post");
        assertEquals(302, alice.post("logout", WebClient.form("csrf", alice.csrf("account"))).statusCode());
        assertFalse(alice.get("account").body().contains("Signed in as"), "signed out");
    }

    @Test
    void aTransferWithoutTheSessionsTokenIsRefusedAndAsksNoOne() {
        WebClient alice = new WebClient(app).login("alice");
        String bobs = new WebClient(app).login("bob").csrf("payments");
        String alices = alice.csrf("payments");
        assertFalse(alices.equals(bobs), "one token per session");
        int requests = sandbox.requests().size();
        long asked = sandbox.calls().stream().filter(c -> c.path().equals("/nl3/api/v1/approvalRequest")).count();
        for (String form : List.of(WebClient.form("amount", "EUR 5.00", "recipient", "Mallory"),
                WebClient.form("csrf", "", "amount", "EUR 5.00", "recipient", "Mallory"),
                WebClient.form("csrf", alices.substring(1), "amount", "EUR 5.00", "recipient", "Mallory"),
                WebClient.form("csrf", bobs, "amount", "EUR 5.00", "recipient", "Mallory"))) {
            HttpResponse<String> r = alice.post("payments/transfer", form);
            assertEquals(403, r.statusCode(), form + " -> " + r.body());
            assertTrue(r.body().contains("id=\"csrf-refused\"") && r.body().contains("nothing was done"), r.body());
            assertFalse(r.body().contains("Transferred"), r.body());
        }
        assertEquals(requests, sandbox.requests().size(), "an approver was asked about a forged transfer");
        assertEquals(asked, sandbox.calls().stream().filter(c -> c.path().equals("/nl3/api/v1/approvalRequest")).count(),
                "NL3 was called for a forged transfer");
        // The same form with the session's token goes on to the approval.
        HttpResponse<String> real = alice.post("payments/transfer",
                WebClient.form("csrf", alices, "amount", "EUR 5.00", "recipient", "Mallory"));
        assertEquals(303, real.statusCode(), real.body());
        assertEquals(requests + 1, sandbox.requests().size());
        assertEquals("EUR 5.00", newest("alice", "PAYMENT_APPROVAL").metaData().get("amount"));
    }

    @Test
    void jsonClientGetsProblemJson() {
        WebClient bob = new WebClient(app).login("bob");
        HttpResponse<String> r = bob.get("admin/users", "Accept", "application/json");
        assertEquals(202, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertTrue(r.body().contains("\"type\":\"urn:nl3:approval:pending\""));
        assertTrue(r.headers().firstValue("Location").orElseThrow().contains("/nl3-approval/status?p="));
        assertTrue(r.headers().firstValue("Retry-After").isPresent());
    }
}
