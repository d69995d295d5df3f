package dev.nl3jit.filter;

import dev.nl3jit.filter.spi.UsernameMapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.sandbox.ApprovalView;
import dev.nl3jit.sandbox.Call;
import java.net.CookieManager;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What was approved is exactly what runs: grants bound to the approved values, used up atomically, the kept request
 * sent once by Send now, a lock honoured while a grant lives, request limits and per-user caps, and an audit event
 * that names the approver, the signature and the values.
 */
class ApprovalIntegrityIT extends AppTestBase {
    private static final String TRANSFER = "/payments/transfer";
    private static final Pattern TOKEN = Pattern.compile("name=\"token\" value=\"([^\"]+)\"");
    private final List<ApprovalEvent> events = new CopyOnWriteArrayList<>();

    /** Each test starts its own application. */
    @Override
    protected AppServer application() {
        return null;
    }

    /** /admin/* (Approve) and /payments/* (Sign and Approve, bound to amount and recipient); the given overrides on both. */
    private AppServer start(String... overrides) throws Exception {
        List<String> payments = new ArrayList<>(List.of("nl3.grant-scope", "request", "nl3.parameters", "amount,to=recipient"));
        payments.addAll(List.of(overrides));
        return AppServer.start(
                new AppServer.Mapping("nl3-admin", filter("ADMIN_ACCESS", overrides), List.of("/admin/*", "/nl3-approval/*")),
                new AppServer.Mapping("nl3-payments", filter("PAYMENT_APPROVAL", payments.toArray(new String[0])),
                        List.of("/payments/*")));
    }

    private Nl3ApprovalFilter filter(String key, String... overrides) {
        return new Nl3ApprovalFilter(Nl3Settings.fromMap(Fixtures.settings(sandbox, key, overrides)), null,
                UsernameMapper.PRINCIPAL_NAME, CLOCK, events::add);
    }

    private Client.Response transfer(Client c, String amount, String to, String... headers) {
        return c.postForm(app.uri(TRANSFER), "amount=" + amount.replace(" ", "+") + "&to=" + to, headers);
    }

    private String approveLatest(String signature) {
        ApprovalView r = sandbox.pendingRequests().get(0);
        sandbox.approve(r.requestId(), "bob", null, signature);
        return r.requestId();
    }

    private Map<String, Object> awaitStatus(Client c, String location) {
        Client.Response r = c.get(app.uri("/nl3-approval/status?p=" + Fixtures.ticket(location) + "&wait=5"), "Accept",
                "application/json");
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    private long apiCalls(String pathPart) {
        return sandbox.calls().stream().filter(c -> c.path().contains(pathPart)).count();
    }

    @Test
    void aChangedAmountOrRecipientNeedsANewApproval() throws Exception {
        app = start("nl3.grant-uses", "unlimited");
        Client alice = Client.as("alice");
        String location = transfer(alice, "EUR 1200", "ACME").location();
        assertEquals("EUR 1200", sandbox.pendingRequests().get(0).metaData().get("amount"));
        approveLatest("Bob Approver");
        assertEquals("APPROVED", awaitStatus(alice, location).get("approvalStatus"));

        Client.Response same = transfer(alice, "EUR 1200", "ACME");
        assertEquals(200, same.status(), same.body());
        assertTrue(same.body().contains("form=[amount:EUR 1200, to:ACME]"), same.body());
        assertEquals(200, transfer(alice, "EUR 1200", "ACME").status(), "unlimited uses within the grant");

        Client.Response more = transfer(alice, "EUR 999999", "ACME");
        assertEquals(303, more.status(), "another amount is another approval: " + more.body());
        Client.Response elsewhere = transfer(alice, "EUR 1200", "Mallory");
        assertEquals(303, elsewhere.status(), "another recipient is another approval");
        assertEquals(3, sandbox.requests().size());
        assertEquals(java.util.Set.of("EUR 999999 to ACME", "EUR 1200 to Mallory"), sandbox.pendingRequests().stream()
                .map(r -> r.metaData().get("amount") + " to " + r.metaData().get("recipient")).collect(java.util.stream.Collectors.toSet()));
        assertEquals(303, alice.get(app.uri(TRANSFER)).status(), "a GET is not the approved POST");
    }

    @Test
    void aSignedApprovalIsGoodForOneUseEvenUnderTwentyConcurrentSubmissions() throws Exception {
        app = start();
        Client alice = Client.as("alice");
        String location = transfer(alice, "EUR 1200", "ACME").location();
        approveLatest("Bob Approver");
        assertEquals("APPROVED", awaitStatus(alice, location).get("approvalStatus"));

        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Client.Response>> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            all.add(pool.submit(() -> {
                go.await();
                return transfer(alice, "EUR 1200", "ACME");
            }));
        }
        go.countDown();
        int passed = 0;
        for (Future<Client.Response> f : all) {
            Client.Response r = f.get(20, TimeUnit.SECONDS);
            if (r.status() == 200) {
                passed++;
                assertTrue(r.body().contains("form=[amount:EUR 1200, to:ACME]"), r.body());
            } else {
                assertEquals(303, r.status(), "the others are asked to wait for a new approval: " + r.body());
            }
        }
        pool.shutdownNow();
        assertEquals(1, passed, "a single-use grant let more than one submission through");
    }

