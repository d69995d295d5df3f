package dev.nl3jit.filter;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * The decisions of steps 3 to 7, independent of the servlet API: a live grant passes with no token and no network
 * call; a pending approval answers with its status (kept up to date by the {@link PendingTracker}); otherwise the
 * lock check and a new approval request, shared by concurrent first requests for the same grant key; a failed
 * NL3 call goes to the failure policy.
 */
final class ApprovalGate {
    private static final System.Logger LOG = System.getLogger(ApprovalGate.class.getName());

    private final Nl3Settings settings;
    private final String engineTag;
    private final Clock clock;
    private final ApprovalStore store;
    private final Nl3Client client;
    private final PendingTracker tracker;
    private final Events events;
    private final SingleFlight<GrantKey, Decision> firstRequests = new SingleFlight<>();

    ApprovalGate(Nl3Settings settings, String engineTag, Clock clock, ApprovalStore store, Nl3Client client,
            PendingTracker tracker, Events events) {
        this.settings = settings;
        this.engineTag = engineTag;
        this.clock = clock;
        this.store = store;
        this.client = client;
        this.tracker = tracker;
        this.events = events;
    }

    static GrantKey grantKey(Protection p, RequestFacts f) {
        return new GrantKey(f.user(), p.approvalKey(), p.scope() == GrantScope.REQUEST ? f.method() + " " + f.path() : "");
    }

    /** Whether {@code key} holds a live grant: no token, no network. */
    boolean granted(GrantKey key) {
        Optional<Instant> until = store.grantedUntil(key);
        if (until.isEmpty()) {
            return false;
        }
        if (until.get().isAfter(clock.instant())) {
            return true;
        }
        store.removeGrant(key);
        return false;
    }

    Decision decide(Protection protection, RequestFacts facts) {
        GrantKey key = grantKey(protection, facts);
        if (granted(key)) {
            LOG.log(Level.DEBUG, "pass: live grant for {0} / {1}", key.user(), key.approvalKey());
            return new Decision.Pass(false);
        }
        Optional<PendingApproval> existing = store.pending(key);
        if (existing.isPresent()) {
            Optional<Decision> d = decideExisting(existing.get(), key);
            if (d.isPresent()) {
                return d.get();
            }
        }
        // Two NL3 calls at most (lock check and create), each bounded by connect + read timeouts.
        Duration wait = settings.connectTimeout().plus(settings.readTimeout()).multipliedBy(2).plusSeconds(1);
        try {
            return firstRequests.run(key, wait, () -> startNew(protection, facts, key));
        } catch (TimeoutException e) {
            return failed(key, "shared NL3 call did not finish");
        }
    }

