package dev.nl3jit.filter.internal.engine;

import dev.nl3jit.filter.internal.store.Ledger;
import dev.nl3jit.filter.internal.store.StoredApproval;

import dev.nl3jit.filter.Uses;

import dev.nl3jit.filter.ApprovalEvent;
import dev.nl3jit.filter.ApprovalStatus;
import dev.nl3jit.filter.spi.ApprovalStoreException;
import dev.nl3jit.filter.internal.store.Grant;
import dev.nl3jit.filter.internal.util.LogOnce;
import dev.nl3jit.filter.internal.nl3.Nl3Client;
import dev.nl3jit.filter.internal.nl3.Nl3Failure;
import dev.nl3jit.filter.PendingApproval;
import dev.nl3jit.filter.internal.nl3.Nl3Budget;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps pending approvals up to date: asks NL3 for a ticket's status at most once per interval however many requests
 * wait for it, on however many nodes (concurrent refreshes of one ticket on one node share one call; across nodes, a
 * conditional replace of the ticket's check time decides who calls), expires tickets the application stopped waiting
 * for, records the grant when an approver approved, long-polls, cancels and forgets.
 *
 * <p>The interval adapts: a ticket someone is long-polling (a pending page, an API client with {@code wait}) is checked
 * every {@link #WATCHED} or as often as the engine's budget of NL3 calls ({@code nl3.max-status-calls}, what status
 * checks may use of it: {@link Nl3Budget.Use#STATUS}) allows for all the tickets watched on it, whichever is longer; a
 * ticket nobody watches, at most once per {@code nl3.poll-interval}. When the budget is short the watched tickets do not
 * share it evenly: each gets a share in proportion to {@link #weight}, one over the square root of its age (at least
 * {@link #AGE_FLOOR}), so fresh tickets, where approvals are likeliest, are checked more often than old ones. No status
 * call ever exceeds the budget: a due check without budget waits for the next tick. The call itself holds no thread while NL3 answers. What the tracker knows of a ticket lives in the
 * {@link Ledger}; its own maps hold only calls in flight and open long polls.
 */
public final class PendingTracker {
    private static final System.Logger LOG = System.getLogger(PendingTracker.class.getName());
    /** How often a watched ticket is checked while the budget allows: the fastest poll interval. */
    static final Duration WATCHED = Duration.ofMillis(200);
    /** Tickets younger than this weigh as much as one this old: nobody approves in the first seconds. */
    static final Duration AGE_FLOOR = Duration.ofSeconds(5);
    /** The share of the status checks' budget the watched tickets are paced to, so refusals stay rare. */
    private static final double PACE = 0.9;
    /** How often the sum of the watched tickets' weights is worked out again at most (they change with age). */
    private static final long WEIGHTS_EVERY_MILLIS = 100;

    private final Ledger store;
    private final Nl3Client client;
    private final Clock clock;
    private final Duration pollInterval;
    private final Duration callBudget;
    private final Events events;
    private final GrantCheck grantCheck;
    private final FailureLog failures;
    private final Nl3Budget budget;
    private final LogOnce forgotten = new LogOnce(LOG, Duration.ofMinutes(1));
    private final ConcurrentHashMap<String, CompletableFuture<StoredApproval>> inFlight = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Watch> watchers = new ConcurrentHashMap<>();
    /**
     * Status calls sent and not yet answered. The budget counts a call when it is taken; if the transport stalls (a
     * pause of this JVM, a slow selector) the calls taken meanwhile would reach NL3 together: at most a tenth of a
     * second's status calls may be under way at once, so such a stall adds no more than that to any second at NL3.
     */
    private final AtomicInteger statusInFlight = new AtomicInteger();
    /** The sum of the watched tickets' weights, when and at how many tickets it was worked out. */
    private volatile Weights weights = new Weights(0, Long.MIN_VALUE, 0);

    /** Long polls open on one ticket, and when the ticket was created ({@code null}: not known, counted as fresh). */
    private record Watch(AtomicInteger polls, Instant createdAt) {
    }

    private record Weights(double sum, long atMillis, int tickets) {
    }

    /** Asked before a grant is recorded: {@code true} when the user may have it (not locked). */
    @FunctionalInterface
    public interface GrantCheck {
        boolean mayGrant(String user) throws Nl3Failure;

        GrantCheck ALWAYS = user -> true;
    }

    public PendingTracker(Ledger store, Nl3Client client, Clock clock, Duration pollInterval, Duration callBudget,
            Events events, GrantCheck grantCheck, FailureLog failures) {
        this.store = store;
        this.client = client;
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.callBudget = callBudget;
        this.events = events;
        this.grantCheck = grantCheck;
        this.failures = failures;
        this.budget = client.budget();
    }

    /** The longest one NL3 call may take: connect plus read timeout. */
    public Duration callBudget() {
        return callBudget;
    }

    /** The approval with this ticket if it belongs to {@code user}. */
    public Optional<StoredApproval> byTicket(String ticket, String user) {
        if (Tickets.tagOf(ticket).isEmpty() || user == null) {
            return Optional.empty();
        }
        return store.pendingByTicket(ticket).filter(p -> p.key().user().equals(user));
    }

    // --- watching ---

    /** A long poll on this ticket starts: it is checked at the watched pace until {@link #unwatch}. */
    public void watch(StoredApproval p) {
        watch(p.ticket(), p.createdAt());
    }

    /** As {@link #watch(StoredApproval)}, for a ticket of unknown age (counted as fresh). */
    public void watch(String ticket) {
        watch(ticket, null);
    }

    private void watch(String ticket, Instant createdAt) {
        watchers.compute(ticket, (t, w) -> {
            Watch watch = w != null ? w : new Watch(new AtomicInteger(), createdAt);
            watch.polls().incrementAndGet();
            return watch;
        });
    }

    public void unwatch(String ticket) {
        watchers.computeIfPresent(ticket, (t, w) -> w.polls().decrementAndGet() <= 0 ? null : w);
    }

    /**
     * How much of the status budget a watched ticket gets, relative to the others: one over the square root of its age
     * in seconds (at least {@link #AGE_FLOOR}). Checking each ticket at a rate in proportion to the square root of the
     * chance that it is approved in the next moment keeps the mean time to see approvals lowest for a given number of
     * calls; for people answering a push (times spread log-normally, most within a minute, a long tail) that chance
     * falls about as one over the age once past the first seconds.
     */
    double weight(Instant createdAt, Instant now) {
        double age = createdAt == null ? 0 : Duration.between(createdAt, now).toMillis() / 1000.0;
        return 1 / Math.sqrt(Math.max(age, AGE_FLOOR.toMillis() / 1000.0));
    }

    /** The sum of the watched tickets' weights, worked out again when older than 100 ms or the count moved. */
    private double weightSum(Instant now) {
        Weights w = weights;
        int n = watchers.size();
        long at = now.toEpochMilli();
        if (at - w.atMillis() < WEIGHTS_EVERY_MILLIS && at >= w.atMillis() && Math.abs(n - w.tickets()) <= n / 64) {
            return w.sum();
        }
        double sum = 0;
        for (Watch watch : watchers.values()) {
            sum += weight(watch.createdAt(), now);
        }
        weights = new Weights(sum, at, n);
        return sum;
    }

    /** Tickets with an open long poll on this node. */
    public int watchedTickets() {
        return watchers.size();
    }

    /**
     * How often this ticket is checked now: fast while watched (within the status checks' share of the budget, shared
     * by weight), else the poll interval.
     */
    public Duration interval(String ticket) {
        Watch watch = watchers.get(ticket);
        if (watch == null) {
            return pollInterval;
        }
        Duration fast = WATCHED.compareTo(pollInterval) < 0 ? WATCHED : pollInterval;
        Instant now = clock.instant();
        double sum = weightSum(now);
        double mine = weight(watch.createdAt(), now);
        // Paced to 90 % of what status checks may use, so the checks of all watched tickets fit with room for the others;
        // each ticket's share in proportion to its weight.
        double perSecond = PACE * budget.limit(Nl3Budget.Use.STATUS) * mine / Math.max(sum, mine);
        long budgetNanos = (long) Math.min(3.6e12, 1e9 / perSecond);
        return budgetNanos > fast.toNanos() ? Duration.ofNanos(budgetNanos) : fast;
    }

    // --- refreshing ---

    /**
     * The pending approval brought up to date: asks NL3 when the last check is older than the ticket's interval and
     * the budget allows, records the grant on approval. Waits for the call (bounded by connect + read timeout).
     *
     * @throws Nl3Failure NL3 gave no usable answer (the ticket stays pending)
     */
    public StoredApproval refresh(StoredApproval pending) throws Nl3Failure {
        try {
            return refreshAsync(pending).get(callBudget.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Nl3Failure f) {
                throw f;
            }
            if (e.getCause() instanceof ApprovalStoreException s) {
                throw s; // recording the answer failed: the caller's store-failure answer (503), not a 500
            }
            throw new IllegalStateException("status check failed", e.getCause());
        } catch (TimeoutException e) {
            throw new Nl3Failure(Nl3Failure.Reason.TIMEOUT, 0, "a shared status call did not finish");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Nl3Failure(Nl3Failure.Reason.INTERRUPTED, 0, "interrupted");
        }
    }

    /**
     * As {@link #refresh}, without waiting: completes with the ticket as now known, or fails with an
     * {@link Nl3Failure}. Concurrent refreshes of one ticket share one call.
     */
    public CompletableFuture<StoredApproval> refreshAsync(StoredApproval pending) {
        StoredApproval current = stored(pending);
        if (current.status().isFinal() || !needsCheck(current)) {
            return CompletableFuture.completedFuture(current);
        }
        CompletableFuture<StoredApproval> mine = new CompletableFuture<>();
        CompletableFuture<StoredApproval> running = inFlight.putIfAbsent(pending.ticket(), mine);
        if (running != null) {
            return running;
        }
        CompletableFuture<StoredApproval> check;
        try {
            check = check(pending);
        } catch (RuntimeException e) {
            check = CompletableFuture.failedFuture(e);
        }
        check.whenComplete((p, e) -> {
            inFlight.remove(pending.ticket(), mine);
            if (e == null) {
                mine.complete(p);
            } else {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                if (cause instanceof java.util.concurrent.RejectedExecutionException) {
                    // The transport's threads and queue were full (nl3.call-threads, nl3.call-queue): no room to record it.
                    cause = new Nl3Failure(Nl3Failure.Reason.BUSY, 0, "no thread free to record the answer (nl3.call-threads, nl3.call-queue)");
                    failures.report((Nl3Failure) cause, "status check", pending.key().approvalKey(), pending.key().user(),
                            "the pending pages keep trying");
                }
                mine.completeExceptionally(cause);
            }
        });
        return mine;
    }

    private boolean needsCheck(StoredApproval p) {
        Instant now = clock.instant();
        return !now.isBefore(p.expiresAt()) || p.checkedAt() == null || !now.isBefore(p.checkedAt().plus(interval(p.ticket())));
    }

    /** Milliseconds until this ticket is due for its next check (0: now). */
    long dueInMillis(StoredApproval p) {
        if (p.checkedAt() == null) {
            return 0;
        }
        return Math.max(0, Duration.between(clock.instant(), p.checkedAt().plus(interval(p.ticket()))).toMillis());
    }

    /**
     * Runs once per ticket at a time on this node; across nodes, the one that moves the ticket's check time forward
     * (a conditional replace in the store) makes the call, the others keep what is stored.
     */
    private CompletableFuture<StoredApproval> check(StoredApproval pending) {
        StoredApproval current = stored(pending);
        if (current.status().isFinal() || !needsCheck(current)) {
            return CompletableFuture.completedFuture(current);
        }
        Instant now = clock.instant();
        if (!now.isBefore(current.expiresAt())) {
            StoredApproval expired = current.with(d -> {
                d.status = ApprovalStatus.EXPIRED;
                d.decidedAt = current.expiresAt();
                d.checkedAt = now;
            });
            if (!store.replacePending(current, expired)) {
                return CompletableFuture.completedFuture(stored(current));
            }
            events.emit(ApprovalStatus.EXPIRED.auditKind(), expired, null);
            return CompletableFuture.completedFuture(expired);
        }
        int maxInFlight = Math.max(2, budget.limit(Nl3Budget.Use.STATUS) / 10);
        if (statusInFlight.get() >= maxInFlight || !budget.tryTake(Nl3Budget.Use.STATUS)) {
            // No room for status checks in the last second's calls (or too many under way): the waiters ask again at
            // their next tick.
            return CompletableFuture.completedFuture(current);
        }
        StoredApproval claimed = current.checked(now);
        if (!claimed.equals(current) && !store.replacePending(current, claimed)) {
            // Another node checked this interval's status, or is checking it now.
            return CompletableFuture.completedFuture(stored(current));
        }
        // Recording an approval may ask NL3 about the lock (a blocking call): never on the HTTP client's own threads.
        statusInFlight.incrementAndGet();
        return client.statusAsync(current.key().user(), current.requestId())
                .whenComplete((r, e) -> statusInFlight.decrementAndGet()).handleAsync((report, e) -> {
            if (e != null) {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                Nl3Failure f = cause instanceof Nl3Failure nf ? nf
                        : new Nl3Failure(Nl3Failure.Reason.CONNECTION, 0, "status check failed: " + cause);
                // Remembered on the ticket, so every waiting page says the service is not answering, and asked again
                // only after the interval.
                store.replacePending(claimed, claimed.with(d -> d.failing = f.reason().name() + ":" + f.status()));
                failures.report(f, "status check", current.key().approvalKey(), current.key().user(),
                        "the pending pages say so and keep trying");
                throw new CompletionException(f);
            }
            try {
                if (report == Nl3Client.FORGOTTEN) {
                    forgotten.warn("404", "NL3 no longer knows approval request {0} of {1} (HTTP 404); the user sees \"Request "
                            + "expired\" and may ask again", current.requestId(), current.key().user());
                }
                return recorded(current, claimed, report, now);
            } catch (Nl3Failure f) {
                throw new CompletionException(f);
            }
        }, client.blocking());
    }

    /** What NL3 reported, recorded: the ticket's new state, and the grant when approved (unless the user is locked). */
    private StoredApproval recorded(StoredApproval current, StoredApproval claimed, Nl3Client.Report report, Instant now)
            throws Nl3Failure {
        Instant decidedAt = report.status().isFinal() ? (report.decidedAt() == null ? now : report.decidedAt()) : null;
        StoredApproval updated = claimed.with(d -> {
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
            Grant grant = new Grant(from.plus(current.grantFor()), Uses.fromCode(current.uses()).forGrant(updated.approvalType()));
            store.putGrant(current.key(), grant);
            LOG.log(Level.DEBUG, "approved: {0} / {1}", current.key().user(), current.key().approvalKey());
            events.emit(report.status().auditKind(), current.key(), null, updated, grant);
        } else if (report.status().isFinal()) {
            // Each final state is audited as its own event; a rejection carries the approver's comment.
            ApprovalEvent.Kind kind = report.status().auditKind();
            events.emit(kind, updated, kind == ApprovalEvent.Kind.REJECTED ? report.comment() : null);
        }
        return store.replacePending(claimed, updated) ? updated : stored(updated);
    }

    /** What the store holds for this ticket now, or {@code fallback} when it holds nothing (evicted, revoked). */
    private StoredApproval stored(StoredApproval fallback) {
        return store.pendingByTicket(fallback.ticket()).orElse(fallback);
    }

    /**
     * Long poll on the calling thread: returns when the status is final, or after {@code wait}.
     *
     * @throws Nl3Failure the wait ended while NL3 was failing
     */
    public StoredApproval awaitDecision(StoredApproval pending, Duration wait) throws Nl3Failure {
        return awaitDecision(pending, wait, false);
    }

    /**
     * As {@link #awaitDecision(StoredApproval, Duration)}; with {@code orOutage} it also ends as soon as
     * {@link #failingShown} changes (NL3 starts or stops failing for this ticket), so that a waiting page says so at once.
     */
    public StoredApproval awaitDecision(StoredApproval pending, Duration wait, boolean orOutage) throws Nl3Failure {
        watch(pending);
        try {
            return awaitWatched(pending, wait, orOutage);
        } finally {
            unwatch(pending.ticket());
        }
    }

    /**
     * Whether a waiting page says the approval service is not answering (the status body's {@code unavailable}): the
     * last check of this pending ticket failed, here ({@code lastCheckFailed}) or as the store remembers it.
     */
    public static boolean failingShown(StoredApproval p, boolean lastCheckFailed) {
        return lastCheckFailed || p.status() == ApprovalStatus.PENDING && p.failing() != null;
    }

    private StoredApproval awaitWatched(StoredApproval pending, Duration wait, boolean orOutage) throws Nl3Failure {
        long deadline = System.nanoTime() + wait.toNanos();
        boolean failingAtStart = failingShown(pending, false);
        Nl3Failure lastFailure = null;
        StoredApproval current = pending;
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
            if (orOutage && failingShown(current, lastFailure != null) != failingAtStart) {
                if (lastFailure != null) {
                    throw lastFailure;
                }
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
                Thread.sleep(nextCheckInMillis(current, left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return current;
            }
        }
    }

    /**
     * How long a waiter sleeps before the next check: until the ticket is due, at least 20 ms, at most the time left
     * of its wait. An overdue ticket means the budget just refused its call: it tries again at a random moment within
     * one interval, so refused waiters spread out instead of coming back together.
     */
    public long nextCheckInMillis(StoredApproval p, long nanosLeft) {
        long due = dueInMillis(p);
        if (due == 0) {
            due = java.util.concurrent.ThreadLocalRandom.current().nextLong(20, Math.max(21, interval(p.ticket()).toMillis()));
        }
        return Math.max(20, Math.min(TimeUnit.NANOSECONDS.toMillis(nanosLeft), due));
    }

    /** Cancels at NL3 (best effort) and remembers the request as cancelled. */
    public StoredApproval cancel(StoredApproval pending) {
        if (pending.status() == ApprovalStatus.PENDING) {
            try {
                client.cancel(pending.key().user(), pending.requestId());
            } catch (Nl3Failure f) {
                LOG.log(Level.WARNING, "NL3 cancel failed ({0}); forgetting the request locally", f.reason());
            }
        }
        Instant now = clock.instant();
        StoredApproval cancelled = pending.with(d -> {
            d.status = ApprovalStatus.CANCELLED;
            d.decidedAt = now;
            d.checkedAt = now;
            d.kept = null;
        });
        store.putPending(cancelled);
        return cancelled;
    }

    /** Removes the ticket: its user moved on. */
    public void forget(StoredApproval pending) {
        store.removePending(pending);
    }

    /** Status calls running now (for tests: none outlive their call). */
    public int running() {
        return inFlight.size();
    }
}
