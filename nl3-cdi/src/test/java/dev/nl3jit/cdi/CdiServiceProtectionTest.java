package dev.nl3jit.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nl3jit.filter.CheckResult;
import dev.nl3jit.filter.GrantScope;
import dev.nl3jit.filter.Nl3Approvals;
import dev.nl3jit.filter.Protection;
import dev.nl3jit.filter.Reason;
import dev.nl3jit.sandbox.SandboxExtension;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code ApprovalService.require(key)} builds the same protection as the filter from the same settings. */
@EnableWeld
class CdiServiceProtectionTest {
    @RegisterExtension
    static SandboxExtension nl3 = new SandboxExtension().withClock(InterceptorBeans.CLOCK);

    @WeldSetup
    WeldInitiator weld = InterceptorBeans.weld();

    @Inject
    InterceptorBeans.TestCaller caller;

    @Inject
    ApprovalService approvals;

    @Inject
    Nl3Approvals engine;

    @BeforeAll
    static void settings() {
        InterceptorBeans.useSandbox(nl3.sandbox(), "nl3.grant-uses", "3", "nl3.reason", "required", "nl3.parameters",
                "amount,to=recipient", "nl3.grant-scope", "request", "nl3.grant-duration", "7m");
    }

    @Test
    void theServiceProtectionCarriesUsesReasonAndParameters() {
        Protection p = engine.protection("ADMIN_ACCESS");
        assertEquals(dev.nl3jit.filter.Uses.of(3), p.uses(), "nl3.grant-uses");
        assertEquals(Reason.REQUIRED, p.reason(), "nl3.reason");
        assertEquals(Map.of("amount", "amount", "to", "recipient"), p.parameterMetadata(), "nl3.parameters");
        assertEquals(GrantScope.REQUEST, p.scope());
        assertEquals(Duration.ofMinutes(7), p.grantDuration());
    }

    @Test
    void aRequiredReasonIsAskedForBeforeAnyApprovalRequest() {
        caller.signIn("alice");
        assertEquals(CheckResult.Outcome.REASON_REQUIRED, approvals.require("ADMIN_ACCESS").outcome(),
                "nl3.reason=required holds for checks from code as for the filter");
        assertEquals(0, nl3.sandbox().requests().size(), "nothing was sent to NL3");
    }
}