    /** The decision an existing pending approval gives, or empty when it is over and a new one is needed. */
    private Optional<Decision> decideExisting(PendingApproval pending, GrantKey key) {
        PendingApproval current;
        try {
            current = tracker.refresh(pending);
        } catch (Nl3Failure f) {
            if (settings.approvalFailure() == FailurePolicy.OPEN) {
                LOG.log(Level.WARNING, "NL3 status check failed ({0}); approval failure policy is open: letting {1} through",
                        f.reason(), key.user());
                events.emit(ApprovalEvent.Kind.FAILURE, key, "status: " + f.reason());
                return Optional.of(new Decision.Pass(true));
            }
            return Optional.of(new Decision.Pending(store.pendingByTicket(pending.ticket()).orElse(pending)));
        }
        switch (current.status()) {
            case PENDING -> {
                return Optional.of(new Decision.Pending(current));
            }
            case APPROVED -> {
                if (granted(key)) {
                    return Optional.of(new Decision.Pass(false));
                }
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

    private Decision startNew(Protection protection, RequestFacts facts, GrantKey key) {
        // Another request may have finished the same work a moment ago.
        if (granted(key)) {
            return new Decision.Pass(false);
        }
        Optional<PendingApproval> raced = store.pending(key);
        if (raced.isPresent() && raced.get().status() == ApprovalStatus.PENDING) {
            return new Decision.Pending(raced.get());
        }
        Nl3Client.Device caller = new Nl3Client.Device(facts.ip(), facts.userAgent());
        if (settings.lockCheck()) {
            try {
                Nl3Json.Lock lock = client.lockCheck(key.user(), caller);
                if (lock == Nl3Json.Lock.LOCKED) {
                    LOG.log(Level.DEBUG, "blocked: account of {0} is locked", key.user());
                    events.emit(ApprovalEvent.Kind.LOCKED, key, null);
                    return new Decision.Locked();
                }
                if (lock == Nl3Json.Lock.NOT_ENROLLED && !settings.allowNotEnrolled()) {
                    LOG.log(Level.DEBUG, "blocked: {0} is not enrolled and nl3.not-enrolled is deny", key.user());
                    events.emit(ApprovalEvent.Kind.LOCKED, key, null);
                    return new Decision.Locked();
                }
            } catch (Nl3Failure f) {
                if (settings.lockCheckFailure() == FailurePolicy.CLOSED) {
                    LOG.log(Level.WARNING, "NL3 lock check failed ({0}: {1}); lock check policy is closed: refusing {2}",
                            f.reason(), f.getMessage(), key.user());
                    events.emit(ApprovalEvent.Kind.FAILURE, key, "lock check: " + f.reason());
                    return new Decision.Unavailable();
                }
                LOG.log(Level.WARNING, "NL3 lock check failed ({0}: {1}); lock check policy is open: continuing",
                        f.reason(), f.getMessage());
            }
        }
        Nl3Client.Created created;
        try {
            created = client.create(key.user(), protection.approvalKey(), protection.approvers(), ApprovalMetadata.of(protection, facts),
                    caller);
        } catch (Nl3Failure f) {
            if (f.reason() == Nl3Failure.Reason.HTTP_STATUS && f.status() == 403) {
                LOG.log(Level.DEBUG, "blocked: NL3 refused an approval request by {0} (403)", key.user());
                events.emit(ApprovalEvent.Kind.LOCKED, key, null);
                return new Decision.Locked();
            }
            return failed(key, "approval request: " + f.reason() + " (" + f.getMessage() + ")");
        }
        Instant now = clock.instant();
        Instant expires = now.plus(settings.pendingTimeout());
        if (created.expiresAt() != null && created.expiresAt().isBefore(expires) && created.expiresAt().isAfter(now)) {
            expires = created.expiresAt();
        }
        PendingApproval pending = PendingApproval.create(Tickets.next(engineTag), key, created.requestId(), created.approvalType(),
                protection.approvers(), now, expires, facts.method(), facts.target(), ApprovalStatus.PENDING, null, null, now,
                protection.grantDuration());
        if (created.status() == ApprovalStatus.APPROVED) {
            store.putGrant(key, now.plus(protection.grantDuration()));
            events.emit(ApprovalEvent.Kind.APPROVED, key, null);
            return new Decision.Pass(false);
        }
        store.putPending(pending);
        LOG.log(Level.DEBUG, "approval requested for {0} / {1}", key.user(), key.approvalKey());
        events.emit(ApprovalEvent.Kind.REQUESTED, key, null);
        return new Decision.Pending(pending);
    }

    private Decision failed(GrantKey key, String what) {
        events.emit(ApprovalEvent.Kind.FAILURE, key, what);
        if (settings.approvalFailure() == FailurePolicy.OPEN) {
            LOG.log(Level.WARNING, "NL3 failed ({0}); approval failure policy is open: letting {1} through", what, key.user());
            return new Decision.Pass(true);
        }
        LOG.log(Level.WARNING, "NL3 failed ({0}); approval failure policy is closed: refusing {1}", what, key.user());
        return new Decision.Unavailable();
    }

}
