package dev.nl3jit.filter.internal.engine;

import dev.nl3jit.filter.internal.store.KeptRequest;
import dev.nl3jit.filter.internal.store.Ledger;
import dev.nl3jit.filter.internal.store.StoredApproval;

import dev.nl3jit.filter.ApprovalEvent;
import dev.nl3jit.filter.ApprovalStatus;
import dev.nl3jit.filter.spi.ApprovalStoreException;
import dev.nl3jit.filter.ApprovalType;
import dev.nl3jit.filter.FailurePolicy;
import dev.nl3jit.filter.internal.store.Grant;
import dev.nl3jit.filter.GrantBinding;
import dev.nl3jit.filter.GrantKey;
import dev.nl3jit.filter.GrantScope;
import dev.nl3jit.filter.internal.util.LogOnce;
import dev.nl3jit.filter.internal.nl3.Nl3Client;
import dev.nl3jit.filter.internal.nl3.Nl3Failure;
import dev.nl3jit.filter.internal.nl3.Nl3Json;
import dev.nl3jit.filter.Nl3Settings;
import dev.nl3jit.filter.PendingApproval;
import dev.nl3jit.filter.Protection;
import dev.nl3jit.filter.internal.settings.RateLimit;
import dev.nl3jit.filter.Reason;
import dev.nl3jit.filter.internal.util.Shown;
import dev.nl3jit.filter.internal.util.SingleFlight;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * The decisions of steps 3 to 7, independent of the servlet API: a live grant passes with no token and no network
 * call, one use taken atomically; a user the background re-check knows locked is refused with no call; a pending
 * approval answers with its status (kept up to date by the {@link PendingTracker}); otherwise, within the user's
 * request limit, the lock check and a new approval request, shared by concurrent first requests for the same grant
 * key; a failed NL3 call goes to the failure policy.
 */
public final class ApprovalGate {
    private static final System.Logger LOG = System.getLogger(ApprovalGate.class.getName());
    /** The answer when the store failed: 503, whatever the failure policy. */
    static final Decision STORE_FAILED = new Decision.Unavailable(Nl3Failure.Kind.UNAVAILABLE);
    /** How often a request waiting for another node's approval request looks for its outcome. */
    static final long CLAIM_POLL_MILLIS = 25;

    private final Nl3Settings settings;
    private final String engineTag;
    private final Clock clock;
    private final Ledger store;
    private final Nl3Client client;
    private final PendingTracker tracker;
    private final LockWatch locks;
    private final ReasonDrafts drafts;
    private final Events events;
    private final LogOnce storeFailures = new LogOnce(LOG, Duration.ofMinutes(5));
    private final FailureLog failures;
    private final SingleFlight<GrantKey, Decision> firstRequests = new SingleFlight<>();
    /** How long concurrent first requests wait for the one that asks: two NL3 calls at most, and a second to spare. */
    private final Duration firstRequestWait;

    ApprovalGate(Nl3Settings settings, String engineTag, Clock clock, Ledger store, Nl3Client client,
            PendingTracker tracker, LockWatch locks, ReasonDrafts drafts, Events events) {
        this.settings = settings;
        this.engineTag = engineTag;
        this.clock = clock;
        this.store = store;
        this.client = client;
        this.tracker = tracker;
        this.locks = locks;
        this.drafts = drafts;
        this.events = events;
        this.failures = new FailureLog(settings);
        this.firstRequestWait = settings.connectTimeout().plus(settings.readTimeout()).multipliedBy(2).plusSeconds(1);
    }