    @Test
    void sendNowRunsTheKeptRequestOnceForItsOwnerOnly() throws Exception {
        app = start();
        Client alice = Client.as("alice");
        Client.Response first = transfer(alice, "EUR 1200", "ACME");
        assertEquals(303, first.status());
        String page = first.location().substring("/app".length());
        assertTrue(alice.get(app.uri(page)).body().contains("It is kept here"), "the page says the POST is kept");
        approveLatest("Bob Approver");
        assertEquals(Boolean.TRUE, awaitStatus(alice, first.location()).get("sendNow"));

        Client.Response approvedPage = alice.get(app.uri(page));
        assertTrue(approvedPage.body().contains("Send now"), approvedPage.body());
        assertTrue(approvedPage.body().contains("<dd>EUR 1200</dd>"), "shows the approved values: " + approvedPage.body());
        Matcher m = TOKEN.matcher(approvedPage.body());
        assertTrue(m.find(), approvedPage.body());
        String form = "p=" + Fixtures.ticket(first.location()) + "&token=" + m.group(1);
        // Anything the click carries besides ticket and token is ignored.
        String tampered = form + "&amount=EUR+999999&to=Mallory";

        Client.Response forged = alice.postForm(app.uri("/nl3-approval/send"), tampered, "Sec-Fetch-Site", "cross-site");
        assertEquals(403, forged.status(), "a cross-site POST is refused");
        Client.Response bob = Client.as("bob").postForm(app.uri("/nl3-approval/send"), tampered);
        assertEquals(404, bob.status(), "another user cannot use alice's ticket");
        Client.Response guessed = alice.postForm(app.uri("/nl3-approval/send"), "p=" + Fixtures.ticket(first.location())
                + "&token=guessed");
        assertEquals(409, guessed.status(), "a wrong token sends nothing");
        assertFalse(guessed.body().contains("PAYMENTS OK"));

        Client.Response sent = alice.postForm(app.uri("/nl3-approval/send"), tampered);
        assertEquals(200, sent.status(), sent.body());
        assertEquals("PAYMENTS OK alice POST /app/payments/transfer form=[amount:EUR 1200, to:ACME]", sent.body());

        Client.Response again = alice.postForm(app.uri("/nl3-approval/send"), form);
        assertEquals(409, again.status(), "a second click sends nothing");
        assertTrue(again.body().contains("sent already"), again.body());
        assertEquals(303, transfer(alice, "EUR 1200", "ACME").status(), "the single use went to Send now");
        assertTrue(events.stream().anyMatch(e -> e.kind() == ApprovalEvent.Kind.SENT && e.user().equals("alice")));
    }

