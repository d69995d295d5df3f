package dev.nl3jit.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AdminApiTest {
    @RegisterExtension
    static SandboxExtension nl3 = new SandboxExtension();

    private Http http() {
        return new Http(nl3.sandbox().baseUri());
    }

    private String create() {
        return (String) http().postJson("/nl3/api/v1/approvalRequest", Tokens.valid("alice", Instant.now()),
                "{\"templateId\":\"ADMIN_ACCESS\"}").json().get("requestId");
    }

    @Test
    void listsRequestsByStatus() {
        String a = create();
        String b = create();
        nl3.sandbox().approve(a, "bob");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> pending = (List<Map<String, Object>>) http().get("/sandbox/api/requests?status=pending", null)
                .json().get("requests");
        assertEquals(1, pending.size());
        assertEquals(b, pending.get(0).get("requestId"));
        assertEquals("alice", pending.get(0).get("requester"));
        @SuppressWarnings("unchecked")
        List<Object> all = (List<Object>) http().get("/sandbox/api/requests", null).json().get("requests");
        assertEquals(2, all.size());
        assertEquals(200, http().get("/sandbox/api/requests/" + a, null).status());
    }

    @Test
    void errorsHaveStatusAndMessage() {
        String id = create();
        record Case(String method, String path, String body, int status) {
        }
        for (Case c : List.of(
                new Case("GET", "/sandbox/api/requests?status=MAYBE", null, 400),
                new Case("GET", "/sandbox/api/requests/nope", null, 404),
                new Case("POST", "/sandbox/api/requests/nope/approve", "{\"approver\":\"bob\"}", 404),
                new Case("POST", "/sandbox/api/requests/" + id + "/approve", "not json", 400),
                new Case("POST", "/sandbox/api/requests/" + id + "/approve", "{}", 400),
                new Case("POST", "/sandbox/api/requests/" + id + "/approve", "{\"approver\":42}", 400),
                new Case("POST", "/sandbox/api/requests/" + id + "/reject", "{\"approver\":\"dave\"}", 403),
                new Case("POST", "/sandbox/api/users/nobody/unlock", "", 404),
                new Case("GET", "/sandbox/api/users/alice/lock", null, 405),
                new Case("POST", "/sandbox/api/clock", "{\"advanceSeconds\":-5}", 400),
                new Case("GET", "/sandbox/api/nothing", null, 404))) {
            HttpRequest.Builder b = HttpRequest.newBuilder(nl3.sandbox().baseUri().resolve(c.path()));
            b.method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(c.body()));
            if (c.body() != null) {
                b.header("Content-Type", "application/json");
            }
            Http.Response r = http().send(b.build());
            assertEquals(c.status(), r.status(), c + " -> " + r.body());
            assertTrue(r.message() != null && !r.message().isBlank(), c + " has no message");
        }
        assertEquals("PENDING", nl3.sandbox().request(id).status());
    }

    @Test
    void resetForgetsRequestsLocksFaultsAndLog() {
        create();
        nl3.sandbox().lock("alice");
        nl3.sandbox().fault(Fault.on("/nl3/").withStatus(500));
        assertEquals(204, http().postJson("/sandbox/api/reset", null, "").status());
        assertTrue(nl3.sandbox().requests().isEmpty());
        assertTrue(nl3.sandbox().faults().isEmpty());
        assertTrue(nl3.sandbox().calls().isEmpty());
        assertEquals(false, http().postJson("/nl3/api/v1/accountProtectionCheck", Tokens.valid("alice", Instant.now()), "{}")
                .json().get("locked"));
    }

    @Test
    void clockCanBeAdvancedOverHttp() {
        Instant before = nl3.sandbox().now();
        Http.Response r = http().postJson("/sandbox/api/clock", null, "{\"advanceSeconds\":3600}");
        assertEquals(200, r.status());
        assertTrue(Instant.parse((String) r.json().get("now")).isAfter(before.plusSeconds(3599)));
    }

    @Test
    void usersAreListed() {
        String body = http().get("/sandbox/api/users", null).body();
        assertTrue(body.contains("\"username\":\"carol\"") && body.contains("\"locked\":true"), body);
    }

    @Test
    void adminAndConsoleRefuseRemoteCallersUnlessAllowed() throws Exception {
        // Bound to every interface, called through a non-loopback address of this machine if it has one.
        java.net.InetAddress external = null;
        for (java.net.NetworkInterface nif : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            for (java.net.InetAddress addr : java.util.Collections.list(nif.getInetAddresses())) {
                if (!addr.isLoopbackAddress() && addr instanceof java.net.Inet4Address && nif.isUp()) {
                    external = addr;
                }
            }
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(external != null, "no non-loopback IPv4 address on this machine");
        try (Sandbox open = Sandbox.builder().host("0.0.0.0").port(0).start()) {
            java.net.URI uri = java.net.URI.create("http://" + external.getHostAddress() + ":" + open.port());
            Http remote = new Http(uri);
            assertEquals(403, remote.get("/sandbox/api/requests", null).status());
            assertEquals(403, remote.get("/console", null).status());
            assertEquals(200, remote.postJson("/nl3/api/v1/accountProtectionCheck", Tokens.valid("alice", Instant.now()), "{}").status());
        }
    }
}