    /**
     * What a grant for this request is keyed by: the user and the approval key; for scope {@code REQUEST} also the
     * method, the path and the digest of the approved values; with {@code nl3.grant-binding=session} also the session.
     */
    static GrantKey grantKey(Protection p, RequestFacts f, ApprovedValues values, GrantBinding binding) {
        StringBuilder scope = new StringBuilder();
        if (p.scope() == GrantScope.REQUEST) {
            scope.append(f.method()).append(' ').append(f.path());
            if (!values.digest().isEmpty()) {
                scope.append(" #").append(values.digest());
            }
        }
        if (binding == GrantBinding.SESSION && f.session() != null) {
            scope.append(scope.length() == 0 ? "" : " ").append("session:").append(f.session(), 0, 16);
        }
        return new GrantKey(f.user(), p.approvalKey(), scope.toString());
    }

    /**
     * The grant path of a key-scoped, user-bound protection: one use of a live grant taken with one store operation,
     * nothing else about the request worked out (measured: 5–10 % of the grant path's throughput). {@code TRUE}: pass;
     * {@code FALSE}: no live grant, and {@link #decide(Protection, RequestFacts, boolean)} goes on without asking the
     * store again; {@code null}: the store failed (logged), and the answer is {@link #STORE_FAILED} without asking the
     * store again (each call may wait up to {@code nl3.store-timeout}).
     */
    Boolean passIfGranted(Protection protection, String user) {
        GrantKey key = new GrantKey(user, protection.approvalKey(), "");
        try {
            return store.useGrant(key, clock.instant());
        } catch (ApprovalStoreException e) {
            storeFailed(key, e);
            return null;
        }
    }

    Decision decide(Protection protection, RequestFacts facts) {
        return decide(protection, facts, false);
    }

    /** As {@link #decide(Protection, RequestFacts)}; {@code grantTried}: {@link #passIfGranted} just found no grant. */
    Decision decide(Protection protection, RequestFacts facts, boolean grantTried) {
        try {
            return decideWithStore(protection, facts, grantTried);
        } catch (ApprovalStoreException e) {
            return storeFailed(new GrantKey(facts.user(), protection.approvalKey(), ""), e);
        }
    }

    private Decision storeFailed(GrantKey key, ApprovalStoreException e) {
        // Fail closed: never a per-node fallback that would let a single-use grant be used once per node.
        storeFailures.log(Level.ERROR, e.causeKey(), "the approval store is unreachable ({0}); "
                + "refusing protected requests with 503 until it answers ({1})", e.getMessage(), store);
        events.emit(ApprovalEvent.Kind.FAILURE, key, "approval store: " + e.getMessage());
        return STORE_FAILED;
    }

    private Decision decideWithStore(Protection protection, RequestFacts facts, boolean grantTried) {
        Decision.TooLong tooLong = tooLong(protection, facts);
        if (tooLong != null) {
            // Never a cut value under a whole binding: refused before the store or NL3 is asked anything.
            LOG.log(Level.DEBUG, "refused: {0} of {1} is over nl3.max-value-length", tooLong.field(), facts.user());
            return tooLong;
        }
        // The digest is part of the key only for request-scoped grants; the grant path computes nothing else.
        ApprovedValues values = protection.scope() == GrantScope.REQUEST
                ? ApprovedValues.of(protection.parameterMetadata().keySet(), facts.parameters()) : ApprovedValues.NONE;
        GrantKey key = grantKey(protection, facts, values, settings.grantBinding());
        Instant now = clock.instant();
        if (!grantTried && store.useGrant(key, now)) {
            LOG.log(Level.DEBUG, "pass: live grant for {0} / {1}", key.user(), key.approvalKey());
            return new Decision.Pass(false);
        }
        if (locks.knownLocked(key.user())) {
            LOG.log(Level.DEBUG, "blocked: {0} is known locked", key.user());
            return new Decision.Locked();
        }
        Optional<StoredApproval> existing = store.pending(key);
        if (existing.isPresent()) {
            Optional<Decision> d = decideExisting(existing.get(), key);
            if (d.isPresent()) {
                return d.get();
            }
        }
        // Two NL3 calls at most (lock check and create), each bounded by connect + read timeouts.
        try {
            return firstRequests.run(key, firstRequestWait, () -> startNew(protection, facts, key, values));
        } catch (TimeoutException e) {
            return failed(key, "approval request", protection.approvalKey(),
                    new Nl3Failure(Nl3Failure.Reason.TIMEOUT, 0, "a shared NL3 call did not finish"), true);
        }
    }

