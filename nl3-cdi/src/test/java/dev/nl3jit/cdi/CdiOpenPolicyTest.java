package dev.nl3jit.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nl3jit.filter.ApprovalEvent;
import dev.nl3jit.filter.CheckResult;
import dev.nl3jit.sandbox.Fault;
import dev.nl3jit.sandbox.SandboxExtension;
import jakarta.inject.Inject;
import java.util.List;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The last decision state: NL3 fails and the open policy lets the bean method run (degraded, audited). */
@EnableWeld
class CdiOpenPolicyTest {
    @RegisterExtension
    static SandboxExtension nl3 = new SandboxExtension().withClock(InterceptorBeans.CLOCK);

    @WeldSetup
    WeldInitiator weld = InterceptorBeans.weld();

    @Inject
    InterceptorBeans.Admin admin;

    @Inject
    InterceptorBeans.TestCaller caller;

    @Inject
    InterceptorBeans.Audit audit;

    @Inject
    ApprovalService approvals;

    @BeforeAll
    static void settings() {
        InterceptorBeans.useSandbox(nl3.sandbox(), "nl3.approval-failure", "open");
    }

    @Test
    void openPolicyPassesDegradedWhenNl3Fails() {
        caller.signIn("alice");
        nl3.sandbox().fault(Fault.on("/nl3/api/v1/approvalRequest").dropConnection());
        assertEquals("purged", admin.purge());
        assertEquals(CheckResult.Outcome.PASSED_DEGRADED, approvals.require("ADMIN_ACCESS").outcome());
        assertEquals(List.of(ApprovalEvent.Kind.FAILURE, ApprovalEvent.Kind.FAILURE), audit.kinds());
    }
}
