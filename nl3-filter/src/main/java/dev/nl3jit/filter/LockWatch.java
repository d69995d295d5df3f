package dev.nl3jit.filter;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Honours an NL3 lock while grants live: every {@code nl3.lock-recheck} (jittered), one background thread asks NL3
 * for the lock state of each user holding a live grant; a lock revokes all of that user's grants and tickets in the
 * store. What it learns is kept in the store, so it serves every node, and also the request path, which never calls NL3 for it: a user known locked is refused
 * without a call, a user known unlocked (within one interval) skips the lock check before a new approval request.
 */
final class LockWatch implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LockWatch.class.getName());
    private static final Nl3Client.Device NO_DEVICE = new Nl3Client.Device(null, null);

    private final ApprovalStore store;
    private final Nl3Client client;
    private final Clock clock;
    private final Duration every;
    private final boolean lockCheck;
    private final boolean allowNotEnrolled;
    private final FailurePolicy onFailure;
    private final Events events;
    private final LogOnce failures = new LogOnce(LOG, Duration.ofMinutes(5));
    private ScheduledExecutorService scheduler;

    LockWatch(ApprovalStore store, Nl3Client client, Clock clock, Nl3Settings settings, Events events) {
        this.store = store;
        this.client = client;
        this.clock = clock;
        this.every = settings.lockRecheck();
        this.lockCheck = settings.lockCheck();
        this.allowNotEnrolled = settings.allowNotEnrolled();
        this.onFailure = settings.lockCheckFailure();
        this.events = events;
    }

    /**
     * Whether a grant may be recorded for {@code user} now: asks NL3 (unless lock checks are off, or the user is known
     * locked); a failed check follows {@code nl3.lock-check-failure}.
     *
     * @throws Nl3Failure the check failed and the policy is closed
     */
    boolean mayGrant(String user) throws Nl3Failure {
        if (!lockCheck) {
            return true;
        }
        if (knownLocked(user)) {
            return false;
        }
        Nl3Json.Lock lock;
        try {
            lock = client.lockCheck(user, NO_DEVICE);
        } catch (Nl3Failure f) {
            if (onFailure == FailurePolicy.OPEN) {
                failures.warn("grant-" + f.reason(), "lock check before a grant failed ({0}); lock check policy is open: granting",
                        f.reason());
                return true;
            }
            throw f;
        }
        boolean locked = lock == Nl3Json.Lock.LOCKED || (lock == Nl3Json.Lock.NOT_ENROLLED && !allowNotEnrolled);
        learn(user, locked);
        return !locked;
    }

    /** Starts the background re-checks (not when lock checks are off). */
    synchronized void start() {
        if (scheduler != null || !lockCheck) {
            return;
        }
        AtomicInteger n = new AtomicInteger();
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nl3-lock-recheck-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        long period = every.toMillis();
        // A random start spreads the engines of many nodes; then one round per interval, never more often.
        scheduler.scheduleWithFixedDelay(this::recheck, ThreadLocalRandom.current().nextLong(period / 2 + 1), period,
                TimeUnit.MILLISECONDS);
    }

    /** One round: the lock state of every user holding a live grant (what ended is purged by {@link Purger}). */
    void recheck() {
        try {
            Instant now = clock.instant();
            for (String user : store.usersWithGrants(now)) {
                // Another engine or node of the same store may have asked within the last half interval: then not again,
                // so that however the nodes' rounds interleave, a lock is seen within about one and a half intervals.
                ApprovalStore.LockState known = fresh(user);
                if (known == null || known.until().isBefore(now.plus(every.dividedBy(2)))) {
                    check(user);
                }
            }
        } catch (RuntimeException e) {
            // With the store down this fails every round: said once per cause, not once a second.
            String cause = e instanceof ApprovalStoreException a ? a.causeKey() : e.getClass().getName();
            failures.warn("round-" + cause, "lock re-check round failed ({0}); grants stay until they end or a round succeeds",
                    e.toString());
        }
    }

    private void check(String user) {
        Nl3Json.Lock lock;
        try {
            lock = client.lockCheck(user, NO_DEVICE);
        } catch (Nl3Failure f) {
            failures.warn(f.reason().name(), "background lock re-check failed ({0}: {1}); grants stay until they end or the "
                    + "next re-check succeeds", f.reason(), f.getMessage());
            return;
        }
        boolean locked = lock == Nl3Json.Lock.LOCKED || (lock == Nl3Json.Lock.NOT_ENROLLED && !allowNotEnrolled);
        learn(user, locked);
        if (locked) {
            int revoked = store.revokeUser(user);
            LOG.log(Level.INFO, "NL3 reports the account of {0} locked: revoked {1} grant(s) and ticket(s)", user, revoked);
            events.emit(ApprovalEvent.Kind.LOCKED, new GrantKey(user, "*", ""), "revoked " + revoked + " grant(s) and ticket(s)");
        }
    }

    /** Remembers NL3's answer in the store, so every engine and every node sharing it relies on it for one interval. */
    void learn(String user, boolean locked) {
        store.putLockState(user, new ApprovalStore.LockState(locked, clock.instant().plus(every)));
    }

    /** NL3 said within the last interval that {@code user} is locked. */
    boolean knownLocked(String user) {
        ApprovalStore.LockState l = fresh(user);
        return l != null && l.locked();
    }

    /** NL3 said within the last interval that {@code user} is not locked. */
    boolean knownUnlocked(String user) {
        ApprovalStore.LockState l = fresh(user);
        return l != null && !l.locked();
    }

    private ApprovalStore.LockState fresh(String user) {
        return store.lockState(user, clock.instant()).orElse(null);
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