    /**
     * The first value the approver would be shown that is longer than {@code nl3.max-value-length}: a parameter the
     * protection names (by its request parameter name) or the reason; {@code null} when all fit.
     */
    private Decision.TooLong tooLong(Protection protection, RequestFacts facts) {
        int limit = settings.maxValueLength();
        if (!protection.parameterMetadata().isEmpty()) {
            for (String param : new java.util.TreeSet<>(protection.parameterMetadata().keySet())) {
                String v = facts.parameters().get(param);
                if (v != null && v.length() > limit && Shown.length(v) > limit) {
                    return new Decision.TooLong(param, limit, Shown.length(v));
                }
            }
        }
        String reason = facts.reason();
        if (reason != null && reason.length() > limit && Shown.length(reason) > limit) {
            return new Decision.TooLong("reason", limit, Shown.length(reason));
        }
        return null;
    }

    /** The decision an existing pending approval gives, or empty when it is over and a new one is needed. */
    private Optional<Decision> decideExisting(StoredApproval pending, GrantKey key) {
        StoredApproval current;
        try {
            current = tracker.refresh(pending);
        } catch (Nl3Failure f) {
            return Optional.of(failed(key, "status check", protection(pending), f, false));
        }
        if (current.status() == ApprovalStatus.PENDING && current.failing() != null) {
            // The last status check failed and is not due again yet: the failure policy decides, not a silent wait.
            String[] failing = current.failing().split(":", 2);
            return Optional.of(failed(key, "status check", protection(pending), new Nl3Failure(
                    Nl3Failure.Reason.valueOf(failing[0]), Integer.parseInt(failing[1]), "the last status check failed"), false));
        }
        switch (current.status()) {
            case PENDING -> {
                return Optional.of(new Decision.Pending(current));
            }
            case APPROVED -> {
                if (store.useGrant(key, clock.instant())) {
                    return Optional.of(new Decision.Pass(false));
                }
                // Used up, ended or revoked: this request needs an approval of its own.
                store.removePending(current);
                return Optional.empty();
            }
            case REJECTED -> {
                if (clock.instant().isBefore(current.expiresAt())) {
                    return Optional.of(new Decision.Rejected(current));
                }
                store.removePending(current);
                return Optional.empty();
            }
            default -> {
                store.removePending(current);
                return Optional.empty();
            }
        }
    }

    private Decision startNew(Protection protection, RequestFacts facts, GrantKey key, ApprovedValues values) {
        // Another request may have finished the same work a moment ago.
        Instant now = clock.instant();
        Optional<Decision> raced = settled(key, now);
        if (raced.isPresent()) {
            return raced.get();
        }
        if (protection.reason() != Reason.NONE && facts.reason() == null && (facts.canAsk()
                || protection.reason() == Reason.REQUIRED)) {
            // Nothing is sent before the user said why (or, where it is optional, chose not to).
            return new Decision.ReasonNeeded(facts.canAsk() ? drafts.put(protection, facts.resolved(null, true)) : null,
                    protection.reason());
        }
        // One approval request per grant key across every node sharing the store: the claimant asks, the others wait.
        String claimant = Tickets.next(engineTag);
        Duration wait = firstRequestWait;
        long waitEnd = System.nanoTime() + wait.toNanos();
        while (!store.claimRequest(key, claimant, now, now.plus(wait))) {
            if (System.nanoTime() - waitEnd > 0 || !pause(CLAIM_POLL_MILLIS)) {
                return failed(key, "approval request", protection.approvalKey(),
                        new Nl3Failure(Nl3Failure.Reason.TIMEOUT, 0, "another node's approval request did not finish"), true);
            }
            now = clock.instant();
            Optional<Decision> done = settled(key, now);
            if (done.isPresent()) {
                return done.get();
            }
        }
        try {
            // The claim may have been released just after the check above: what that claimant stored decides.
            Optional<Decision> done = settled(key, now);
            return done.isPresent() ? done.get() : ask(protection, facts, key, values, now);
        } finally {
            store.releaseRequest(key, claimant);
        }
    }