    @Test
    void sendNowKeepsARawBodyExactly() throws Exception {
        app = start();
        Client alice = Client.as("alice");
        Client.Response first = alice.send(app.uri("/payments/notes"), "POST", "text/plain; charset=UTF-8", "pay ACME €1200\nref 7");
        assertEquals(303, first.status(), first.body());
        approveLatest("Bob Approver");
        awaitStatus(alice, first.location());
        Matcher m = TOKEN.matcher(alice.get(app.uri(first.location().substring("/app".length()))).body());
        assertTrue(m.find());
        Client.Response sent = alice.postForm(app.uri("/nl3-approval/send"), "p=" + Fixtures.ticket(first.location())
                + "&token=" + m.group(1));
        assertEquals("PAYMENTS OK alice POST /app/payments/notes type=text/plain; charset=UTF-8 body=pay ACME €1200\nref 7",
                sent.body());
    }

    @Test
    void aLockBitesWithinTheRecheckIntervalWithNoNl3CallOnTheRequestPath() throws Exception {
        app = start("nl3.lock-recheck", "1s");
        Client alice = Client.as("alice");
        String location = alice.get(app.uri("/admin/users")).location();
        approveLatest(null);
        awaitStatus(alice, location);
        assertEquals(200, alice.get(app.uri("/admin/users")).status());

        sandbox.clearCalls();
        sandbox.lock("alice");
        long start = System.nanoTime();
        int status = 200;
        while (status == 200 && System.nanoTime() - start < 5_000_000_000L) {
            status = alice.get(app.uri("/admin/users")).status();
            Thread.sleep(50);
        }
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        System.out.println("lock re-check: the lock bit " + tookMs + " ms after it was set (nl3.lock-recheck=1s)");
        assertEquals(403, status);
        assertTrue(tookMs <= 2000, "the lock bit after " + tookMs + " ms, more than recheck (1 s) + 1 s");
        List<Call> calls = sandbox.calls();
        assertFalse(calls.isEmpty(), "the background re-check asked NL3");
        for (Call c : calls) {
            assertTrue(c.path().endsWith("/accountProtectionCheck"), "only background lock checks, no call for a request: " + c);
        }
        assertEquals(403, alice.get(app.uri("/admin/users")).status());
        assertEquals(sandbox.calls().size(), apiCalls("/accountProtectionCheck"), "known locked: refused with no call of its own");
        assertTrue(events.stream().anyMatch(e -> e.kind() == ApprovalEvent.Kind.LOCKED && e.user().equals("alice")));
    }

    @Test
    void anApprovalThatArrivesWhileLockedGivesNoGrant() throws Exception {
        app = start();
        Client alice = Client.as("alice");
        String location = alice.get(app.uri("/admin/users")).location();
        approveLatest(null);
        sandbox.lock("alice");
        assertEquals("APPROVED", awaitStatus(alice, location).get("approvalStatus"));
        assertEquals(403, alice.get(app.uri("/admin/users")).status(), "approved while locked: no grant");
        assertTrue(events.stream().noneMatch(e -> e.kind() == ApprovalEvent.Kind.APPROVED));
    }

    @Test
    void theRequestLimitAnswers429WithoutAskingNl3() throws Exception {
        app = start("nl3.request-limit", "2/10m", "nl3.grant-scope", "request");
        Client alice = Client.as("alice");
        assertEquals(303, alice.get(app.uri("/admin/a")).status());
        assertEquals(303, alice.get(app.uri("/admin/b")).status());
        int calls = sandbox.calls().size();
        Client.Response browser = alice.get(app.uri("/admin/c"));
        assertEquals(429, browser.status(), browser.body());
        assertTrue(browser.body().contains("Too many approval requests"));
        assertTrue(Long.parseLong(browser.header("Retry-After")) > 0);
        Client.Response api = alice.get(app.uri("/admin/d"), "Accept", "application/json");
        assertEquals(429, api.status());
        assertEquals("urn:nl3:approval:too-many-requests", api.json().get("type"));
        assertEquals(calls, sandbox.calls().size(), "no NL3 call over the limit");
        assertEquals(2, sandbox.requests().size());
        assertEquals(303, Client.as("erin").get(app.uri("/admin/c")).status(), "the limit is per user");
    }

