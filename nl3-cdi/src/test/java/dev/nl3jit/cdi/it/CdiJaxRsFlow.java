package dev.nl3jit.cdi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.sandbox.ApprovalView;
import dev.nl3jit.sandbox.Sandbox;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The CDI + JAX-RS application every EE server test deploys, and the walks through it: the same assertions on
 * every server.
 */
final class CdiJaxRsFlow {
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private CdiJaxRsFlow() {
    }

    /** The test application with the library's jars in {@code WEB-INF/lib}; no web.xml, no settings. */
    static WebArchive application(String name) {
        return ShrinkWrap.create(WebArchive.class, name)
                .addClasses(TransferResource.class, ApprovalsResource.class, OperatorNames.class, RestApplication.class,
                        DemoSecurity.class, AuditLog.class)
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml")
                .addAsLibraries(new File(System.getProperty("test.filter.jar")), new File(System.getProperty("test.cdi.jar")),
                        jarOf(org.jose4j.jws.JsonWebSignature.class), jarOf(org.slf4j.LoggerFactory.class));
    }

    static File jarOf(Class<?> c) {
        try {
            return new File(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<String> send(String user, HttpRequest.Builder b) throws Exception {
        b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":pw").getBytes(StandardCharsets.UTF_8)));
        return HTTP.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder post(URI uri, String form, String accept) {
        return HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded").header("Accept", accept)
                .POST(HttpRequest.BodyPublishers.ofString(form));
    }

    /** {@code ApprovalService} from application code, with the application's {@code UsernameMapper} bean. */
    static void approvalServiceFindsTicketsWithTheApplicationsUsernameMapper(Sandbox sandbox, URI root) throws Exception {
        URI approvals = root.resolve("api/approvals");
        HttpResponse<String> asked = send("ops-alice", HttpRequest.newBuilder(approvals).POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, asked.statusCode(), asked.body());
        String ticket = asked.body();
        assertEquals("alice", sandbox.pendingRequests().get(0).requester(), "the mapper names the NL3 user");

        HttpResponse<String> status = send("ops-alice", HttpRequest.newBuilder(approvals.resolve("approvals/" + ticket)).GET());
        assertEquals(200, status.statusCode(), status.body());
        assertEquals("PENDING", status.body());
        sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob");
        String now = "PENDING";
        for (long until = System.nanoTime() + 5_000_000_000L; now.equals("PENDING") && System.nanoTime() < until;) {
            Thread.sleep(50); // NL3 is asked at most once per poll interval (200 ms here)
            now = send("ops-alice", HttpRequest.newBuilder(approvals.resolve("approvals/" + ticket)).GET()).body();
        }
        assertEquals("APPROVED", now);

        HttpResponse<String> other = send("bob", HttpRequest.newBuilder(approvals.resolve("approvals/" + ticket)).GET());
        assertEquals(404, other.statusCode(), "another user cannot read the ticket");
    }

    /**
     * The interceptor on a resource method, the exception mapper's 202 and 303, the status endpoint, the grant, the
     * lock, and the events the application observed.
     */
    static void interceptorProtectsTheResourceMethodEndToEnd(Sandbox sandbox, URI root) throws Exception {
        URI transfers = root.resolve("api/transfers");

        HttpResponse<String> open = send("alice", HttpRequest.newBuilder(transfers).GET());
        assertEquals(200, open.statusCode(), open.body());
        assertEquals("no transfers for alice", open.body());
        assertTrue(sandbox.calls().isEmpty(), "an unprotected method called NL3");

        HttpResponse<String> pending = send("alice", post(transfers, "amount=EUR+1200&to=ACME", "application/json"));
        assertEquals(202, pending.statusCode(), pending.body());
        assertTrue(pending.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertTrue(pending.body().contains("\"type\":\"urn:nl3:approval:pending\""), pending.body());
        String status = pending.headers().firstValue("Location").orElseThrow();
        assertTrue(status.contains("/nl3-approval/status?p="), status);

        ApprovalView request = sandbox.pendingRequests().get(0);
        assertEquals("PAYMENT_APPROVAL", request.templateId());
        assertEquals("alice", request.requester());
        assertEquals("EUR 1200", request.metaData().get("amount"));
        assertEquals("ACME", request.metaData().get("recipient"));

        HttpResponse<String> browser = send("alice", post(transfers, "amount=EUR+1200&to=ACME", "text/html"));
        assertEquals(303, browser.statusCode(), browser.body());
        assertTrue(browser.headers().firstValue("Location").orElseThrow().contains("/nl3-approval?p="));
        assertEquals(1, sandbox.requests().size(), "asked once");

        sandbox.approve(request.requestId(), "bob", null, "Bob Approver");
        HttpResponse<String> approved = send("alice",
                HttpRequest.newBuilder(root.resolve(status.substring(status.indexOf("nl3-approval")) + "&wait=5"))
                        .header("Accept", "application/json").GET());
        assertEquals(200, approved.statusCode(), approved.body());
        assertTrue(approved.body().contains("\"approvalStatus\":\"APPROVED\""), approved.body());

        int calls = sandbox.calls().size();
        HttpResponse<String> done = send("alice", post(transfers, "amount=EUR+1200&to=ACME", "application/json"));
        assertEquals(200, done.statusCode(), done.body());
        assertEquals("transferred EUR 1200 to ACME for alice", done.body());
        assertEquals(calls, sandbox.calls().size(), "a live grant made NL3 calls");

        HttpResponse<String> locked = send("carol", post(transfers, "amount=1&to=X", "application/json"));
        assertEquals(403, locked.statusCode(), locked.body());
        assertTrue(locked.body().contains("urn:nl3:approval:not-available"), locked.body());

        String audit = send("alice", HttpRequest.newBuilder(root.resolve("api/audit")).GET()).body();
        for (String line : new String[] {"REQUESTED alice PAYMENT_APPROVAL", "APPROVED alice PAYMENT_APPROVAL",
                "LOCKED carol PAYMENT_APPROVAL"}) {
            assertTrue(audit.contains(line), "the application observed no '" + line + "' event:\n" + audit);
        }
    }
}
