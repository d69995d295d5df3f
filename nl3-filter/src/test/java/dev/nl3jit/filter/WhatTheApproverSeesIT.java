package dev.nl3jit.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.sandbox.ApprovalView;
import dev.nl3jit.sandbox.Seed;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What the approver is shown is what runs: every bound value whole or refused, typed text that cannot pass for a line
 * the library wrote, unsafe requests only from the application's own pages.
 */
class WhatTheApproverSeesIT extends AppTestBase {
    private static final String TRANSFER = "/payments/transfer";
    /** One character of every class that must never reach a person raw, each with the escape it must show as. */
    private static final String[][] HIDDEN = {
            {"\n", "[U+000A]"}, {"\r", "[U+000D]"}, {"\t", "[U+0009]"}, {"\u0000", "[U+0000]"}, {"\u001b", "[U+001B]"},
            {"\u007f", "[U+007F]"}, {"\u0085", "[U+0085]"}, {"\u009b", "[U+009B]"}, {"\u2028", "[U+2028]"},
            {"\u2029", "[U+2029]"}, {"\u202e", "[U+202E]"}, {"\u202a", "[U+202A]"}, {"\u2066", "[U+2066]"},
            {"\u2069", "[U+2069]"}, {"\u200e", "[U+200E]"}, {"\u061c", "[U+061C]"}, {"\u200b", "[U+200B]"},
            {"\u200d", "[U+200D]"}, {"\u2060", "[U+2060]"}, {"\ufeff", "[U+FEFF]"}, {"\u000b", "[U+000B]"},
            {"\u000c", "[U+000C]"}, {"\u001c", "[U+001C]"}, {"\ud834\udd73", "[U+1D173]"}};
    /** Line breaks as Python's {@code str.splitlines()} sees them (Java's {@code lines()} sees \n and \r only). */
    private static final String PYTHON_LINE_BREAKS = "\n\r\u000b\u000c\u001c\u001d\u001e\u0085\u2028\u2029";

    private final List<ApprovalEvent> events = new CopyOnWriteArrayList<>();

    @Override
    protected AppServer application() {
        return null;
    }

    /** /admin/* (Approve, a reason may be given) and /payments/* (Sign and Approve, bound to amount and recipient). */
    private AppServer start(String... overrides) throws Exception {
        List<String> admin = new ArrayList<>(List.of("nl3.reason", "optional"));
        admin.addAll(List.of(overrides));
        List<String> payments = new ArrayList<>(List.of("nl3.grant-scope", "request", "nl3.parameters", "amount,to=recipient"));
        payments.addAll(List.of(overrides));
        return AppServer.start(
                new AppServer.Mapping("nl3-admin", filter("ADMIN_ACCESS", admin), List.of("/admin/*", "/nl3-approval/*")),
                new AppServer.Mapping("nl3-payments", filter("PAYMENT_APPROVAL", payments), List.of("/payments/*")));
    }

    private Nl3ApprovalFilter filter(String key, List<String> overrides) {
        return new Nl3ApprovalFilter(Nl3Settings.fromMap(Fixtures.settings(sandbox, key, overrides.toArray(new String[0]))),
                null, UsernameMapper.PRINCIPAL_NAME, CLOCK, events::add);
    }

    private static String form(String amount, String to) {
        return "amount=" + URLEncoder.encode(amount, StandardCharsets.UTF_8) + "&to=" + URLEncoder.encode(to, StandardCharsets.UTF_8);
    }

    private long approvalRequests() {
        return sandbox.calls().stream().filter(c -> c.method().equals("POST") && c.path().endsWith("/approvalRequest")).count();
    }

    private static String own(AppServer app) {
        return "http://" + app.base().getAuthority();
    }

    private static long templateLines(String key) {
        return Seed.defaults().templates().stream().filter(t -> t.approvalKey().equals(key)).findFirst().orElseThrow()
                .approvalData().lines().count();
    }

    // --- 1. shown = bound ---

    @Test
    void aValueLongerThanCanBeShownIsRefusedWithTheFieldNamedAndNothingIsSent() throws Exception {
        app = start();
        String recipient = "ACME Supplies Ltd" + " ".repeat(507) + "DE89370400440532013000";
        assertEquals(546, recipient.length(), "a name, many spaces, then another account");
        Client alice = Client.as("alice");

        Client.Response page = alice.postForm(app.uri(TRANSFER), form("EUR 1200", recipient));
        assertEquals(422, page.status(), page.body());
        assertTrue(page.body().contains("id=\"field\">to</strong>"), "the page names the field: " + page.body());
        assertTrue(page.body().contains("id=\"limit\">500</strong>"), "and the limit");
        assertTrue(page.body().contains(recipient.length() + " characters"), "and the value's length");

        Client.Response api = alice.postForm(app.uri(TRANSFER), form("EUR 1200", recipient), "Accept", "application/json");
        assertEquals(422, api.status(), api.body());
        assertEquals("application/problem+json", api.header("Content-Type").split(";")[0]);
        Map<String, Object> problem = api.json();
        assertEquals("urn:nl3:approval:value-too-long", problem.get("type"));
        assertEquals("to", problem.get("parameter"));
        assertEquals(500L, ((Number) problem.get("maxLength")).longValue());
        assertEquals((long) recipient.length(), ((Number) problem.get("length")).longValue());

        assertEquals(0, approvalRequests(), "no approval request for a value the approver could not see whole");
        assertTrue(events.isEmpty(), "and nothing to audit: " + events);
    }

