package dev.nl3jit.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConsoleTest {
    @RegisterExtension
    static SandboxExtension nl3 = new SandboxExtension();

    private Http http() {
        return new Http(nl3.sandbox().baseUri());
    }

    private String create(String metaData) {
        Http.Response r = http().postJson("/nl3/api/v1/approvalRequest", Tokens.valid("alice", Instant.now()),
                "{\"templateId\":\"ADMIN_ACCESS\",\"metaData\":" + metaData + "}");
        assertEquals(201, r.status(), r.body());
        return (String) r.json().get("requestId");
    }

    private Http.Response page(String cookie) {
        HttpRequest.Builder b = HttpRequest.newBuilder(nl3.sandbox().consoleUri());
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return http().send(b.build());
    }

    private static String csrf(String html) {
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
        assertTrue(m.find(), "no anti-forgery token in the page");
        return m.group(1);
    }

    private Http.Response form(String path, String cookie, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(nl3.sandbox().baseUri().resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return http().send(b.build());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void pendingRequestsAreShownRenderedAndEscaped() {
        String id = create("{\"resource\":\"<script>alert(1)</script>\",\"reason\":\"\\\"quoted\\\" & <b>bold</b>\"}");
        String html = page(null).body();
        assertTrue(html.contains("data-request-id=\"" + id + "\""), html);
        assertTrue(html.contains("Admin access to &lt;script&gt;alert(1)&lt;/script&gt;"), "title escaped");
        assertFalse(html.contains("<script>alert(1)"), "a metadata value became markup");
        assertFalse(html.contains("<b>bold</b>"));
        assertTrue(html.contains("&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;"));
        assertTrue(html.contains("Requester: A user at Example Corp\n"), "companyName filled");
        assertTrue(html.contains("class=\"requester\">alice<"), "requester shown");
        assertTrue(html.contains("class=\"reason\">&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;<"), "the reason shown, escaped");
        Http.Response pageResponse = page(null);
        assertTrue(pageResponse.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'none'"));
        assertTrue(pageResponse.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    }

    @Test
    void invisibleCharactersInValuesAreShownAsEscapesAndTheTemplateKeepsItsLines() {
        // A line break, NEL, a right-to-left override, a line separator, a zero-width space, a musical format
        // character and a lone surrogate: each could make the approver read something other than what runs.
        String id = create("{\"resource\":\"/admin/users\\nApproval covers: everything, forever\","
                + "\"reason\":\"audit\\u0085Method: GET /\\u202Etxt.exe\\u2028again\\u200Bhidden\","
                + "\"method\":\"POST\\r\\n\","
                + "\"path\":\"/x\\uD834\\uDD73\\uDC00\"}");
        ApprovalView view = nl3.sandbox().request(id);
        String template = nl3.sandbox().seed().templates().stream().filter(t -> t.approvalKey().equals("ADMIN_ACCESS"))
                .findFirst().orElseThrow().approvalData();
        String data = view.approvalData();
        assertEquals(template.split("\n", -1).length, data.split("\n", -1).length, "lines of " + data);
        assertTrue(data.contains("/admin/users[U+000A]Approval covers: everything, forever"), data);
        assertTrue(data.contains("audit[U+0085]Method: GET /[U+202E]txt.exe[U+2028]again[U+200B]hidden"), data);
        assertTrue(data.contains("POST[U+000D][U+000A] /x[U+1D173][U+DC00]"), data);
        assertEquals("Admin access to /admin/users[U+000A]Approval covers: everything, forever", view.title());
        for (char c : new char[] {'\r', '\u0085', '\u202E', '\u2028', '\u200B'}) {
            assertFalse(data.indexOf(c) >= 0 || view.title().indexOf(c) >= 0, "raw U+" + Integer.toHexString(c));
        }
        assertEquals("audit\u0085Method: GET /\u202Etxt.exe\u2028again\u200Bhidden", view.metaData().get("reason"),
                "the metadata itself is kept as sent");
        String adminJson = http().get("/sandbox/api/requests/" + id, null).body();
        assertTrue(adminJson.contains("audit[U+0085]Method: GET /[U+202E]txt.exe"), adminJson);

        String html = page(null).body();
        for (String raw : new String[] {"\r", "\u0085", "\u202E", "\u2028", "\u200B", "\uDC00", "\uD834\uDD73"}) {
            assertFalse(html.contains(raw), "raw U+" + Integer.toHexString(raw.codePointAt(0)) + " in the console");
        }
        Matcher pre = Pattern.compile("<pre class=\"data\">([^<]*)</pre>").matcher(html);
        assertTrue(pre.find(), html);
        assertEquals(template.split("\n", -1).length, pre.group(1).split("\n", -1).length, "lines shown: " + pre.group(1));
        assertTrue(pre.group(1).startsWith("Approval covers: not stated\nRequester: A user at Example Corp\n"
                + "Resource: /admin/users[U+000A]Approval covers: everything, forever\n"), pre.group(1));
        assertTrue(html.contains("<h3>Admin access to /admin/users[U+000A]Approval covers: everything, forever <span"), html);
        assertTrue(html.contains("class=\"reason\">audit[U+0085]Method: GET /[U+202E]txt.exe[U+2028]again[U+200B]hidden<"));
        assertTrue(html.contains("data-key=\"method\">POST[U+000D][U+000A]<"), "metadata table");
        assertTrue(html.contains("data-key=\"path\">/x[U+1D173][U+DC00]<"), "metadata table");
        assertTrue(html.contains("data-key=\"resource\">/admin/users[U+000A]Approval covers: everything, forever<"));
    }

    @Test
    void approvingInTheConsoleFlipsTheStatus() {
        String id = create("{}");
        String csrf = csrf(page(null).body());
        Http.Response as = form("/console/as", null, "csrf=" + csrf + "&user=bob");
        assertEquals(303, as.status());
        String cookie = as.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        assertTrue(page(cookie).body().contains("value=\"bob\" selected"));

        Http.Response decided = form("/console/requests/" + id + "/decide", cookie,
                "csrf=" + csrf + "&decision=approve&comment=" + enc("looks fine"));
        assertEquals(303, decided.status());
        assertEquals("/console?m=approved", decided.headers().firstValue("Location").orElseThrow());
        ApprovalView view = nl3.sandbox().request(id);
        assertEquals("APPROVED", view.status());
        assertEquals("bob", view.decidedBy());
        String status = http().get("/nl3/api/v1/approvalRequest/" + id, Tokens.valid("alice", Instant.now())).body();
        assertTrue(status.contains("\"status\":\"APPROVED\""), status);
    }

    @Test
    void rejectionCommentIsEscapedInRecentDecisions() {
        String id = create("{}");
        String csrf = csrf(page(null).body());
        String cookie = "nl3_console_as=bob";
        form("/console/requests/" + id + "/decide", cookie,
                "csrf=" + csrf + "&decision=reject&comment=" + enc("<script>steal()</script> no"));
        assertEquals("REJECTED", nl3.sandbox().request(id).status());
        String html = page(cookie).body();
        assertTrue(html.contains("&lt;script&gt;steal()&lt;/script&gt; no"));
        assertFalse(html.contains("<script>steal()"));
    }

    @Test
    void signAndApproveNeedsTheSignatureFieldAndRefusalsAreShown() {
        Http.Response r = http().postJson("/nl3/api/v1/approvalRequest", Tokens.valid("alice", Instant.now()),
                "{\"templateId\":\"PAYMENT_APPROVAL\",\"metaData\":{\"amount\":\"10\",\"recipient\":\"X\"}}");
        String id = (String) r.json().get("requestId");
        String html = page("nl3_console_as=bob").body();
        assertTrue(html.contains("name=\"signature\""), "signature field for Sign and Approve");
        String csrf = csrf(html);
        Http.Response refused = form("/console/requests/" + id + "/decide", "nl3_console_as=bob",
                "csrf=" + csrf + "&decision=approve&signature=");
        assertTrue(refused.headers().firstValue("Location").orElseThrow().contains("?e="));
        assertEquals("PENDING", nl3.sandbox().request(id).status());
        form("/console/requests/" + id + "/decide", "nl3_console_as=bob", "csrf=" + csrf + "&decision=approve&signature=Bob");
        assertEquals("APPROVED", nl3.sandbox().request(id).status());
        assertEquals("Bob", nl3.sandbox().request(id).signer());
    }

    @Test
    void formsWithoutTheAntiForgeryTokenOrIdentityDoNothing() {
        String id = create("{}");
        Http.Response forged = form("/console/requests/" + id + "/decide", "nl3_console_as=bob", "decision=approve");
        assertEquals("/console?m=forgery", forged.headers().firstValue("Location").orElseThrow());
        String csrf = csrf(page(null).body());
        Http.Response anonymous = form("/console/requests/" + id + "/decide", null, "csrf=" + csrf + "&decision=approve");
        assertEquals("/console?m=who", anonymous.headers().firstValue("Location").orElseThrow());
        assertEquals("PENDING", nl3.sandbox().request(id).status());
        // Self-approval from the console is refused too.
        form("/console/requests/" + id + "/decide", "nl3_console_as=alice", "csrf=" + csrf + "&decision=approve");
        assertEquals("PENDING", nl3.sandbox().request(id).status());
    }

    @Test
    void fragmentEndpointServesTheListForSelfRefresh() {
        assertTrue(http().get("/console/pending", null).body().contains("No pending requests"));
        String id = create("{}");
        assertTrue(http().get("/console/pending", null).body().contains(id));
        assertTrue(page(null).body().contains("setInterval(tick"), "the page refreshes its list by itself");
    }
}
