package dev.nl3jit.filter;

import java.util.Optional;

/** What a check decided, the pending approval it concerns, and (for HTTP checks) the answer to send. */
public final class CheckResult {

    public enum Outcome {
        /** A live grant, or a fresh approval: go ahead. */
        PASSED,
        /** NL3 failed and the open failure policy lets the request through. */
        PASSED_DEGRADED,
        /** An approval request is waiting for an approver. */
        PENDING,
        /** An approver rejected. */
        REJECTED,
        /** The account is locked (or not enrolled where that is denied). */
        LOCKED,
        /** The user asked for more approvals than {@code nl3.request-limit} allows; nothing was sent to NL3. */
        LIMITED,
        /** The protection asks for a reason first (browsers are sent to a page for it; API clients send {@code NL3-Reason}). */
        REASON_REQUIRED,
        /**
         * A value the approver would be shown is longer than {@code nl3.max-value-length}; nothing was sent to NL3
         * (browsers get a page naming the field and the limit, API clients 422).
         */
        TOO_LONG,
        /** An unsafe request that a browser marks as sent by another origin; refused with 403, nothing sent to NL3. */
        CROSS_ORIGIN,
        /** NL3 failed and the policy is closed. */
        UNAVAILABLE,
        /** No authenticated user. */
        UNAUTHENTICATED
    }

    private final Outcome outcome;
    private final StoredApproval approval;
    private final Answer answer;

    private CheckResult(Outcome outcome, StoredApproval approval, Answer answer) {
        this.outcome = outcome;
        this.approval = approval;
        this.answer = answer;
    }

    /** A request a live grant let through: nothing to answer, no approval to show. */
    static final CheckResult PASSED = new CheckResult(Outcome.PASSED, null, null);

    static CheckResult of(Outcome outcome, StoredApproval approval, Answer answer) {
        return new CheckResult(outcome, approval, answer);
    }

    /** No authenticated user could be found (for checks outside HTTP with no known caller). */
    public static CheckResult unauthenticated() {
        return new CheckResult(Outcome.UNAUTHENTICATED, null, null);
    }

    public Outcome outcome() {
        return outcome;
    }

    /** Whether the protected action may go ahead. */
    public boolean passed() {
        return outcome == Outcome.PASSED || outcome == Outcome.PASSED_DEGRADED;
    }

    /** The pending or rejected approval. */
    public Optional<PendingApproval> approval() {
        return Optional.ofNullable(approval).map(StoredApproval::view);
    }

    /** The HTTP answer (redirect, problem+json, page) for checks of an HTTP request that did not pass. */
    public Optional<Answer> answer() {
        return Optional.ofNullable(answer);
    }

    @Override
    public String toString() {
        return "CheckResult[" + outcome + "]";
    }
}