    @Test
    void oneUsersFloodLeavesOtherUsersGrantsAndTicketsIntact() throws Exception {
        app = start("nl3.max-entries", "10", "nl3.max-entries-per-user", "3", "nl3.request-limit", "100/1m",
                "nl3.grant-scope", "request");
        Client alice = Client.as("alice");
        String aliceLocation = alice.get(app.uri("/admin/x")).location();
        approveLatest(null);
        awaitStatus(alice, aliceLocation);
        String erinLocation = Client.as("erin").get(app.uri("/admin/y")).location();

        Client mallory = Client.as("mallory");
        for (int i = 0; i < 25; i++) {
            assertEquals(303, mallory.get(app.uri("/admin/m" + i)).status());
        }
        assertEquals(200, alice.get(app.uri("/admin/x")).status(), "alice's grant survived the flood");
        Client.Response erin = Client.as("erin").get(app.uri("/nl3-approval/status?p=" + Fixtures.ticket(erinLocation)),
                "Accept", "application/json");
        assertEquals(200, erin.status(), "erin's ticket survived the flood");
        assertEquals("PENDING", erin.json().get("approvalStatus"));
    }

    @Test
    void theAuditEventOfASignedApprovalNamesApproverSignatureAndValues() throws Exception {
        app = start();
        Client alice = Client.as("alice");
        String location = transfer(alice, "EUR 1200", "ACME").location();
        String requestId = approveLatest("Bob Approver");
        awaitStatus(alice, location);
        ApprovalEvent approved = events.stream().filter(e -> e.kind() == ApprovalEvent.Kind.APPROVED).findFirst()
                .orElseThrow(() -> new AssertionError("no APPROVED event in " + events));
        assertEquals("alice", approved.user());
        assertEquals(requestId, approved.requestId());
        assertEquals("bob", approved.decidedBy());
        assertEquals(ApprovalType.SIGN_AND_APPROVE, approved.approvalType());
        assertTrue(approved.signed());
        assertEquals("Bob Approver", approved.signer());
        assertNotNull(approved.signedAt());
        assertEquals("POST", approved.method());
        assertEquals(TRANSFER, approved.path());
        assertEquals(Map.of("amount", "EUR 1200", "to", "ACME"), approved.values());
        assertNotNull(approved.valuesDigest());
        assertTrue(approved.scope().startsWith("POST /payments/transfer #" + approved.valuesDigest()), approved.scope());
        assertEquals(1, approved.uses(), "Sign and Approve: one use");
        assertEquals(approved.signedAt().plus(Duration.ofMinutes(15)), approved.grantUntil());
    }

    @Test
    void fixedMetadataCannotBeOverwritten() throws Exception {
        app = start("nl3.metadata", "requester=mallory,method=NONE,team=ops");
        Client.as("alice").get(app.uri("/admin/users?requester=x"));
        Map<String, String> meta = sandbox.pendingRequests().get(0).metaData();
        assertEquals("alice", meta.get("requester"));
        assertEquals("GET", meta.get("method"));
        assertEquals("/admin/users", meta.get("path"));
        assertEquals("ops", meta.get("team"));
    }

