package dev.nl3jit.filter;

import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The decision logic of steps 3 to 7 (grant, pending, lock check, new request, failure), independent of
 * the servlet API. A live grant decides with no token and no network call. Concurrent first requests
 * for the same grant key share one NL3 call; a pending request's status is fetched at most once per poll
 * interval however many requests wait for it.
 */
final class ApprovalGate {
    private static final System.Logger LOG = System.getLogger(ApprovalGate.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Nl3Settings settings;
    private final Clock clock;
    private final ApprovalStore store;
    private final Nl3Client client;
    private final ApprovalListener listener;
    private final Map<GrantKey, CompletableFuture<Decision>> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Object> ticketLocks = new ConcurrentHashMap<>();

    ApprovalGate(Nl3Settings settings, Clock clock, ApprovalStore store, Nl3Client client, ApprovalListener listener) {
        this.settings = settings;
        this.clock = clock;
        this.store = store;
        this.client = client;
        this.listener = listener;
    }

    Nl3Settings settings() {
        return settings;
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
        return singleFlight(key, () -> startNew(protection, facts, key));
    }

    /** The decision an existing pending approval gives, or empty when it is over and a new one is needed. */
    private Optional<Decision> decideExisting(PendingApproval pending, GrantKey key) {
        PendingApproval current;
        try {
            current = refresh(pending);
        } catch (Nl3Failure f) {
            if (settings.approvalFailure() == FailurePolicy.OPEN) {
                LOG.log(Level.WARNING, "NL3 status check failed ({0}); approval failure policy is open: letting {1} through",
                        f.reason(), key.user());
                emit(ApprovalEvent.Kind.FAILURE, key, "status: " + f.reason());
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

    private interface Work {
        Decision run();
    }

    private Decision singleFlight(GrantKey key, Work work) {
        CompletableFuture<Decision> mine = new CompletableFuture<>();
        CompletableFuture<Decision> leader = inFlight.putIfAbsent(key, mine);
        if (leader != null) {
            try {
                // Two NL3 calls at most (lock check and create), each bounded by connect + read timeouts.
                long waitMs = 2 * (settings.connectTimeout().toMillis() + settings.readTimeout().toMillis()) + 1000;
                return leader.get(waitMs, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return failed(key, "interrupted while waiting for a shared NL3 call");
            } catch (ExecutionException | TimeoutException e) {
                return failed(key, "shared NL3 call did not finish");
            }
        }
        try {
            Decision d = work.run();
            mine.complete(d);
            return d;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
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
        Nl3Client.Caller caller = new Nl3Client.Caller(facts.ip(), facts.userAgent());
        if (settings.lockCheck()) {
            try {
                Nl3Json.Lock lock = client.lockCheck(key.user(), caller);
                if (lock == Nl3Json.Lock.LOCKED) {
                    LOG.log(Level.DEBUG, "blocked: account of {0} is locked", key.user());
                    emit(ApprovalEvent.Kind.LOCKED, key, null);
                    return new Decision.Locked();
                }
                if (lock == Nl3Json.Lock.NOT_ENROLLED && !settings.allowNotEnrolled()) {
                    LOG.log(Level.DEBUG, "blocked: {0} is not enrolled and nl3.not-enrolled is deny", key.user());
                    emit(ApprovalEvent.Kind.LOCKED, key, null);
                    return new Decision.Locked();
                }
            } catch (Nl3Failure f) {
                if (settings.lockCheckFailure() == FailurePolicy.CLOSED) {
                    LOG.log(Level.WARNING, "NL3 lock check failed ({0}: {1}); lock check policy is closed: refusing {2}",
                            f.reason(), f.getMessage(), key.user());
                    emit(ApprovalEvent.Kind.FAILURE, key, "lock check: " + f.reason());
                    return new Decision.Unavailable();
                }
                LOG.log(Level.WARNING, "NL3 lock check failed ({0}: {1}); lock check policy is open: continuing",
                        f.reason(), f.getMessage());
            }
        }
        Nl3Client.Created created;
        try {
            created = client.create(key.user(), protection.approvalKey(), protection.approvers(), metadata(protection, facts),
                    caller);
        } catch (Nl3Failure f) {
            if (f.reason() == Nl3Failure.Reason.HTTP_STATUS && f.status() == 403) {
                LOG.log(Level.DEBUG, "blocked: NL3 refused an approval request by {0} (403)", key.user());
                emit(ApprovalEvent.Kind.LOCKED, key, null);
                return new Decision.Locked();
            }
            return failed(key, "approval request: " + f.reason() + " (" + f.getMessage() + ")");
        }
        Instant now = clock.instant();
        Instant expires = now.plus(settings.pendingTimeout());
        if (created.expiresAt() != null && created.expiresAt().isBefore(expires) && created.expiresAt().isAfter(now)) {
            expires = created.expiresAt();
        }
        PendingApproval pending = new PendingApproval(newTicket(), key, created.requestId(), created.approvalType(),
                protection.approvers(), now, expires, facts.method(), facts.target(), ApprovalStatus.PENDING, null, null, now,
                protection.grantDuration());
        if (created.status() == ApprovalStatus.APPROVED) {
            store.putGrant(key, now.plus(protection.grantDuration()));
            emit(ApprovalEvent.Kind.APPROVED, key, null);
            return new Decision.Pass(false);
        }
        store.putPending(pending);
        LOG.log(Level.DEBUG, "approval requested for {0} / {1}", key.user(), key.approvalKey());
        emit(ApprovalEvent.Kind.REQUESTED, key, null);
        return new Decision.Pending(pending);
    }

    private Decision failed(GrantKey key, String what) {
        emit(ApprovalEvent.Kind.FAILURE, key, what);
        if (settings.approvalFailure() == FailurePolicy.OPEN) {
            LOG.log(Level.WARNING, "NL3 failed ({0}); approval failure policy is open: letting {1} through", what, key.user());
            return new Decision.Pass(true);
        }
        LOG.log(Level.WARNING, "NL3 failed ({0}); approval failure policy is closed: refusing {1}", what, key.user());
        return new Decision.Unavailable();
    }

    private static Map<String, String> metadata(Protection protection, RequestFacts facts) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("requester", facts.user());
        m.put("method", facts.method());
        m.put("path", facts.path());
        m.put("resource", facts.path());
        if (facts.userAgent() != null) {
            m.put("userAgent", facts.userAgent());
        }
        if (facts.ip() != null) {
            m.put("ip", facts.ip());
        }
        m.putAll(protection.metadata());
        protection.parameterMetadata().forEach((param, name) -> {
            String v = facts.parameters().get(param);
            if (v != null) {
                m.put(name, v.length() > 500 ? v.substring(0, 500) : v);
            }
        });
        return m;
    }

    /**
     * The pending approval brought up to date: asks NL3 when the last check is older than the poll
     * interval (one call at a time per ticket), records the grant on approval.
     */
    PendingApproval refresh(PendingApproval pending) throws Nl3Failure {
        Object lock = ticketLocks.computeIfAbsent(pending.ticket(), t -> new Object());
        synchronized (lock) {
            PendingApproval current = store.pendingByTicket(pending.ticket()).orElse(pending);
            if (current.status().isFinal()) {
                return current;
            }
            Instant now = clock.instant();
            if (!now.isBefore(current.expiresAt())) {
                PendingApproval expired = current.withStatus(ApprovalStatus.EXPIRED, null, current.expiresAt(), now, null);
                store.putPending(expired);
                ticketLocks.remove(pending.ticket());
                emit(ApprovalEvent.Kind.EXPIRED, current.key(), null);
                return expired;
            }
            if (current.checkedAt() != null && now.isBefore(current.checkedAt().plus(settings.pollInterval()))) {
                return current;
            }
            Nl3Client.Report report;
            try {
                report = client.status(current.key().user(), current.requestId());
            } catch (Nl3Failure f) {
                store.putPending(current.checked(now));
                LOG.log(Level.WARNING, "NL3 status check failed ({0}: {1})", f.reason(), f.getMessage());
                throw f;
            }
            PendingApproval updated = current.withStatus(report.status(), report.comment(),
                    report.status().isFinal() ? (report.decidedAt() == null ? now : report.decidedAt()) : null, now,
                    report.approvalType());
            if (report.status() == ApprovalStatus.APPROVED) {
                Instant from = updated.decidedAt().isAfter(now) ? now : updated.decidedAt();
                store.putGrant(current.key(), from.plus(current.grantFor()));
                LOG.log(Level.DEBUG, "approved: {0} / {1}", current.key().user(), current.key().approvalKey());
                emit(ApprovalEvent.Kind.APPROVED, current.key(), null);
            } else if (report.status() == ApprovalStatus.REJECTED) {
                emit(ApprovalEvent.Kind.REJECTED, current.key(), report.comment());
            } else if (report.status().isFinal()) {
                emit(ApprovalEvent.Kind.EXPIRED, current.key(), null);
            }
            store.putPending(updated);
            if (updated.status().isFinal()) {
                ticketLocks.remove(pending.ticket());
            }
            return updated;
        }
    }

    /** Long poll: returns when the status is final, or after {@code wait}. */
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
                Thread.sleep(Math.max(50, Math.min(TimeUnit.NANOSECONDS.toMillis(left), settings.pollInterval().toMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return current;
            }
        }
    }

    Optional<PendingApproval> byTicket(String ticket, String user) {
        if (ticket == null || ticket.isBlank() || ticket.length() > 100) {
            return Optional.empty();
        }
        return store.pendingByTicket(ticket).filter(p -> p.key().user().equals(user));
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
        PendingApproval cancelled = pending.withStatus(ApprovalStatus.CANCELLED, null, clock.instant(), clock.instant(), null);
        store.putPending(cancelled);
        ticketLocks.remove(pending.ticket());
        return cancelled;
    }

    void forget(PendingApproval pending) {
        store.removePending(pending);
        ticketLocks.remove(pending.ticket());
    }

    private void emit(ApprovalEvent.Kind kind, GrantKey key, String detail) {
        try {
            listener.onDecision(new ApprovalEvent(kind, key.user(), key.approvalKey(), key.scope(), detail, clock.instant()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "an approval listener failed on " + kind, e);
        }
    }

    private static String newTicket() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