    @Test
    void aValueAtTheLimitReachesTheApproverThePagesAndTheAuditWhole() throws Exception {
        app = start("nl3.max-value-length", "546");
        String recipient = "ACME Supplies Ltd" + " ".repeat(507) + "DE89370400440532013000";
        assertEquals(546, recipient.length());
        Client alice = Client.as("alice");
        Client.Response r = alice.postForm(app.uri(TRANSFER), form("EUR 1200", recipient));
        assertEquals(303, r.status(), r.body());
        ApprovalView request = sandbox.pendingRequests().get(0);
        assertEquals(recipient, request.metaData().get("recipient"), "the approver is sent the whole value");
        assertTrue(request.approvalData().contains(recipient), "and the rendered text shows it whole");
        String page = alice.get(app.uri(r.header("Location").substring("/app".length()))).body();
        assertTrue(page.contains("DE89370400440532013000"), "the pending page shows the end of the value too");
        ApprovalEvent requested = events.stream().filter(e -> e.kind() == ApprovalEvent.Kind.REQUESTED).findFirst().orElseThrow();
        assertEquals(recipient, requested.values().get("to"), "the audit event carries it whole");
        assertTrue(Events.auditLine(requested).contains("DE89370400440532013000"), "and so does the audit line");

        Client.Response longer = alice.postForm(app.uri(TRANSFER), form("EUR 1200", recipient + "X"));
        assertEquals(422, longer.status(), "one character more is refused");
    }

    @Test
    void aReasonLongerThanCanBeShownIsRefusedOnTheReasonPageAndInTheHeader() throws Exception {
        app = start("nl3.max-value-length", "40");
        Client alice = Client.as("alice");
        Client.Response ask = alice.get(app.uri("/admin/users"));
        assertEquals(303, ask.status());
        String draft = Fixtures.ticket(ask.header("Location"));
        Client.Response refused = alice.postForm(app.uri("/nl3-approval/reason"), "p=" + draft + "&reason=" + "x".repeat(41));
        assertEquals(400, refused.status());
        assertTrue(refused.body().contains("41 characters long; the approver can be shown at most 40"), refused.body());
        assertEquals(0, approvalRequests());

        Client.Response api = alice.get(app.uri("/admin/users"), "Accept", "application/json", "NL3-Reason", "y".repeat(41));
        assertEquals(422, api.status(), api.body());
        assertEquals("reason", api.json().get("parameter"));
        assertEquals(0, approvalRequests(), "nothing sent");
    }

    // --- 2. text that cannot impersonate ---

    @Test
    void everyControlAndFormatCharacterInAValueIsShownAsAnEscapeEverywhere() throws Exception {
        app = start();
        StringBuilder to = new StringBuilder("ACME\nApproval covers: nothing, safe to approve\u0085Reference: CFO");
        for (String[] h : HIDDEN) {
            to.append(h[0]).append('x');
        }
        Client alice = Client.as("alice");
        Client.Response r = alice.postForm(app.uri(TRANSFER), form("EUR 1200", to.toString()));
        assertEquals(303, r.status(), r.body().substring(Math.max(0, r.body().length() - 600)));

        ApprovalView request = sandbox.pendingRequests().get(0);
        String shown = request.metaData().get("recipient");
        assertShownEscaped(shown, "the value sent to NL3");
        assertEquals(templateLines("PAYMENT_APPROVAL"), request.approvalData().lines().count(),
                "no line in the approver's text but the template's: " + request.approvalData());
        assertEquals(1, request.approvalData().lines().filter(l -> l.startsWith("Approval covers:")).count(),
                "one covers line, the library's");

        String page = alice.get(app.uri(r.header("Location").substring("/app".length()))).body();
        for (String[] h : HIDDEN) {
            assertTrue(page.contains(h[1]), "the pending page shows " + h[1]);
        }
        assertNoRaw(page.substring(page.indexOf("<dl id=\"values\">"), page.indexOf("</dl>")), "the pending page's values");

        Map<String, Object> status = alice.get(app.uri("/nl3-approval/status?p=" + Fixtures.ticket(r.header("Location"))),
                "Accept", "application/json").json();
        assertShownEscaped(String.valueOf(((Map<?, ?>) status.get("values")).get("to")), "the status body");

        ApprovalEvent requested = events.stream().filter(e -> e.kind() == ApprovalEvent.Kind.REQUESTED).findFirst().orElseThrow();
        String line = Events.auditLine(requested);
        assertEquals(1, line.lines().count(), "one audit event is one line for Java");
        assertAuditLine(line);
        assertTrue(line.contains("[U+0085]"), line);
    }