    @Test
    void aRequiredReasonIsAskedForBeforeAnythingIsSent() throws Exception {
        app = start("nl3.reason", "required");
        Client alice = Client.as("alice");
        Client.Response first = alice.get(app.uri("/admin/users"));
        assertEquals(303, first.status());
        assertTrue(first.location().startsWith("/app/nl3-approval/reason?p="), first.location());
        assertTrue(sandbox.calls().isEmpty(), "nothing is sent before the reason");
        String draft = Fixtures.ticket(first.location());
        Client.Response page = alice.get(app.uri(first.location().substring("/app".length())));
        assertTrue(page.body().contains("Why do you need this?") && page.body().contains("required"), page.body());
        assertEquals(404, Client.as("bob").get(app.uri(first.location().substring("/app".length()))).status(),
                "another user cannot see the draft");

        Client.Response blank = alice.postForm(app.uri("/nl3-approval/reason"), "p=" + draft + "&reason=+&skip=1");
        assertEquals(400, blank.status(), "a required reason cannot be skipped");
        Client.Response sent = alice.postForm(app.uri("/nl3-approval/reason"), "p=" + draft + "&reason=quarterly+access+review");
        assertEquals(303, sent.status(), sent.body());
        assertTrue(sent.location().startsWith("/app/nl3-approval?p="), sent.location());
        ApprovalView request = sandbox.pendingRequests().get(0);
        assertEquals("quarterly access review", request.metaData().get("reason"));
        assertTrue(request.approvalData().contains("Reason: quarterly access review"), request.approvalData());
        assertEquals(404, alice.postForm(app.uri("/nl3-approval/reason"), "p=" + draft + "&reason=again").status(),
                "a draft is used once");

        Client.Response api = Client.as("erin").get(app.uri("/admin/users"), "Accept", "application/json");
        assertEquals(428, api.status(), api.body());
        assertEquals("urn:nl3:approval:reason-required", api.json().get("type"));
        Client.Response withHeader = Client.as("erin").get(app.uri("/admin/users"), "Accept", "application/json",
                "NL3-Reason", "on call");
        assertEquals(202, withHeader.status(), withHeader.body());
        assertEquals("on call", sandbox.pendingRequests().stream().filter(r -> r.requester().equals("erin")).findFirst()
                .orElseThrow().metaData().get("reason"));
    }

    @Test
    void anOptionalReasonCanBeSkipped() throws Exception {
        app = start("nl3.reason", "optional");
        Client alice = Client.as("alice");
        String draft = Fixtures.ticket(alice.get(app.uri("/admin/users")).location());
        Client.Response sent = alice.postForm(app.uri("/nl3-approval/reason"), "p=" + draft + "&reason=&skip=1");
        assertEquals(303, sent.status(), sent.body());
        assertFalse(sandbox.pendingRequests().get(0).metaData().containsKey("reason"));
        assertEquals(202, Client.as("erin").get(app.uri("/admin/users"), "Accept", "application/json").status(),
                "API clients are not stopped by an optional reason");
    }

    @Test
    void aSessionBoundGrantServesOnlyTheSessionThatAsked() throws Exception {
        app = start("nl3.grant-binding", "session");
        HttpClient laptop = withCookies();
        HttpClient phone = withCookies();
        Client.Response first = get(laptop, "/admin/users");
        assertEquals(303, first.status(), first.body());
        approveLatest(null);
        Client.Response status = get(laptop, "/nl3-approval/status?p=" + Fixtures.ticket(first.location()) + "&wait=5");
        assertEquals("APPROVED", status.json().get("approvalStatus"), status.body());
        assertEquals(200, get(laptop, "/admin/users").status(), "the session that asked passes");
        assertEquals(303, get(phone, "/admin/users").status(), "another session of alice needs its own approval");
        assertEquals(303, Client.as("alice").get(app.uri("/admin/users")).status(), "so does a client without a session");
    }

    private static HttpClient withCookies() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** A GET as alice (BASIC) through {@code http}, which keeps its own session cookie. */
    private Client.Response get(HttpClient http, String path) {
        return Client.send(http, HttpRequest.newBuilder(app.uri(path))
                .header("Accept", path.contains("/status") ? "application/json" : "text/html")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("alice:pw".getBytes(StandardCharsets.UTF_8)))
                .GET().build());
    }
}
