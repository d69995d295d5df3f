package dev.nl3jit.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.filter.ApprovalEvent;
import dev.nl3jit.filter.ApprovalRequiredException;
import dev.nl3jit.filter.ApprovalStatus;
import dev.nl3jit.filter.CheckResult;
import dev.nl3jit.filter.PendingApproval;
import dev.nl3jit.filter.TokenMinter;
import dev.nl3jit.sandbox.ApprovalView;
import dev.nl3jit.sandbox.Fault;
import dev.nl3jit.sandbox.Sandbox;
import dev.nl3jit.sandbox.SandboxExtension;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The interceptor and the approval service in a real Weld SE container, against the sandbox over HTTP. */
@EnableWeld
class CdiInterceptorTest {
    @RegisterExtension
    static SandboxExtension nl3 = new SandboxExtension().withClock(InterceptorBeans.CLOCK);

    @WeldSetup
    WeldInitiator weld = InterceptorBeans.weld();

    @Inject
    InterceptorBeans.Payments payments;

    @Inject
    InterceptorBeans.Admin admin;

    @Inject
    InterceptorBeans.TestCaller caller;

    @Inject
    InterceptorBeans.Audit audit;

    @Inject
    ApprovalService approvals;

    @Inject
    TokenMinter minter;

    private Sandbox sandbox;

    @BeforeAll
    static void settings() {
        InterceptorBeans.useSandbox(nl3.sandbox());
    }

    @BeforeEach
    void sandbox() {
        sandbox = nl3.sandbox();
    }

    private ApprovalRequiredException refused(Runnable call) {
        return assertThrows(ApprovalRequiredException.class, call::run);
    }

    @Test
    void noCallerIsRefusedWithoutAnyNl3Call() {
        ApprovalRequiredException e = refused(() -> payments.pay("10"));
        assertEquals(CheckResult.Outcome.UNAUTHENTICATED, e.result().outcome());
        assertTrue(sandbox.calls().isEmpty());
        assertEquals("balance", payments.balance(), "unannotated methods are not intercepted");
        assertTrue(sandbox.calls().isEmpty());
    }

    @Test
    void pendingThenApprovedThenPassesWithoutNl3Calls() {
        caller.signIn("alice");
        ApprovalRequiredException e = refused(() -> payments.pay("EUR 1200"));
        assertEquals(CheckResult.Outcome.PENDING, e.result().outcome());
        assertTrue(e.result().answer().isEmpty(), "no HTTP request, no HTTP answer");
        PendingApproval pending = e.result().approval().orElseThrow();
        ApprovalView request = sandbox.pendingRequests().get(0);
        assertEquals("PAYMENT_APPROVAL", request.templateId());
        assertEquals("batch", request.metaData().get("channel"));
        assertEquals(CheckResult.Outcome.PENDING, refused(() -> payments.pay("EUR 1200")).result().outcome());
        assertEquals(1, sandbox.requests().size(), "asked once");

        sandbox.approve(request.requestId(), "bob", null, "Bob");
        assertEquals(ApprovalStatus.APPROVED, approvals.awaitDecision(pending.ticket(), Duration.ofSeconds(5)).orElseThrow().status());
        int calls = sandbox.calls().size();
        assertEquals("paid EUR 1200", payments.pay("EUR 1200"));
        assertEquals(calls, sandbox.calls().size(), "a live grant made NL3 calls");
        assertEquals(CheckResult.Outcome.PENDING, refused(() -> payments.pay("EUR 1200")).result().outcome(),
                "a Sign and Approve approval is good for one call");
        assertEquals(List.of(ApprovalEvent.Kind.REQUESTED, ApprovalEvent.Kind.APPROVED, ApprovalEvent.Kind.REQUESTED), audit.kinds());
        ApprovalEvent approved = audit.events().get(1);
        assertEquals("alice", approved.user());
        assertEquals("PAYMENT_APPROVAL", approved.approvalKey());
        assertFalse(approved.toString().contains(pending.ticket()), "events carry no ticket");
    }

