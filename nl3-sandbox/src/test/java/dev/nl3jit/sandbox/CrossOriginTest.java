package dev.nl3jit.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A web page the approver's browser opens must not drive the admin API or the console: the admin API takes JSON
 * only and neither answers a request a browser marks as coming from another origin or site; what they refuse
 * changes nothing. Clients that are not browsers (no {@code Origin}) keep working.
 */
class CrossOriginTest {
    private static final String EVIL = "http://evil.example";

    @RegisterExtension
    static SandboxExtension nl3 = new SandboxExtension();

    private Http http() {
        return new Http(nl3.sandbox().baseUri());
    }

    /** The sandbox's own origin as a browser on 127.0.0.1 names it. */
    private String own() {
        return "http://127.0.0.1:" + nl3.sandbox().port();
    }

    private String create() {
        Http.Response r = http().postJson("/nl3/api/v1/approvalRequest", Tokens.valid("alice", Instant.now()),
                "{\"templateId\":\"ADMIN_ACCESS\"}");
        assertEquals(201, r.status(), r.body());
        return (String) r.json().get("requestId");
    }

    @SuppressWarnings("unchecked")
    private boolean locked(String user) {
        List<Map<String, Object>> users = (List<Map<String, Object>>) http().get("/sandbox/api/users", null).json().get("users");
        return users.stream().filter(u -> u.get("username").equals(user)).map(u -> (Boolean) u.get("locked"))
                .findFirst().orElseThrow();
    }