    /** A live grant (one use taken) or a waiting approval another request made under {@code key}, if any. */
    private Optional<Decision> settled(GrantKey key, Instant now) {
        if (store.useGrant(key, now)) {
            return Optional.of(new Decision.Pass(false));
        }
        return store.pending(key).filter(p -> p.status() == ApprovalStatus.PENDING).map(Decision.Pending::new);
    }

    /** Sleeps; {@code false} when interrupted (the flag is kept). */
    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The user's request limit, the lock check and the new approval request, under this node's claim. */
    private Decision ask(Protection protection, RequestFacts facts, GrantKey key, ApprovedValues values, Instant now) {
        RateLimit limit = settings.requestLimit();
        Duration retryAfter = store.takeRequestToken(key.user(), limit.count(), limit.window(), now);
        if (!retryAfter.isZero()) {
            LOG.log(Level.DEBUG, "limited: {0} asked for more than {1} approvals", key.user(), limit);
            events.emit(ApprovalEvent.Kind.LIMITED, key, "over " + limit);
            return new Decision.Limited(retryAfter);
        }
        Nl3Client.Device caller = new Nl3Client.Device(facts.ip(), facts.userAgent());
        if (settings.lockCheck() && !locks.knownUnlocked(key.user())) {
            Decision refused = lockCheck(key, caller);
            if (refused != null) {
                if (refused instanceof Decision.Unavailable) {
                    // NL3 failed, nothing was asked of the approvers: the attempt does not count against the user.
                    store.returnRequestToken(key.user(), limit.count(), limit.window(), clock.instant());
                }
                return refused;
            }
        }
        Nl3Client.Created created;
        try {
            created = client.create(key.user(), protection.approvalKey(), protection.approvers(),
                    ApprovalMetadata.of(protection, facts, settings.maxValueLength()), caller);
        } catch (Nl3Failure f) {
            if (f.reason() == Nl3Failure.Reason.HTTP_STATUS && f.status() == 403) {
                LOG.log(Level.DEBUG, "blocked: NL3 refused an approval request by {0} (403)", key.user());
                locks.learn(key.user(), true);
                events.emit(ApprovalEvent.Kind.LOCKED, key, null);
                return new Decision.Locked();
            }
            store.returnRequestToken(key.user(), limit.count(), limit.window(), clock.instant());
            return failed(key, "approval request", protection.approvalKey(), f, true);
        }
        Instant created0 = clock.instant();
        Instant expires = created0.plus(settings.pendingTimeout());
        if (created.expiresAt() != null && created.expiresAt().isBefore(expires) && created.expiresAt().isAfter(created0)) {
            expires = created.expiresAt();
        }
        Instant expiresAt = expires;
        KeptRequest kept = facts.kept().get();
        ApprovedValues shown = values != ApprovedValues.NONE ? values
                : ApprovedValues.of(protection.parameterMetadata().keySet(), facts.parameters());
        StoredApproval pending = StoredApproval.create(d -> {
            d.ticket = Tickets.next(engineTag);
            d.key = key;
            d.requestId = created.requestId();
            d.approvalType = created.approvalType();
            d.approvers = protection.approvers();
            d.createdAt = created0;
            d.expiresAt = expiresAt;
            d.method = facts.method();
            d.target = facts.target();
            d.values = shown.display();
            d.grantFor = protection.grantDuration();
            d.uses = protection.uses().code();
            d.kept = kept;
            d.session = facts.session();
        });
        if (created.status() == ApprovalStatus.APPROVED) {
            // Approved at once (an auto-approving template): the lock was checked just now.
            Grant grant = new Grant(created0.plus(protection.grantDuration()), protection.uses().forGrant(created.approvalType()));
            store.putGrant(key, grant);
            events.emit(ApprovalEvent.Kind.APPROVED, key, null, pending, grant);
            return store.useGrant(key, created0) ? new Decision.Pass(false) : new Decision.Pending(pending);
        }
        store.putPending(pending);
        LOG.log(Level.DEBUG, "approval requested for {0} / {1}", key.user(), key.approvalKey());
        events.emit(ApprovalEvent.Kind.REQUESTED, pending, null);
        return new Decision.Pending(pending);
    }

