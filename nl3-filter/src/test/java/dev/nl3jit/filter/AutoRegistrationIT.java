package dev.nl3jit.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.sandbox.ApprovalView;
import dev.nl3jit.sandbox.Sandbox;
import dev.nl3jit.sandbox.SandboxExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A dropped-in jar and an annotated servlet, deployed as a real WAR. */
class AutoRegistrationIT {
    @RegisterExtension
    static SandboxExtension nl3 = new SandboxExtension();

    @TempDir
    Path dir;

    @Test
    void annotatedServletGetsTheApprovalFlowWithNoWebXmlFilter() throws Exception {
        Sandbox sandbox = nl3.sandbox();
        try (WarServer war = WarServer.deploy(dir, WarServer.contextParams(sandbox))) {
            Client alice = Client.as("alice");
            Client.Response first = alice.get(war.uri("/admin/users?reason=audit"));
            assertEquals(303, first.status(), first.body());
            assertTrue(first.location().startsWith("/app/nl3-approval?p="));
            ApprovalView request = sandbox.pendingRequests().get(0);
            assertEquals("ADMIN_ACCESS", request.templateId());
            assertEquals("the user list", request.metaData().get("resource"));
            assertEquals("audit", request.metaData().get("reason"));
            assertEquals(200, alice.get(war.uri(first.location().substring(4))).status(), "pending page served");
            sandbox.approve(request.requestId(), "bob");
            Client.Response status = alice.get(war.uri("/nl3-approval/status?p=" + Fixtures.ticket(first.location()) + "&wait=5"),
                    "Accept", "application/json");
            assertEquals("APPROVED", status.json().get("approvalStatus"));
            Client.Response ok = alice.get(war.uri("/admin/users"));
            assertEquals(200, ok.status());
            assertEquals("ADMIN OK alice", ok.body());
        }
    }

    @Test
    void autoRegistrationSwitchedOffLeavesTheServletUnprotected() throws Exception {
        Sandbox sandbox = nl3.sandbox();
        try (WarServer war = WarServer.deploy(dir, WarServer.contextParams(sandbox, "nl3.auto-register", "false"))) {
            Client.Response r = Client.as("alice").get(war.uri("/admin/users"));
            assertEquals(200, r.status());
            assertEquals("ADMIN OK alice", r.body());
            assertTrue(sandbox.calls().isEmpty());
        }
    }

    @Test
    void webXmlMappingAndAnnotationOnTheSamePathAskOnce() throws Exception {
        Sandbox sandbox = nl3.sandbox();
        String filter = """
                  <filter>
                    <filter-name>nl3-admin</filter-name>
                    <filter-class>dev.nl3jit.filter.Nl3ApprovalFilter</filter-class>
                    <init-param><param-name>nl3.approval-key</param-name><param-value>ADMIN_ACCESS</param-value></init-param>
                  </filter>
                  <filter-mapping><filter-name>nl3-admin</filter-name><url-pattern>/admin/*</url-pattern></filter-mapping>
                """;
        try (WarServer war = WarServer.deploy(dir, WarServer.contextParams(sandbox) + filter)) {
            Client alice = Client.as("alice");
            Client.Response first = alice.get(war.uri("/admin/users"));
            assertEquals(303, first.status());
            assertEquals(1, sandbox.requests().size(), "approval requests after the first visit");
            assertEquals(303, alice.get(war.uri("/admin/users")).status());
            assertEquals(1, sandbox.requests().size(), "a second visit while pending asked again");
            sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob");
            alice.get(war.uri("/nl3-approval/status?p=" + Fixtures.ticket(first.location()) + "&wait=5"), "Accept", "application/json");
            int calls = sandbox.calls().size();
            assertEquals(200, alice.get(war.uri("/admin/users")).status());
            assertEquals(calls, sandbox.calls().size(), "the second filter checked again");
            assertEquals(1, sandbox.requests().size());
        }
    }

    @Test
    void unprotectedRequestsCostNoCallNoTokenNoSession() throws Exception {
        Sandbox sandbox = nl3.sandbox();
        try (WarServer war = WarServer.deploy(dir, WarServer.contextParams(sandbox))) {
            for (int i = 0; i < 3; i++) {
                Client.Response r = Client.as("alice").get(war.uri("/home"));
                assertEquals("HOME no-session", r.body());
                assertNull(r.header("Set-Cookie"));
            }
            assertTrue(sandbox.calls().isEmpty());
        }
    }
}