    private static void refused(Http.Response r, int status, String error, String what) {
        assertEquals(status, r.status(), what + " -> " + r.body());
        assertEquals(error, r.json().get("error"), what);
        assertTrue(r.message() != null && r.message().length() > 20, what + " has no clear message: " + r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), what);
    }

    @Test
    void adminCallsThatAreNotJsonAreRefusedAndChangeNothing() {
        String id = create();
        nl3.sandbox().fault(Fault.on("/nl3/api/v1/accountProtectionCheck").withStatus(500));
        assertTrue(locked("carol"));
        // What a page elsewhere can send without asking first: text/plain, a form, no Content-Type at all.
        for (String type : new String[] {"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x", "application/jsonx", "application/json; charset=iso-8859-1", null}) {
            refused(http().call("POST", "/sandbox/api/users/carol/unlock", type, "{}"), 415, "unsupported_media_type",
                    "unlock as " + type);
            refused(http().call("POST", "/sandbox/api/requests/" + id + "/approve", type, "{\"approver\":\"bob\"}"), 415,
                    "unsupported_media_type", "approve as " + type);
            refused(http().call("POST", "/sandbox/api/faults", type, "{\"path\":\"/nl3/\",\"status\":503}"), 415,
                    "unsupported_media_type", "fault as " + type);
            refused(http().call("POST", "/sandbox/api/clock", type, "{\"advanceSeconds\":3600}"), 415,
                    "unsupported_media_type", "clock as " + type);
            refused(http().call("DELETE", "/sandbox/api/faults", type, null), 415, "unsupported_media_type", "clear as " + type);
            refused(http().call("POST", "/sandbox/api/reset", type, null), 415, "unsupported_media_type", "reset as " + type);
        }
        assertTrue(http().call("POST", "/sandbox/api/users/carol/unlock", "text/plain", "{}").message()
                .contains("application/json"), "the message names what to send");
        assertTrue(locked("carol"), "carol was unlocked");
        assertEquals("PENDING", nl3.sandbox().request(id).status());
        assertEquals(1, nl3.sandbox().faults().size(), "faults changed");
        assertEquals(1, nl3.sandbox().requests().size(), "the sandbox was reset");
        assertTrue(nl3.sandbox().now().isBefore(Instant.now().plusSeconds(60)), "the clock moved");
        // Reading needs no Content-Type.
        assertEquals(200, http().get("/sandbox/api/faults", null).status());
    }

    @Test
    void adminCallsFromAnotherOriginOrSiteAreRefusedAndChangeNothing() {
        String id = create();
        String json = "application/json";
        for (String[] h : List.of(new String[] {"Origin", EVIL}, new String[] {"Origin", "null"},
                new String[] {"Origin", "https://127.0.0.1:" + nl3.sandbox().port()},
                new String[] {"Origin", "http://127.0.0.1:" + (nl3.sandbox().port() == 1 ? 2 : nl3.sandbox().port() - 1)},
                new String[] {"Origin", "http://localhost:" + nl3.sandbox().port()},
                new String[] {"Sec-Fetch-Site", "cross-site"}, new String[] {"Sec-Fetch-Site", "same-site"},
                new String[] {"Origin", own(), "Sec-Fetch-Site", "cross-site"})) {
            String what = String.join(" ", h);
            refused(http().call("POST", "/sandbox/api/users/carol/unlock", json, "", h), 403, "cross_origin", "unlock " + what);
            refused(http().call("POST", "/sandbox/api/requests/" + id + "/approve", json, "{\"approver\":\"bob\"}", h), 403,
                    "cross_origin", "approve " + what);
            refused(http().call("POST", "/sandbox/api/reset", json, "", h), 403, "cross_origin", "reset " + what);
            refused(http().call("DELETE", "/sandbox/api/faults", json, null, h), 403, "cross_origin", "clear " + what);
            refused(http().call("GET", "/sandbox/api/requests", null, null, h), 403, "cross_origin", "list " + what);
            refused(http().call("OPTIONS", "/sandbox/api/faults", null, null, h), 403, "cross_origin", "preflight " + what);
        }
        assertTrue(http().call("POST", "/sandbox/api/reset", json, "", "Origin", EVIL).message().contains(EVIL));
        assertTrue(locked("carol"), "carol was unlocked");
        assertEquals("PENDING", nl3.sandbox().request(id).status());
        assertEquals(1, nl3.sandbox().requests().size(), "the sandbox was reset");
    }

    @Test
    void jsonFromTheSandboxsOwnOriginOrFromNoBrowserWorks() {
        String id = create();
        assertTrue(locked("carol"));
        assertEquals(200, http().call("POST", "/sandbox/api/users/carol/unlock", "application/json", "",
                "Origin", own(), "Sec-Fetch-Site", "same-origin").status());
        assertFalse(locked("carol"));
        assertEquals(200, http().call("POST", "/sandbox/api/users/carol/lock", "Application/JSON; charset=utf-8", "").status());
        assertTrue(locked("carol"));
        assertEquals(200, http().call("POST", "/sandbox/api/requests/" + id + "/approve", "application/json",
                "{\"approver\":\"bob\"}", "Sec-Fetch-Site", "none").status());
        assertEquals("APPROVED", nl3.sandbox().request(id).status());
        assertEquals(201, http().call("POST", "/sandbox/api/faults", "application/json;charset=\"UTF-8\"",
                "{\"path\":\"/nl3/\",\"status\":503}").status());
        assertEquals(204, http().call("DELETE", "/sandbox/api/faults", "application/json", null).status());
        assertTrue(nl3.sandbox().faults().isEmpty());
        assertEquals(204, http().call("POST", "/sandbox/api/reset", "application/json", null, "Origin", own()).status());
        assertTrue(nl3.sandbox().requests().isEmpty());
    }

    /** One HTTP/1.1 exchange on a raw socket, for a {@code Host} header the JDK client will not send; the status. */
    private int raw(String method, String path, String host, String origin, String body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", nl3.sandbox().port())) {
            s.setSoTimeout(10_000);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String head = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nOrigin: " + origin
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n";
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("^HTTP/1\\.1 (\\d{3})").matcher(answer);
            assertTrue(m.find(), answer);
            return Integer.parseInt(m.group(1));
        }
    }

    @Test
    void aDnsNameRepointedAtLoopbackIsNotTheSandboxsOwnOrigin() throws IOException {
        int port = nl3.sandbox().port();
        // A page of rebind.example whose name now resolves to 127.0.0.1: Host and Origin agree, but name no loopback.
        assertEquals(403, raw("POST", "/sandbox/api/users/carol/unlock", "rebind.example:" + port,
                "http://rebind.example:" + port, ""));
        assertEquals(403, raw("GET", "/console", "rebind.example:" + port, "http://rebind.example:" + port, ""));
        assertTrue(locked("carol"));
        assertEquals(200, raw("POST", "/sandbox/api/users/carol/unlock", "localhost:" + port, "http://localhost:" + port, ""));
        assertFalse(locked("carol"));
        assertEquals(200, raw("POST", "/sandbox/api/users/carol/lock", "[::1]:" + port, "http://[::1]:" + port, ""));
        assertTrue(locked("carol"));
        // The NL3 API itself is not for browsers and answers any Host.
        assertEquals(401, raw("POST", "/nl3/api/v1/accountProtectionCheck", "rebind.example:" + port, "http://rebind.example", "{}"));
    }

    private String csrf() {
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(http().get("/console", null).body());
        assertTrue(m.find(), "no anti-forgery token in the console");
        return m.group(1);
    }

    @Test
    void consolePostsFromAnotherOriginOrSiteAreRefusedAndChangeNothing() {
        String id = create();
        String form = "application/x-www-form-urlencoded";
        // Even with the anti-forgery token (leaked, or read by a page of the same site) and bob's cookie.
        String decide = "csrf=" + csrf() + "&decision=approve&comment=ok";
        for (String[] h : List.of(new String[] {"Origin", EVIL}, new String[] {"Origin", "null"},
                new String[] {"Origin", "http://localhost:" + (nl3.sandbox().port() == 1 ? 2 : nl3.sandbox().port() - 1)},
                new String[] {"Sec-Fetch-Site", "cross-site"}, new String[] {"Sec-Fetch-Site", "same-site"},
                new String[] {"Origin", own(), "Sec-Fetch-Site", "same-site"})) {
            String[] headers = concat(h, "Cookie", "nl3_console_as=bob");
            String what = String.join(" ", h);
            refused(http().call("POST", "/console/requests/" + id + "/decide", form, decide, headers), 403, "cross_origin",
                    "approve " + what);
            refused(http().call("POST", "/console/requests/" + id + "/decide", form, "csrf=" + csrf() + "&decision=reject",
                    headers), 403, "cross_origin", "reject " + what);
            Http.Response as = http().call("POST", "/console/as", form, "csrf=" + csrf() + "&user=mallory", h);
            refused(as, 403, "cross_origin", "switch " + what);
            assertTrue(as.headers().firstValue("Set-Cookie").isEmpty(), "an identity was set from elsewhere");
        }
        assertEquals("PENDING", nl3.sandbox().request(id).status());
        // The console's pages themselves still open from links elsewhere (a notification, a chat message).
        assertEquals(200, http().call("GET", "/console", null, null, "Sec-Fetch-Site", "cross-site").status());
    }

    @Test
    void consolePostsFromItsOwnPagesWork() {
        String id = create();
        String form = "application/x-www-form-urlencoded";
        Http.Response as = http().call("POST", "/console/as", form, "csrf=" + csrf() + "&user=bob",
                "Origin", own(), "Sec-Fetch-Site", "same-origin");
        assertEquals(303, as.status(), as.body());
        String cookie = as.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        Http.Response decided = http().call("POST", "/console/requests/" + id + "/decide", form,
                "csrf=" + csrf() + "&decision=approve", "Origin", own(), "Sec-Fetch-Site", "same-origin", "Cookie", cookie);
        assertEquals(303, decided.status(), decided.body());
        assertEquals("/console?m=approved", decided.headers().firstValue("Location").orElseThrow());
        assertEquals("APPROVED", nl3.sandbox().request(id).status());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
