package dev.nl3jit.filter;

import dev.nl3jit.filter.spi.ApprovalStoreException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Honours an NL3 lock while grants live: a lock ends every grant of the user, on every node sharing the store, within
 * {@code nl3.lock-recheck} (the interval) plus a second.
 *
 * <p>How that is kept. Every answer of NL3 about a user's lock is stored with the moment it was asked
 * ({@link LockState#checkedAt()}), whoever asked: this background re-check, the check before a grant is
 * recorded ({@link #mayGrant}), the check before a new approval request, on any engine or node of the store. An answer
 * is relied on only until one interval after it was asked (this engine's interval, however long the asker's was), so
 * the request path never skips a lock check on an answer older than the interval. One background thread per engine
 * looks {@value #TICKS} times per interval (at least every {@link #MIN_TICK}) at the users holding a live grant and asks
 * NL3 about each user whose newest answer would be too old before its next look, oldest first: so the newest answer
 * about a user holding a grant is never older than the interval when the next one is asked, a grant recorded just
 * after a check or another node's check included. A user the store knows locked has their grants and tickets revoked
 * at once, without a call. The bound holds while one look's lock checks (one after the other, each at most connect +
 * read timeout) fit in a tenth of the interval; checks that do not fit are made late, oldest answer first. A check NL3
 * does not answer is made again at the next look; after {@value #FAILURES_PER_LOOK} in a row a look stops, so an outage
 * costs NL3 a few calls per look, not one per user.
 */
final class LockWatch implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LockWatch.class.getName());
    private static final Nl3Client.Device NO_DEVICE = new Nl3Client.Device(null, null);
    /** How many looks at the users holding grants per interval. */
    static final int TICKS = 10;
    /** The shortest time between two looks. */
    static final Duration MIN_TICK = Duration.ofMillis(100);
    /** Failed checks in a row after which a look stops: NL3 is failing, the others are asked at the next look. */
    static final int FAILURES_PER_LOOK = 3;

    private final Ledger store;
    private final Nl3Client client;
    private final Clock clock;
    private final Duration every;
    /** The time between two looks. */
    private final Duration tick;
    /**
     * Per user holding a grant: until when the last answer this engine saw says unlocked. An answer proves the user was
     * unlocked when it was asked, so re-asking by then keeps the bound whatever newer answers others stored meanwhile;
     * the store is read again only then. Written by the re-check thread.
     */
    private final Map<String, Instant> unlockedUntil = new ConcurrentHashMap<>();
    private final boolean lockCheck;
    private final boolean allowNotEnrolled;
    private final FailurePolicy onFailure;
    private final Events events;
    private final LogOnce failures = new LogOnce(LOG, Duration.ofMinutes(5));
    private ScheduledExecutorService scheduler;
    /** Set by {@link #close()}: a look it interrupts is not a failure to report. */
    private volatile boolean closing;

    LockWatch(Ledger store, Nl3Client client, Clock clock, Nl3Settings settings, Events events) {
        this.store = store;
        this.client = client;
        this.clock = clock;
        this.every = settings.lockRecheck();
        Duration t = every.dividedBy(TICKS);
        this.tick = t.compareTo(MIN_TICK) < 0 ? MIN_TICK : t;
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
        Instant asked = clock.instant();
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
        learn(user, locked, asked);
        return !locked;
    }

    /** Starts the background re-checks (not when lock checks are off). */
    synchronized void start() {
        if (scheduler != null || !lockCheck) {
            return;
        }
        scheduler = Daemons.scheduler("nl3-lock-recheck");
        long period = tick.toMillis();
        // A random start spreads the engines of many nodes; then one look per tick, at a fixed rate (a look that
        // overruns its tick is followed at once by the next).
        scheduler.scheduleAtFixedRate(this::recheck, ThreadLocalRandom.current().nextLong(period), period,
                TimeUnit.MILLISECONDS);
    }

    /**
     * One look: every user holding a live grant whose newest answer would be too old to rely on before the next look
     * is asked about now, oldest answer first; a user known locked is revoked at once (what ended is purged by
     * {@link Purger}).
     */
    void recheck() {
        try {
            Instant now = clock.instant();
            Instant nextLook = now.plus(tick);
            Set<String> users = store.usersWithGrants(now);
            unlockedUntil.keySet().retainAll(users);
            List<Map.Entry<Instant, String>> due = new ArrayList<>();
            for (String user : users) {
                Instant seen = unlockedUntil.get(user);
                if (seen != null && seen.isAfter(nextLook)) {
                    continue;
                }
                LockState known = fresh(user);
                if (known != null && known.locked()) {
                    // Another engine or node learned of the lock: its grants end now, not at the next answer.
                    unlockedUntil.remove(user);
                    revoke(user);
                    continue;
                }
                Instant until = known == null ? now : trustedUntil(known);
                if (until.isAfter(nextLook)) {
                    unlockedUntil.put(user, until);
                } else {
                    due.add(Map.entry(until, user));
                }
            }
            due.sort(Map.Entry.comparingByKey());
            int failedInARow = 0;
            for (Map.Entry<Instant, String> d : due) {
                failedInARow = check(d.getValue()) ? 0 : failedInARow + 1;
                if (failedInARow == FAILURES_PER_LOOK) {
                    // An outage: not every user's call at every look, but a few, until NL3 answers again.
                    break;
                }
            }
        } catch (RuntimeException e) {
            if (closing) {
                return;
            }
            // With the store down this fails every round: said once per cause, not once a second.
            String cause = e instanceof ApprovalStoreException a ? a.causeKey() : e.getClass().getName();
            failures.warn("round-" + cause, "lock re-check round failed ({0}); grants stay until they end or a round succeeds",
                    e.toString());
        }
    }

    /** Asks NL3 about {@code user}, revoking on a lock; {@code false} when NL3 gave no answer (asked again at the next look). */
    private boolean check(String user) {
        Nl3Json.Lock lock;
        Instant asked = clock.instant();
        try {
            lock = client.lockCheck(user, NO_DEVICE);
        } catch (Nl3Failure f) {
            if (!closing) {
                failures.warn(f.reason().name(), "background lock re-check failed ({0}: {1}); grants stay until they end or the "
                        + "next re-check succeeds", f.reason(), f.getMessage());
            }
            return false;
        }
        boolean locked = lock == Nl3Json.Lock.LOCKED || (lock == Nl3Json.Lock.NOT_ENROLLED && !allowNotEnrolled);
        learn(user, locked, asked);
        if (locked) {
            unlockedUntil.remove(user);
            revoke(user);
        } else {
            unlockedUntil.put(user, asked.plus(every));
        }
        return true;
    }

    private void revoke(String user) {
        int revoked = store.revokeUser(user);
        LOG.log(Level.INFO, "NL3 reports the account of {0} locked: revoked {1} grant(s) and ticket(s)", user, revoked);
        events.emit(ApprovalEvent.Kind.LOCKED, new GrantKey(user, "*", ""), "revoked " + revoked + " grant(s) and ticket(s)");
    }

    /** Remembers NL3's answer, asked just now, in the store. */
    void learn(String user, boolean locked) {
        learn(user, locked, clock.instant());
    }

    /**
     * Remembers NL3's answer in the store, so every engine and every node sharing it relies on it, each for one of its
     * own intervals from {@code asked} (when the call was sent: NL3 answered about a moment no earlier).
     */
    void learn(String user, boolean locked, Instant asked) {
        store.putLockState(user, new LockState(locked, asked.plus(every), asked));
    }

    /** Until when this engine relies on {@code s}: at most one of its intervals after NL3 was asked. */
    private Instant trustedUntil(LockState s) {
        if (s.checkedAt() == null) {
            return s.until();
        }
        Instant mine = s.checkedAt().plus(every);
        return mine.isBefore(s.until()) ? mine : s.until();
    }

    /** NL3 said within the last interval that {@code user} is locked. */
    boolean knownLocked(String user) {
        LockState l = fresh(user);
        return l != null && l.locked();
    }

    /** NL3 said within the last interval that {@code user} is not locked. */
    boolean knownUnlocked(String user) {
        LockState l = fresh(user);
        return l != null && !l.locked();
    }

    /** What NL3 said about {@code user}, if this engine still relies on it. */
    private LockState fresh(String user) {
        Instant now = clock.instant();
        LockState s = store.lockState(user, now).orElse(null);
        return s != null && trustedUntil(s).isAfter(now) ? s : null;
    }

    @Override
    public synchronized void close() {
        closing = true;
        Daemons.stop(scheduler);
    }
}