    @Test
    void aRequestScopedGrantCoversTheApprovedArgumentValuesOnly() {
        caller.signIn("alice");
        PendingApproval p = refused(() -> payments.transfer("EUR 1200")).result().approval().orElseThrow();
        assertEquals("EUR 1200", sandbox.pendingRequests().get(0).metaData().get("amount"));
        sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob", null, "Bob");
        assertEquals(ApprovalStatus.APPROVED, approvals.awaitDecision(p.ticket(), Duration.ofSeconds(5)).orElseThrow().status());
        assertEquals("transferred EUR 1200", payments.transfer("EUR 1200"));
        assertEquals("transferred EUR 1200", payments.transfer("EUR 1200"), "uses = unlimited");
        assertEquals(CheckResult.Outcome.PENDING, refused(() -> payments.transfer("EUR 999999")).result().outcome(),
                "another amount needs its own approval");
        assertEquals("EUR 999999", sandbox.pendingRequests().get(0).metaData().get("amount"));
        ApprovalEvent approved = audit.events().stream().filter(e -> e.kind() == ApprovalEvent.Kind.APPROVED).findFirst()
                .orElseThrow();
        assertEquals(Map.of("amount", "EUR 1200"), approved.values());
        assertTrue(approved.signed());
    }

    @Test
    void rejected() {
        caller.signIn("alice");
        PendingApproval p = refused(() -> admin.purge()).result().approval().orElseThrow();
        sandbox.reject(sandbox.pendingRequests().get(0).requestId(), "bob", "not during business hours");
        assertEquals(ApprovalStatus.REJECTED, approvals.awaitDecision(p.ticket(), Duration.ofSeconds(5)).orElseThrow().status());
        ApprovalRequiredException e = refused(() -> admin.purge());
        assertEquals(CheckResult.Outcome.REJECTED, e.result().outcome());
        assertEquals("not during business hours", e.result().approval().orElseThrow().comment());
        assertTrue(audit.kinds().contains(ApprovalEvent.Kind.REJECTED));
        assertEquals("not during business hours", audit.events().get(audit.events().size() - 1).detail());
    }

    @Test
    void locked() {
        caller.signIn("carol");
        assertEquals(CheckResult.Outcome.LOCKED, refused(() -> admin.purge()).result().outcome());
        assertEquals(List.of(ApprovalEvent.Kind.LOCKED), audit.kinds());
    }

    @Test
    void unavailableWhenNl3Fails() {
        caller.signIn("alice");
        sandbox.fault(Fault.on("/nl3/api/v1/approvalRequest").withStatus(500));
        assertEquals(CheckResult.Outcome.UNAVAILABLE, refused(() -> admin.purge()).result().outcome());
        assertEquals(List.of(ApprovalEvent.Kind.FAILURE), audit.kinds());
        assertTrue(audit.events().get(0).detail().contains("HTTP_STATUS"), audit.events().get(0).detail());
    }

    @Test
    void expired() {
        caller.signIn("alice");
        PendingApproval p = refused(() -> admin.purge()).result().approval().orElseThrow();
        InterceptorBeans.CLOCK.advance(Duration.ofMinutes(11));
        assertEquals(ApprovalStatus.EXPIRED, approvals.status(p.ticket()).orElseThrow().status());
        assertTrue(audit.kinds().contains(ApprovalEvent.Kind.EXPIRED), audit.kinds().toString());
        assertEquals(CheckResult.Outcome.PENDING, refused(() -> admin.purge()).result().outcome(), "asks anew");
    }

    @Test
    void approvalServiceAsksFromApplicationCodeAndCanCancel() {
        caller.signIn("alice");
        CheckResult r = approvals.require("PAYMENT_APPROVAL", Map.of("amount", "EUR 5", "recipient", "ACME"));
        assertEquals(CheckResult.Outcome.PENDING, r.outcome());
        assertEquals("Payment of EUR 5 to ACME", sandbox.pendingRequests().get(0).title());
        String ticket = r.approval().orElseThrow().ticket();
        assertEquals(ApprovalStatus.CANCELLED, approvals.cancel(ticket).orElseThrow().status());
        assertEquals("CANCELLED", sandbox.requests().get(0).status());
        caller.signIn("bob");
        assertTrue(approvals.status(ticket).isEmpty(), "another user cannot read alice's ticket");
    }

    @Test
    void tokenMinterIsInjectable() {
        String token = minter.mint("alice");
        assertEquals(3, token.split("\\.").length);
    }
}