    /** The lock check before a new approval request: the refusal, or {@code null} to go on. */
    private Decision lockCheck(GrantKey key, Nl3Client.Device caller) {
        Instant asked = clock.instant();
        try {
            Nl3Json.Lock lock = client.lockCheck(key.user(), caller);
            boolean locked = lock == Nl3Json.Lock.LOCKED;
            boolean deniedUnenrolled = lock == Nl3Json.Lock.NOT_ENROLLED && !settings.allowNotEnrolled();
            locks.learn(key.user(), locked || deniedUnenrolled, asked);
            if (locked || deniedUnenrolled) {
                LOG.log(Level.DEBUG, "blocked: {0} is {1}", key.user(), locked ? "locked" : "not enrolled and nl3.not-enrolled is deny");
                events.emit(ApprovalEvent.Kind.LOCKED, key, null);
                return new Decision.Locked();
            }
            return null;
        } catch (Nl3Failure f) {
            // No room in the NL3 budget (or the call pool) refuses whatever the policy: a flood must never skip lock checks.
            boolean busy = f.reason() == Nl3Failure.Reason.BUSY;
            if (settings.lockCheckFailure() == FailurePolicy.CLOSED || f.kind() == Nl3Failure.Kind.MISCONFIGURED || busy) {
                failures.report(f, "lock check", key.approvalKey(), key.user(), "refusing " + key.user()
                        + (busy ? " with 503 whatever nl3.lock-check-failure says" : " (nl3.lock-check-failure: closed)"));
                events.emit(ApprovalEvent.Kind.FAILURE, key, "lock check: " + f.reason() + " (" + f.getMessage() + ")");
                return new Decision.Unavailable(f.kind());
            }
            failures.report(f, "lock check", key.approvalKey(), key.user(), "continuing (nl3.lock-check-failure: open)");
            return null;
        }
    }

    private static String protection(StoredApproval p) {
        return p.key().approvalKey();
    }

    /**
     * The failure policy: open lets the request through (logged, an event); closed refuses it. A misconfiguration always
     * refuses: NL3 answered, and letting everyone through because a key is wrong would make the filter decorative.
     */
    /** @param report whether to log it here (status checks are logged by the tracker, where they happen) */
    private Decision failed(GrantKey key, String call, String approvalKey, Nl3Failure f, boolean report) {
        events.emit(ApprovalEvent.Kind.FAILURE, key, call + ": " + f.reason() + " (" + f.getMessage() + ")");
        // A full pool of NL3 calls always refuses: flooding this node must never be a way past approvals.
        boolean busy = f.reason() == Nl3Failure.Reason.BUSY;
        if (settings.approvalFailure() == FailurePolicy.OPEN && f.kind() != Nl3Failure.Kind.MISCONFIGURED && !busy) {
            if (report) {
                failures.report(f, call, approvalKey, key.user(), "letting " + key.user() + " through (nl3.approval-failure: open)");
            }
            return new Decision.Pass(true);
        }
        if (report) {
            failures.report(f, call, approvalKey, key.user(), "refusing " + key.user()
                    + (busy ? " with 503 whatever nl3.approval-failure says" : " (nl3.approval-failure: closed)"));
        }
        return new Decision.Unavailable(f.kind());
    }
}
