package dev.nl3jit.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.sandbox.Fault;
import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** What operators see over JMX while the filter works: counts, store sizes, failures; gone on undeploy. */
class ApprovalsMBeanIT extends AppTestBase {
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    private Object attribute(ObjectName name, String attribute) throws Exception {
        return server.getAttribute(name, attribute);
    }

    @Test
    void anEngineShowsItsCountsAndIsUnregisteredWhenItStops() throws Exception {
        ObjectName name = new ObjectName("dev.nl3jit:type=Approvals,application=\"/app\",engine=\"filter:nl3-admin\"");
        assertTrue(server.isRegistered(name), "registered while the application runs");

        Client alice = Client.as("alice");
        String location = alice.get(app.uri("/admin/users")).location();
        assertEquals(1L, attribute(name, "ApprovalsRequested"));
        assertEquals(1L, attribute(name, "PendingApprovals"));
        sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob");
        alice.get(app.uri("/nl3-approval/status?p=" + Fixtures.ticket(location) + "&wait=5"), "Accept", "application/json");
        assertEquals(200, alice.get(app.uri("/admin/users")).status());
        assertEquals(1L, attribute(name, "ApprovalsGranted"));
        assertEquals(1L, attribute(name, "LiveGrants"));
        assertEquals(sandbox.calls().size(), ((Long) attribute(name, "Nl3Calls")).intValue(), "every NL3 call counted");
        assertTrue((Double) attribute(name, "MedianApprovalSeconds") >= 0);
        assertEquals(0L, attribute(name, "Nl3Unavailable"));
        assertEquals(-1L, attribute(name, "StoreEntriesRejected"), "the in-memory store has nothing to check");

        sandbox.fault(Fault.on("/nl3/api/v1/accountProtectionCheck").withStatus(503));
        assertEquals(503, Client.as("erin").get(app.uri("/admin/users")).status());
        assertEquals(1L, attribute(name, "Nl3Unavailable"));
        assertTrue(((String) attribute(name, "LastFailure")).contains("lock check: HTTP_STATUS HTTP 503"),
                (String) attribute(name, "LastFailure"));
        assertEquals(1L, attribute(new ObjectName("dev.nl3jit:type=Approvals,application=\"/app\",engine=\"filter:nl3-payments\""),
                "LiveGrants"), "the store is shared by both filters");

        app.close();
        app = null;
        assertFalse(server.isRegistered(name), "gone with the application");
    }
}
