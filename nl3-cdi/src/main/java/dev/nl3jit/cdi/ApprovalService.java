package dev.nl3jit.cdi;

import dev.nl3jit.filter.CheckResult;
import dev.nl3jit.filter.Nl3Approvals;
import dev.nl3jit.filter.PendingApproval;
import dev.nl3jit.filter.Protection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Approvals from application code, for the current user: ask before doing something (e.g. executing a
 * payment) and read the status later by the approval's ticket.
 *
 * <pre>{@code
 * CheckResult r = approvals.require("PAYMENT_APPROVAL", Map.of("amount", "EUR 1200", "recipient", "ACME"));
 * if (!r.passed()) { return r.approval().map(PendingApproval::ticket); }   // ask the user to wait
 * }</pre>
 */
@ApplicationScoped
public class ApprovalService {
    @Inject
    Nl3Approvals approvals;

    @Inject
    Checks checks;

    /** Whether the current user holds an approval for {@code approvalKey}; asks NL3 for one when not. */
    public CheckResult require(String approvalKey) {
        return require(approvalKey, Map.of());
    }

    /** As {@link #require(String)}, with metadata for the template's placeholders. */
    public CheckResult require(String approvalKey, Map<String, String> metadata) {
        return checks.check(approvals.protection(approvalKey).toBuilder().addMetadata(metadata).build());
    }

    /** A protection of your own (approvers, grant duration, scope). */
    public CheckResult require(Protection protection) {
        return checks.check(protection);
    }

    /** The current user's approval with this ticket, brought up to date. */
    public Optional<PendingApproval> status(String ticket) {
        return checks.currentUser().flatMap(user -> approvals.status(ticket, user));
    }

    /** Waits up to {@code wait} for a decision. */
    public Optional<PendingApproval> awaitDecision(String ticket, Duration wait) {
        return checks.currentUser().flatMap(user -> approvals.awaitDecision(ticket, user, wait));
    }

    /** Cancels the current user's approval with this ticket. */
    public Optional<PendingApproval> cancel(String ticket) {
        return checks.currentUser().flatMap(user -> approvals.cancel(ticket, user));
    }
}
