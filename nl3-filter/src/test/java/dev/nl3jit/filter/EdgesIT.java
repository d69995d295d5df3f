package dev.nl3jit.filter;

import dev.nl3jit.filter.internal.engine.Tickets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The edges of the library's own paths, against the real container: what a user sees when NL3 forgot a request, and
 * malformed parameters answered with a 400 that says which, never a stack trace.
 */
class EdgesIT extends AppTestBase {
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLogs() {
        Logger.getLogger("dev.nl3jit").addHandler(capture);
    }

    @AfterEach
    void release() {
        Logger.getLogger("dev.nl3jit").removeHandler(capture);
    }

    /** WARNING and above from the library, formatted. */
    private List<String> warnings() {
        return records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .map(r -> r.getLevel() + " " + new java.util.logging.SimpleFormatter().formatMessage(r)).toList();
    }

    /** Time enough for a first call to a cold sandbox on a busy machine. */
    @Override
    protected AppServer application() throws Exception {
        return Fixtures.app(sandbox, CLOCK, "nl3.connect-timeout", "2s", "nl3.read-timeout", "5s");
    }

    @Test
    void aRequestNl3NoLongerKnowsIsShownExpiredAndLoggedOnceAtWarning() throws Exception {
        Client alice = Client.as("alice");
        String location = alice.get(app.uri("/admin/users")).location();
        String requestId = sandbox.pendingRequests().get(0).requestId();
        sandbox.reset(); // NL3 forgets every request: its status endpoint answers 404 for this one
        records.clear();

        Client.Response status = alice.get(app.uri("/nl3-approval/status?p=" + Fixtures.ticket(location) + "&wait=3"),
                "Accept", "application/json");
        assertEquals("EXPIRED", status.json().get("approvalStatus"), status.body());
        Client.Response page = alice.get(app.uri(location.substring("/app".length())));
        assertEquals(200, page.status());
        assertTrue(page.body().contains("<h1 id=\"title\">Request expired</h1>"), page.body());
        alice.get(app.uri(location.substring("/app".length())));
        alice.get(app.uri("/nl3-approval/status?p=" + Fixtures.ticket(location)), "Accept", "application/json");

        List<String> warnings = warnings();
        assertEquals(1, warnings.size(), "one line, once: " + warnings);
        String line = warnings.get(0);
        assertTrue(line.startsWith("WARNING NL3 no longer knows approval request " + requestId + " of alice (HTTP 404)"), line);
        assertTrue(line.contains("the user sees \"Request expired\""), line);
    }

    /**
     * One request as sent, byte for byte (a client library would refuse a malformed escape), over HTTP/1.0 so the answer
     * is not chunked; signed in as alice.
     */
    private Client.Response raw(String method, String target, String accept, String form) throws IOException {
        try (Socket s = new Socket("127.0.0.1", app.base().getPort())) {
            s.setSoTimeout(20_000);
            byte[] body = form == null ? new byte[0] : form.getBytes(StandardCharsets.ISO_8859_1);
            String head = method + " /app" + target + " HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Basic YWxpY2U6cHc=\r\n"
                    + "Accept: " + accept + "\r\n"
                    + (form == null ? "" : "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length + "\r\n")
                    + "\r\n";
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int end = answer.indexOf("\r\n\r\n");
            String[] lines = answer.substring(0, end).split("\r\n");
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.computeIfAbsent(lines[i].substring(0, colon).strip(), k -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).strip());
            }
            return new Client.Response(Integer.parseInt(lines[0].split(" ")[1]), answer.substring(end + 4),
                    java.net.http.HttpHeaders.of(headers, (k, v) -> true));
        }
    }

    /** Well-formed tickets of this application that no approval request has: what is malformed is refused before any lookup. */
    @Test
    void malformedParametersOfThePendingPathAre400WithoutAStackTrace() throws IOException {
        String ticket = Tickets.next(Tickets.tag("filter:nl3-admin"));
        String json = "application/json";
        String html = "text/html";
        List<String[]> cases = List.of(
                new String[] {"/nl3-approval/status?p=" + ticket + "&wait=abc", json, "wait"},
                new String[] {"/nl3-approval/status?p=" + ticket + "&wait=abc", html, "wait"},
                new String[] {"/nl3-approval/status?p=" + ticket + "&wait=" + "9".repeat(40), json, "wait"},
                new String[] {"/nl3-approval/status?p=" + ticket + "&wait=-1", json, "wait"},
                new String[] {"/nl3-approval/status", json, "p"},
                new String[] {"/nl3-approval", html, "p"},
                new String[] {"/nl3-approval?p=", html, "p"},
                new String[] {"/nl3-approval?p=%3Cscript%3Ealert(1)%3C/script%3E", html, "p"},
                new String[] {"/nl3-approval/status?p=" + "a".repeat(5000), json, "p"},
                new String[] {"/nl3-approval/status?p=%zz&wait=1", json, null},
                new String[] {"/nl3-approval?p=%E0%A4%A", html, null},
                new String[] {"/nl3-approval/continue?p=" + ticket + "%", html, null});
        for (String[] c : cases) {
            Client.Response r = raw("GET", c[0], c[1], null);
            String what = "GET " + c[0] + " (" + c[1] + ")";
            assertBadRequest(r, c[1].equals(json), c[2], what);
        }
        assertBadRequest(raw("POST", "/nl3-approval/cancel", html, "p=%zz"), false, null, "POST cancel p=%zz");
        assertBadRequest(raw("POST", "/nl3-approval/cancel", json, "p=" + ticket + "%2"), true, null, "POST cancel p=…%2");
        assertBadRequest(raw("POST", "/nl3-approval/retry", html, ""), false, "p", "POST retry without p");
        Client.Response unknown = raw("GET", "/nl3-approval/status?p=" + ticket + "&wait=1", json, null);
        assertEquals(404, unknown.status(), "a well-formed ticket nobody has is not malformed: " + unknown.body());
    }

    private static void assertBadRequest(Client.Response r, boolean api, String parameter, String what) {
        assertEquals(400, r.status(), what + ": " + r.body());
        String type = r.header("Content-Type");
        if (api) {
            assertTrue(type != null && type.startsWith("application/problem+json"), what + ": " + type);
            assertEquals("urn:nl3:approval:bad-request", r.json().get("type"), what);
            if (parameter != null) {
                assertEquals(parameter, r.json().get("parameter"), what + ": " + r.body());
            }
        } else {
            assertTrue(type != null && type.startsWith("text/html"), what + ": " + type);
            assertTrue(r.body().contains("<h1 id=\"title\">Bad request</h1>"), what + ": " + r.body());
        }
        assertFalse(r.body().contains("at dev.") || r.body().contains("at org.") || r.body().contains("Exception"),
                what + " shows a stack trace or an exception: " + r.body());
    }
}
