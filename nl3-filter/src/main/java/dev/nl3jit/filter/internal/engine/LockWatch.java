package dev.nl3jit.filter.internal.engine;

import dev.nl3jit.filter.internal.store.Ledger;
import dev.nl3jit.filter.internal.store.LockState;

import dev.nl3jit.filter.ApprovalEvent;
import dev.nl3jit.filter.spi.ApprovalStoreException;
import dev.nl3jit.filter.internal.util.Daemons;
import dev.nl3jit.filter.FailurePolicy;
import dev.nl3jit.filter.GrantKey;
import dev.nl3jit.filter.internal.util.LogOnce;
import dev.nl3jit.filter.internal.nl3.Nl3Budget;
import dev.nl3jit.filter.internal.nl3.Nl3Client;
import dev.nl3jit.filter.internal.nl3.Nl3Failure;
import dev.nl3jit.filter.internal.nl3.Nl3Json;
import dev.nl3jit.filter.Nl3Settings;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
 * at once, without a call. The bound holds while one look's lock checks fit in the budget and in a tenth of the
 * interval: they are made up to {@value #IN_FLIGHT} at once, holding no thread while NL3 answers, so the answer time
 * of NL3 does not cap them below the budget; checks that do not fit are made late, oldest answer first, counted and
 * logged. A check NL3
 * does not answer is made again at the next look; after {@value #FAILURES_PER_LOOK} in a row a look stops, so an outage
 * costs NL3 a few calls per look, not one per user.
 */
public final class LockWatch implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LockWatch.class.getName());
    private static final Nl3Client.Device NO_DEVICE = new Nl3Client.Device(null, null);
    /** How many looks at the users holding grants per interval. */
    static final int TICKS = 10;
    /** The shortest time between two looks. */
    static final Duration MIN_TICK = Duration.ofMillis(100);
    /** Failed checks in a row after which a look stops: NL3 is failing, the others are asked at the next look. */
    public static final int FAILURES_PER_LOOK = 3;
    /** Re-check calls under way at once, at most (the calls a second they can make: this over NL3's answer time). */
    static final int IN_FLIGHT = 32;
    /** A check this much past the moment its user's answer turned too old counts as late (a user with none: as of the look). */
    private static final Duration LATE_TOLERANCE = Duration.ofMillis(100);

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
    private final Nl3Budget budget;
    private final AtomicLong lateChecks = new AtomicLong();
    private ScheduledExecutorService scheduler;
    /** Set by {@link #close()}: a look it interrupts is not a failure to report. */
    private volatile boolean closing;

    public LockWatch(Ledger store, Nl3Client client, Clock clock, Nl3Settings settings, Events events) {
        this.store = store;
        this.client = client;
        this.budget = client.budget();
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
            if (onFailure == FailurePolicy.OPEN && f.reason() != Nl3Failure.Reason.BUSY) {
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
     * is asked about now, oldest answer first, and, so that many grants made at once are not all re-checked at once
     * again, at least a tenth of the users holding grants each look (the oldest answers, even when not due yet): the
     * checks spread evenly over the interval. A user known locked is revoked at once (what ended is purged by
     * {@link Purger}). Each check takes its call from the engine's NL3 budget ({@link Nl3Budget.Use#LOCK_RECHECK}),
     * before status checks and after users' own calls; when the budget cannot give what the holders need, that is
     * logged with the numbers and the fix, and checks made after their answer turned too old are counted and logged.
     */
    public void recheck() {
        try {
            Instant now = clock.instant();
            Instant nextLook = now.plus(tick);
            Set<String> users = store.usersWithGrants(now);
            unlockedUntil.keySet().retainAll(users);
            expectCalls(users.size());
            int quota = users.size() / TICKS;
            List<Map.Entry<Instant, String>> due = new ArrayList<>();
            List<Map.Entry<Instant, String>> early = new ArrayList<>();
            for (String user : users) {
                Instant seen = unlockedUntil.get(user);
                if (seen != null && seen.isAfter(nextLook)) {
                    if (quota > 0) {
                        early.add(Map.entry(seen, user));
                    }
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
                    if (quota > 0) {
                        early.add(Map.entry(until, user));
                    }
                } else {
                    due.add(Map.entry(until, user));
                }
            }
            due.sort(Map.Entry.comparingByKey());
            if (due.size() < quota) {
                early.sort(Map.Entry.comparingByKey());
                due.addAll(early.subList(0, Math.min(early.size(), quota - due.size())));
            }
            ask(due, users.size());
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

    /**
     * Tells the budget how many calls a second the re-checks of {@code holders} users need, and says once (every five
     * minutes while it lasts) when the budget cannot give that much: then status checks yield first, and what the
     * re-checks still cannot get makes locks take longer than {@code nl3.lock-recheck} plus a second to end.
     */
    private void expectCalls(int holders) {
        double seconds = every.toMillis() / 1000.0;
        int need = holders == 0 ? 0 : (int) Math.ceil(holders / seconds * 1.1) + 1;
        budget.expectLockRechecks(this, need);
        int share = budget.lockRecheckShare();
        if (holders / seconds > share) {
            failures.warn("short", "{0} users hold grants: re-checking each every {1} s needs {2} NL3 calls a second, but lock "
                    + "re-checks get at most {3} of nl3.max-status-calls={4} (the rest is kept for users'' own calls and "
                    + "status checks), so a lock may take about {5} s to end instead of {1} s + 1 s. Status checks already "
                    + "yield to the re-checks. Fix: raise nl3.max-status-calls to at least {6} (if NL3 allows it), or "
                    + "nl3.lock-recheck to at least {7}s", holders, (long) seconds, (long) Math.ceil(holders / seconds),
                    share, budget.perSecond(), (long) Math.ceil(holders / (double) share),
                    (long) Math.ceil(holders / seconds / 0.8) + 1, (long) Math.ceil(holders / (double) share) + 1);
        }
    }

    /** A check made after its user's newest answer was older than the interval: counted, and logged once in a while. */
    private void late(int holders, Duration by) {
        lateChecks.incrementAndGet();
        failures.warn("late", "lock re-check made {0} ms after the answer it replaces was {1} s old ({2} users hold grants, "
                + "nl3.max-status-calls={3}, of which lock re-checks get at most {4} a second): a lock may take that much "
                + "longer to end; {5} such checks so far. Raise nl3.max-status-calls or nl3.lock-recheck",
                by.toMillis(), every.toSeconds(), holders, budget.perSecond(), budget.lockRecheckShare(), lateChecks.get());
    }

    /** Re-checks made after the answer they replace was older than the interval (the bound stretched), so far. */
    public long lateChecks() {
        return lateChecks.get();
    }

    /** One re-check's outcome, handed from the HTTP client's threads to the look's. */
    private record Outcome(String user, Instant asked, Nl3Json.Lock lock, Throwable failure) {
    }

    /**
     * Asks NL3 about each of {@code due} in turn, each call taken from the budget first, with up to {@link #IN_FLIGHT}
     * calls under way at once ({@link Flow}; no thread held while NL3 answers: many holders need more calls a second than one caller
     * waiting for each answer could make); the outcomes are recorded on this thread, and the look ends when every call
     * it made has ended. Stops when the budget has no room within one look (the rest are asked at the next, oldest
     * first) and after {@value #FAILURES_PER_LOOK} failed calls in a row (an outage: a few calls a look, not one a user).
     */
    private void ask(List<Map.Entry<Instant, String>> due, int holders) {
        BlockingQueue<Outcome> ended = new LinkedBlockingQueue<>();
        Flow flow = new Flow();
        try {
            for (Map.Entry<Instant, String> d : due) {
                for (Outcome o = ended.poll(); o != null; o = ended.poll()) {
                    flow.ended(recorded(o, flow));
                }
                while (flow.full() && !flow.over()) {
                    flow.ended(recorded(ended.take(), flow));
                }
                if (flow.over()) {
                    break;
                }
                // Wait for room in the budget at most one look; what does not fit is made at the next look, oldest first.
                if (!budget.take(Nl3Budget.Use.LOCK_RECHECK, tick.toNanos())) {
                    break;
                }
                String user = d.getValue();
                Instant asked = clock.instant();
                if (asked.isAfter(d.getKey().plus(LATE_TOLERANCE))) {
                    late(holders, Duration.between(d.getKey(), asked));
                }
                flow.sent();
                client.lockCheckAsync(user).whenComplete((lock, e) -> ended.add(new Outcome(user, asked, lock, e)));
            }
            while (flow.underWay()) {
                flow.ended(recorded(ended.take(), flow));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing: the calls under way end by their deadline, unrecorded
        }
    }

    /**
     * How many re-check calls of one look may be under way: one at first, one more after each answer (so a look whose
     * calls NL3 answers soon reaches {@link #IN_FLIGHT} within a few round trips), one again after a failure, so an
     * outage costs {@value #FAILURES_PER_LOOK} calls one after the other, plus the calls already under way.
     */
    private static final class Flow {
        private int window = 1;
        private int underWay;
        private int failedInARow;
        private boolean stopped;

        void sent() {
            underWay++;
        }

        void ended(boolean answered) {
            underWay--;
            if (answered) {
                failedInARow = 0;
                window = Math.min(IN_FLIGHT, window + 1);
            } else {
                failedInARow++;
                window = 1;
            }
        }

        boolean full() {
            return underWay >= window;
        }

        boolean underWay() {
            return underWay > 0;
        }

        /** No more calls this look: NL3 failed too often in a row, or the store did not take an answer. */
        boolean over() {
            return stopped || failedInARow >= FAILURES_PER_LOOK;
        }

        void stop() {
            stopped = true;
        }
    }

    /**
     * As {@link #record}; when the store does not take an answer that is said (once per cause) and the look makes no
     * more calls: the calls under way still end here, and whoever was not recorded is asked again at the next look. A
     * node's own copies of the user's grants end even then ({@code Ledger.putLockState} forgets them first), and the
     * grant path fails closed while the store fails.
     */
    private boolean recorded(Outcome o, Flow flow) {
        try {
            return record(o);
        } catch (RuntimeException e) {
            flow.stop();
            if (!closing) {
                String cause = e instanceof ApprovalStoreException a ? a.causeKey() : e.getClass().getName();
                failures.warn("record-" + cause, "lock re-check: NL3 answered, but the store did not take the answer "
                        + "({0}); this look makes no more re-checks, and those not recorded are asked again at the next. "
                        + "Check that the store (nl3.store) is reachable and answers within nl3.store-timeout; until it "
                        + "does, the grant path fails closed", e.toString());
            }
            return true; // NL3 answered: the store's failure is no outage of NL3
        }
    }

    /** Records what NL3 said about a user, revoking on a lock; {@code false} when NL3 gave no answer (asked again at the next look). */
    private boolean record(Outcome o) {
        if (o.failure() != null) {
            Throwable cause = o.failure() instanceof CompletionException && o.failure().getCause() != null
                    ? o.failure().getCause() : o.failure();
            if (!closing) {
                Nl3Failure f = cause instanceof Nl3Failure nf ? nf : new Nl3Failure(Nl3Failure.Reason.CONNECTION, 0, cause.toString());
                failures.warn(f.reason().name(), "background lock re-check failed ({0}: {1}); grants stay until they end or the "
                        + "next re-check succeeds", f.reason(), f.getMessage());
            }
            return false;
        }
        String user = o.user();
        boolean locked = o.lock() == Nl3Json.Lock.LOCKED || (o.lock() == Nl3Json.Lock.NOT_ENROLLED && !allowNotEnrolled);
        learn(user, locked, o.asked());
        if (locked) {
            unlockedUntil.remove(user);
            revoke(user);
        } else {
            unlockedUntil.put(user, o.asked().plus(every));
        }
        return true;
    }

    private void revoke(String user) {
        int revoked = store.revokeUser(user);
        LOG.log(Level.INFO, "NL3 reports the account of {0} locked: revoked {1} grant(s) and ticket(s)", user, revoked);
        events.emit(ApprovalEvent.Kind.LOCKED, new GrantKey(user, "*", ""), "revoked " + revoked + " grant(s) and ticket(s)");
    }

    /** Remembers NL3's answer, asked just now, in the store. */
    public void learn(String user, boolean locked) {
        learn(user, locked, clock.instant());
    }

    /**
     * Remembers NL3's answer in the store, so every engine and every node sharing it relies on it, each for one of its
     * own intervals from {@code asked} (when the call was sent: NL3 answered about a moment no earlier).
     */
    public void learn(String user, boolean locked, Instant asked) {
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
    public boolean knownUnlocked(String user) {
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
        budget.expectLockRechecks(this, 0);
    }
}