    @Test
    void everyControlAndFormatCharacterInAReasonIsShownAsAnEscape() throws Exception {
        app = start();
        StringBuilder reason = new StringBuilder("Quarterly review\nReference: pre-approved by the CFO\u2028Covers: nothing");
        for (String[] h : HIDDEN) {
            reason.append(h[0]).append('x');
        }
        Client alice = Client.as("alice");
        Client.Response ask = alice.get(app.uri("/admin/users"));
        assertEquals(303, ask.status());
        Client.Response sent = alice.postForm(app.uri("/nl3-approval/reason"), "p=" + Fixtures.ticket(ask.header("Location"))
                + "&reason=" + URLEncoder.encode(reason.toString(), StandardCharsets.UTF_8));
        assertEquals(303, sent.status(), sent.body().substring(Math.max(0, sent.body().length() - 600)));
        ApprovalView request = sandbox.pendingRequests().get(0);
        assertShownEscaped(request.metaData().get("reason"), "the reason sent to NL3");
        assertTrue(request.metaData().get("reason").startsWith("Quarterly review[U+000A]Reference: pre-approved"));
        assertEquals(templateLines("ADMIN_ACCESS"), request.approvalData().lines().count(),
                "no line in the approver's text but the template's: " + request.approvalData());
        assertFalse(request.approvalData().lines().anyMatch(l -> l.startsWith("Reference:")), request.approvalData());
    }

    private static void assertShownEscaped(String shown, String where) {
        assertNotNull(shown, where);
        for (String[] h : HIDDEN) {
            assertTrue(shown.contains(h[1]), where + " shows " + h[1] + ": " + shown);
        }
        assertNoRaw(shown, where);
    }

    private static void assertNoRaw(String text, String where) {
        text.codePoints().forEach(cp -> assertFalse(Shown.escaped(cp), where + " carries U+" + Integer.toHexString(cp) + " raw"));
    }

    /** No character any line reader splits on, and nothing a terminal or a viewer would hide or reorder. */
    private static void assertAuditLine(String line) {
        for (char c : PYTHON_LINE_BREAKS.toCharArray()) {
            assertTrue(line.indexOf(c) < 0, "the audit line holds U+" + Integer.toHexString(c));
        }
        assertNoRaw(line, "the audit line");
    }

    // --- 3. writes only from this application ---

    @Test
    void aCrossOriginOrSameSitePostMakesNoApprovalRequestAndCannotUseAnApproval() throws Exception {
        app = start();
        Client alice = Client.as("alice");
        String foreign = "http://127.0.0.1:" + (app.base().getPort() == 65535 ? 1 : app.base().getPort() + 1);

        Client.Response crossOrigin = alice.postForm(app.uri(TRANSFER), form("EUR 1200", "ACME"), "Origin", foreign);
        assertEquals(403, crossOrigin.status(), crossOrigin.body());
        assertTrue(crossOrigin.body().contains("another site"), crossOrigin.body());
        Client.Response nullOrigin = alice.postForm(app.uri(TRANSFER), form("EUR 1200", "ACME"), "Origin", "null");
        assertEquals(403, nullOrigin.status(), "an opaque origin is not this application");
        Client.Response sameSite = alice.postForm(app.uri(TRANSFER), form("EUR 1200", "ACME"), "Sec-Fetch-Site", "same-site");
        assertEquals(403, sameSite.status());
        Client.Response crossSiteApi = alice.postForm(app.uri(TRANSFER), form("EUR 1200", "ACME"), "Sec-Fetch-Site",
                "cross-site", "Accept", "application/json");
        assertEquals(403, crossSiteApi.status());
        assertEquals("urn:nl3:approval:cross-origin", crossSiteApi.json().get("type"));
        assertEquals(0, approvalRequests(), "no approval request for any of them");

        Client.Response own = alice.postForm(app.uri(TRANSFER), form("EUR 1200", "ACME"), "Origin", own(app),
                "Sec-Fetch-Site", "same-origin");
        assertEquals(303, own.status(), "the application's own page asks");
        assertEquals(1, approvalRequests());
        Client.Response noReferrer = alice.postForm(app.uri(TRANSFER), form("EUR 1200", "ACME"), "Origin", "null",
                "Sec-Fetch-Site", "same-origin");
        assertEquals(303, noReferrer.status(), "a page of the application with Referrer-Policy: no-referrer sends Origin: null; "
                + "the browser's Sec-Fetch-Site says it is this application's");
        Client.Response crossSiteForeign = alice.postForm(app.uri(TRANSFER), form("EUR 1200", "ACME"), "Origin", foreign,
                "Sec-Fetch-Site", "same-site");
        assertEquals(403, crossSiteForeign.status());
        assertEquals(1, approvalRequests(), "the same waiting approval, nothing new");
        sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob", null, "Bob");
        Map<String, Object> status = alice.get(app.uri("/nl3-approval/status?p=" + Fixtures.ticket(own.header("Location"))
                + "&wait=5"), "Accept", "application/json").json();
        assertEquals("APPROVED", status.get("approvalStatus"));

        Client.Response replayed = alice.postForm(app.uri(TRANSFER), form("EUR 1200", "ACME"), "Origin", foreign);
        assertEquals(403, replayed.status(), "another origin's page cannot use the approval either");
        Client.Response script = alice.postForm(app.uri(TRANSFER), form("EUR 1200", "ACME"));
        assertEquals(200, script.status(), "a client that sends no Origin (a script) is unaffected; the use was left");
        assertTrue(script.body().startsWith("PAYMENTS OK alice POST"), script.body());
        Client.Response get = alice.get(app.uri("/admin/users"), "Origin", foreign, "Sec-Fetch-Site", "cross-site");
        assertEquals(303, get.status(), "safe methods are not refused (links from elsewhere keep working)");
    }

