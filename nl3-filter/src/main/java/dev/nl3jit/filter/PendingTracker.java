package dev.nl3jit.filter;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Keeps pending approvals up to date: asks NL3 for a ticket's status at most once per poll interval however
 * many requests wait for it, on however many nodes (concurrent refreshes of one ticket on one node share one call;
 * across nodes, a conditional replace of the ticket's check time decides who calls), expires tickets the application
 * stopped waiting for, records the grant when an approver approved, long-polls, cancels and forgets. Holds no
 * per-ticket state of its own: what it knows lives in the {@link ApprovalStore}, so eviction leaves nothing behind.
 */
final class PendingTracker {
    private static final System.Logger LOG = System.getLogger(PendingTracker.class.getName());

    private final ApprovalStore store;
    private final Nl3Client client;
    private final Clock clock;
    private final Duration pollInterval;
    private final Duration callBudget;
    private final Events events;
    private final GrantCheck grantCheck;
    private final SingleFlight<String, PendingApproval> refreshes = new SingleFlight<>();
    private final FailureLog failures;

    /** Asked before a grant is recorded: {@code true} when the user may have it (not locked). */
    @FunctionalInterface
    interface GrantCheck {
        boolean mayGrant(String user) throws Nl3Failure;

        GrantCheck ALWAYS = user -> true;
    }

    PendingTracker(ApprovalStore store, Nl3Client client, Clock clock, Duration pollInterval, Duration callBudget,
            Events events, GrantCheck grantCheck, FailureLog failures) {
        this.store = store;
        this.client = client;
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.callBudget = callBudget;
        this.events = events;
        this.grantCheck = grantCheck;
        this.failures = failures;
    }

    /** The longest one NL3 call may take: connect plus read timeout. */
    Duration callBudget() {
        return callBudget;
    }

    /** The approval with this ticket if it belongs to {@code user}. */
    Optional<PendingApproval> byTicket(String ticket, String user) {
        if (Tickets.tagOf(ticket).isEmpty() || user == null) {
            return Optional.empty();
        }
        return store.pendingByTicket(ticket).filter(p -> p.key().user().equals(user));
    }

    /**
     * The pending approval brought up to date: asks NL3 when the last check is older than the poll interval,
     * records the grant on approval.
     *
     * @throws Nl3Failure NL3 gave no usable answer (the ticket stays pending)
     */
    PendingApproval refresh(PendingApproval pending) throws Nl3Failure {
        PendingApproval current = store.pendingByTicket(pending.ticket()).orElse(pending);
        if (current.status().isFinal() || !needsCheck(current)) {
            return current;
        }
        try {
            return refreshes.run(pending.ticket(), callBudget.plusSeconds(1), () -> check(pending));
        } catch (TimeoutException e) {
            throw new Nl3Failure(Nl3Failure.Reason.TIMEOUT, 0, "a shared status call did not finish");
        }
    }

    private boolean needsCheck(PendingApproval p) {
        Instant now = clock.instant();
        return !now.isBefore(p.expiresAt()) || p.checkedAt() == null || !now.isBefore(p.checkedAt().plus(pollInterval));
    }

    /**
     * Runs once per ticket at a time on this node; across nodes, the one that moves the ticket's check time forward
     * (a conditional replace in the store) makes the call, the others keep what is stored.
     */
    private PendingApproval check(PendingApproval pending) throws Nl3Failure {
        PendingApproval current = store.pendingByTicket(pending.ticket()).orElse(pending);
        if (current.status().isFinal() || !needsCheck(current)) {
            return current;
        }
        Instant now = clock.instant();
        if (!now.isBefore(current.expiresAt())) {
            PendingApproval expired = current.with(d -> {
                d.status = ApprovalStatus.EXPIRED;
                d.decidedAt = current.expiresAt();
                d.checkedAt = now;
            });
            if (!store.replacePending(current, expired)) {
                return stored(current);
            }
            events.emit(ApprovalEvent.Kind.EXPIRED, expired, null);
            return expired;
        }
        PendingApproval claimed = current.checked(now);
        if (!claimed.equals(current) && !store.replacePending(current, claimed)) {
            // Another node checked this interval's status, or is checking it now.
            return stored(current);
        }
        Nl3Client.Report report;
        try {
            report = client.status(current.key().user(), current.requestId());
        } catch (Nl3Failure f) {
            // Remembered on the ticket, so every waiting page says the service is not answering, and asked again
            // only after the poll interval.
            store.replacePending(claimed, claimed.with(d -> d.failing = f.reason().name() + ":" + f.status()));
            failures.report(f, "status check", current.key().approvalKey(), current.key().user(),
                    "the pending pages say so and keep trying");
            throw f;
        }
        Instant decidedAt = report.status().isFinal() ? (report.decidedAt() == null ? now : report.decidedAt()) : null;
        PendingApproval updated = claimed.with(d -> {
            d.status = report.status();
            d.comment = report.comment();
            d.decidedAt = decidedAt;
            d.decidedBy = report.decidedBy();
            d.signer = report.signer();
            d.signedAt = report.signedAt();
            d.failing = null;
            if (report.approvalType() != null) {
                d.approvalType = report.approvalType();
            }
        });
        if (report.status() == ApprovalStatus.APPROVED) {
            // The lock is NL3's panic button: an approval that arrives while the user is locked gives nothing.
            boolean mayGrant = grantCheck.mayGrant(current.key().user());
            if (!mayGrant) {
                LOG.log(Level.INFO, "approved while locked: no grant for {0} / {1}", current.key().user(),
                        current.key().approvalKey());
                events.emit(ApprovalEvent.Kind.LOCKED, updated, "approved while locked: no grant");
                store.replacePending(claimed, updated);
                return updated;
            }
            // The grant first: whoever sees the ticket approved finds the grant it leads to.
            Instant from = updated.decidedAt().isAfter(now) ? now : updated.decidedAt();
            Grant grant = new Grant(from.plus(current.grantFor()), ApprovalGate.grantUses(current.uses(), updated.approvalType()));
            store.putGrant(current.key(), grant);
            LOG.log(Level.DEBUG, "approved: {0} / {1}", current.key().user(), current.key().approvalKey());
            events.emit(ApprovalEvent.Kind.APPROVED, current.key(), null, updated, grant);
        } else if (report.status() == ApprovalStatus.REJECTED) {
            events.emit(ApprovalEvent.Kind.REJECTED, updated, report.comment());
        } else if (report.status().isFinal()) {
            events.emit(ApprovalEvent.Kind.EXPIRED, updated, null);
        }
        return store.replacePending(claimed, updated) ? updated : stored(updated);
    }

    /** What the store holds for this ticket now, or {@code fallback} when it holds nothing (evicted, revoked). */
    private PendingApproval stored(PendingApproval fallback) {
        return store.pendingByTicket(fallback.ticket()).orElse(fallback);
    }

    /**
     * Long poll on the calling thread: returns when the status is final, or after {@code wait}.
     *
     * @throws Nl3Failure the wait ended while NL3 was failing
     */
    PendingApproval awaitDecision(PendingApproval pending, Duration wait) throws Nl3Failure {
        long deadline = System.nanoTime() + wait.toNanos();
        Nl3Failure lastFailure = null;
        PendingApproval current = pending;
        while (true) {
            try {
                current = refresh(current);
                lastFailure = null;
            } catch (Nl3Failure f) {
                lastFailure = f;
            }
            if (current.status().isFinal()) {
                return current;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (lastFailure != null) {
                    throw lastFailure;
                }
                return current;
            }
            try {
                Thread.sleep(nextCheckInMillis(left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return current;
            }
        }
    }

    /** How long a waiter sleeps before the next check, given the nanoseconds left of its wait. */
    long nextCheckInMillis(long nanosLeft) {
        return Math.max(50, Math.min(TimeUnit.NANOSECONDS.toMillis(nanosLeft), pollInterval.toMillis()));
    }

    /** Cancels at NL3 (best effort) and remembers the request as cancelled. */
    PendingApproval cancel(PendingApproval pending) {
        if (pending.status() == ApprovalStatus.PENDING) {
            try {
                client.cancel(pending.key().user(), pending.requestId());
            } catch (Nl3Failure f) {
                LOG.log(Level.WARNING, "NL3 cancel failed ({0}); forgetting the request locally", f.reason());
            }
        }
        Instant now = clock.instant();
        PendingApproval cancelled = pending.with(d -> {
            d.status = ApprovalStatus.CANCELLED;
            d.decidedAt = now;
            d.checkedAt = now;
            d.kept = null;
        });
        store.putPending(cancelled);
        return cancelled;
    }

    /** Removes the ticket: its user moved on. */
    void forget(PendingApproval pending) {
        store.removePending(pending);
    }

    /** Status calls running now (for tests: none outlive their call). */
    int running() {
        return refreshes.running();
    }
}
