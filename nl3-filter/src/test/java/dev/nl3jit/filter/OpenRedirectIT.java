package dev.nl3jit.filter;

import dev.nl3jit.filter.internal.web.SafePaths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Nothing a client sends can make the filter redirect off the application. */
class OpenRedirectIT extends AppTestBase {

    @Override
    protected AppServer application() throws Exception {
        return AppServer.start(new AppServer.Mapping("nl3-all", Fixtures.filter(sandbox, CLOCK, "ADMIN_ACCESS"), List.of("/*")));
    }

    /** A raw HTTP/1.1 request, so the request line reaches the server exactly as written. */
    private String raw(String target, String... headers) throws IOException {
        try (Socket s = new Socket("127.0.0.1", app.base().getPort())) {
            s.setSoTimeout(10_000);
            StringBuilder req = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Authorization: Basic YWxpY2U6cHc=\r\n");
            for (String h : headers) {
                req.append(h).append("\r\n");
            }
            OutputStream out = s.getOutputStream();
            out.write(req.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static String location(String response) {
        for (String line : response.split("\r\n")) {
            if (line.regionMatches(true, 0, "Location:", 0, 9)) {
                return line.substring(9).strip();
            }
            if (line.isEmpty()) {
                break;
            }
        }
        return null;
    }

    private static void assertStaysOnTheApplication(String location) {
        if (location == null) {
            return;
        }
        assertTrue(location.startsWith("/app/") || location.equals("/app"), location);
        assertFalse(location.startsWith("//") || location.contains("\\") || location.toLowerCase().startsWith("javascript:"),
                location);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/app//evil.example/admin", "/app/%2F%2Fevil.example", "/app/%2fevil.example",
            "/app/\\evil.example", "/app/%5Cevil.example", "/app/%5C%5Cevil.example", "/app/javascript:alert(1)",
            "/app/javascript%3Aalert(1)", "/app/admin?next=//evil.example", "/app/admin?returnTo=https://evil.example",
            "/app/%09/evil.example", "/app/.%2F%2Fevil.example", "/app///evil.example"})
    void craftedTargetsNeverLeaveTheApplication(String target) throws IOException {
        String first = raw(target);
        assertStaysOnTheApplication(location(first));
        String pending = location(first);
        if (pending != null && pending.contains("/nl3-approval?p=")) {
            String ticket = Fixtures.ticket(pending);
            sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob");
            Client.as("alice").get(app.uri("/nl3-approval/status?p=" + ticket + "&wait=5"), "Accept", "application/json");
            String proceed = raw("/app/nl3-approval/continue?p=" + ticket);
            assertStaysOnTheApplication(location(proceed));
        }
    }

    @Test
    void refererAndParametersAreIgnored() throws IOException {
        String first = raw("/app/admin/users?redirect=https://evil.example", "Referer: https://evil.example/phish");
        String pending = location(first);
        assertStaysOnTheApplication(pending);
        String ticket = Fixtures.ticket(pending);
        sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob");
        Client.as("alice").get(app.uri("/nl3-approval/status?p=" + ticket + "&wait=5"), "Accept", "application/json");
        String proceed = raw("/app/nl3-approval/continue?p=" + ticket + "&url=https://evil.example&next=//evil.example",
                "Referer: https://evil.example/");
        assertEquals("/app/admin/users?redirect=https://evil.example", location(proceed));
    }

    @Test
    void safePathsUnit() {
        assertEquals("/evil.example", SafePaths.safe("//evil.example"));
        assertEquals("/evil.example", SafePaths.safe("///evil.example"));
        assertEquals("/", SafePaths.safe("/\\evil.example"));
        assertEquals("/", SafePaths.safe("/%5cevil.example"));
        assertEquals("/", SafePaths.safe("/%2F%2Fevil.example"));
        assertEquals("/", SafePaths.safe("javascript:alert(1)"));
        assertEquals("/", SafePaths.safe("https://evil.example"));
        assertEquals("/", SafePaths.safe("/a\r\nLocation: //evil"));
        assertEquals("/admin/users?x=1", SafePaths.safe("/admin/users?x=1"));
    }
}