    @Test
    void anOriginNamedInAllowedOriginsMayPost() throws Exception {
        app = start("nl3.allowed-origins", "https://Portal.Example.com:443, http://127.0.0.1:1");
        Client alice = Client.as("alice");
        assertEquals(303, alice.postForm(app.uri(TRANSFER), form("EUR 1", "ACME"), "Origin", "https://portal.example.com").status());
        assertEquals(303, alice.postForm(app.uri("/admin/users"), "", "Origin", "http://127.0.0.1:1", "Sec-Fetch-Site",
                "same-site").status(), "an allowed origin passes whatever Sec-Fetch-Site says");
        assertEquals(403, alice.postForm(app.uri(TRANSFER), form("EUR 2", "ACME"), "Origin", "http://portal.example.com").status(),
                "the scheme is part of the origin");
    }

    @Test
    void theLibrarysOwnFormsRefuseOtherOrigins() throws Exception {
        app = start();
        Client alice = Client.as("alice");
        Client.Response r = alice.postForm(app.uri(TRANSFER), form("EUR 1200", "ACME"));
        String ticket = Fixtures.ticket(r.header("Location"));
        Client.Response cancel = alice.postForm(app.uri("/nl3-approval/cancel"), "p=" + ticket, "Origin", "http://evil.example");
        assertEquals(403, cancel.status());
        assertEquals("PENDING", sandbox.requests().get(0).status(), "not cancelled");
    }

    @Test
    void badAllowedOriginsAreRefusedAtDeployTime() {
        InvalidSettingsException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidSettingsException.class,
                () -> Nl3Settings.fromMap(Fixtures.settings(sandbox, "ADMIN_ACCESS", "nl3.allowed-origins",
                        "https://ok.example, https://bad.example/path", "nl3.max-value-length", "0")));
        assertTrue(e.getMessage().contains("nl3.allowed-origins: 'https://bad.example/path'; expected origins"), e.getMessage());
        assertTrue(e.getMessage().contains("nl3.max-value-length"), e.getMessage());
    }

    // --- 5. purges whatever nl3.lock-check says ---

    @Test
    void endedEntriesArePurgedWithLockChecksOff() throws Exception {
        Ledger store = Ledger.inMemory(1000, 20, CLOCK);
        app = AppServer.start(new AppServer.Mapping("nl3-admin", Nl3ApprovalFilter.withLedger(Nl3Settings.fromMap(Fixtures.settings(
                sandbox, "ADMIN_ACCESS", "nl3.lock-check", "false", "nl3.lock-recheck", "1s")), store,
                UsernameMapper.PRINCIPAL_NAME, CLOCK, e -> { }), List.of("/admin/*", "/nl3-approval/*")));
        Instant now = CLOCK.instant();
        for (String user : List.of("alice", "bob", "erin")) {
            store.putGrant(new GrantKey(user, "ADMIN_ACCESS", ""), new Grant(now.plusSeconds(2), Grant.UNLIMITED));
        }
        assertEquals(3, store.grantCount());
        CLOCK.advance(Duration.ofSeconds(10));
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (store.grantCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(0, store.grantCount(), "the ended grants were purged although nl3.lock-check is false");
    }
}
