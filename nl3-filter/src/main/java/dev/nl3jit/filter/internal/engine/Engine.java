package dev.nl3jit.filter.internal.engine;

import dev.nl3jit.filter.internal.store.Ledger;

import dev.nl3jit.filter.ApprovalEvent;
import dev.nl3jit.filter.internal.store.BoundedStore;
import dev.nl3jit.filter.Caller;
import dev.nl3jit.filter.CheckResult;
import dev.nl3jit.filter.GrantBinding;
import dev.nl3jit.filter.internal.nl3.Nl3Budgets;
import dev.nl3jit.filter.internal.nl3.Nl3Client;
import dev.nl3jit.filter.internal.nl3.Nl3Http;
import dev.nl3jit.filter.Nl3Settings;
import dev.nl3jit.filter.internal.store.StoredApproval;
import dev.nl3jit.filter.Protection;
import dev.nl3jit.filter.TokenMinter;
import dev.nl3jit.filter.ApprovalStatus;
import dev.nl3jit.filter.internal.util.Digests;
import dev.nl3jit.filter.internal.util.Urls;
import dev.nl3jit.filter.spi.UsernameMapper;

import java.security.Principal;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One approval engine: its settings, its store, its NL3 client, its decisions, its pending tracker, its lock watch and
 * its events, assembled once. It knows nothing of HTTP: the web side ({@code internal.web.WebEngine}) turns requests
 * into {@link RequestFacts} and {@link Decision}s into answers; application code comes in through
 * {@link #check(Caller, Protection)}. Nothing reads its parts' settings back.
 */
public final class Engine implements AutoCloseable {
    private final String tag;
    private final UsernameMapper usernames;
    private final TokenMinter minter;
    private final ApprovalGate gate;
    private final PendingTracker tracker;
    private final LockWatch locks;
    private final Purger purger;
    private final ReasonDrafts drafts;
    private final Ledger store;
    private final Clock clock;
    private final Events events;
    private final int maxValueLength;
    /** The HTTP transport and its threads: stopped and awaited on {@link #close()}, so undeploys leave none behind. */
    private final Nl3Http http;
    /** This engine's hold on the node's NL3 budget, let go on close. */
    private final Nl3Budgets.Lease budget;
    /** What operators see over JMX. */
    private final Metrics metrics;

    public Engine(String name, Nl3Settings settings, Clock clock, Ledger store, UsernameMapper usernames,
            Consumer<ApprovalEvent> listener) {
        this(name, "-", settings, clock, store, usernames, listener);
    }

    /** @param application where the engine serves (its context path), for the JMX name */
    public Engine(String name, String application, Nl3Settings settings, Clock clock, Ledger store, UsernameMapper usernames,
            Consumer<ApprovalEvent> listener) {
        this.tag = Tickets.tag(name);
        // A shared store's calls within nl3.store-timeout; its unlimited grants copied on this node within the lock bound.
        Ledger bounded = store.bounded(settings.storeTimeout())
                .withGrantCopies(settings.lockRecheck(), settings.lockCheck(), settings.maxEntries());
        this.store = bounded;
        this.usernames = usernames;
        this.clock = clock;
        this.maxValueLength = settings.maxValueLength();
        this.minter = new TokenMinter(settings, clock);
        this.drafts = new ReasonDrafts(tag, clock);
        // What is made below holds threads, a budget or a name: an engine that fails half-made lets them go again.
        Nl3Http madeHttp = null;
        Nl3Budgets.Lease madeBudget = null;
        LockWatch madeLocks = null;
        Purger madePurger = null;
        try {
            madeHttp = Nl3Client.newHttp(settings);
            this.metrics = new Metrics(bounded, clock);
            // One budget for every NL3 call of this node's engines of this application: users' own calls first, then
            // lock re-checks, then status checks.
            madeBudget = Nl3Budgets.lease(settings.apiBaseUrl().toString(), settings.issuer(), settings.maxStatusCalls());
            Nl3Client client = new Nl3Client(settings, minter, madeHttp, metrics, madeBudget.budget());
            this.events = new Events(listener, clock, metrics);
            madeLocks = new LockWatch(bounded, client, clock, settings, events);
            this.tracker = new PendingTracker(bounded, client, clock, settings.pollInterval(),
                    settings.connectTimeout().plus(settings.readTimeout()), events, madeLocks::mayGrant,
                    new FailureLog(settings));
            this.gate = new ApprovalGate(settings, tag, clock, bounded, client, tracker, madeLocks, drafts, events);
            madeLocks.start();
            madePurger = new Purger(bounded, clock, settings.lockRecheck());
            madePurger.start();
            metrics.register(application, name);
        } catch (RuntimeException | Error e) {
            undo(e, madeLocks == null ? null : madeLocks::close, madePurger == null ? null : madePurger::close,
                    madeHttp == null ? null : madeHttp::close, madeBudget == null ? null : madeBudget::close,
                    bounded::stopThreads);
            throw e;
        }
        this.http = madeHttp;
        this.budget = madeBudget;
        this.locks = madeLocks;
        this.purger = madePurger;
    }

    /** Lets go of what a half-made engine holds; a failure of one step is added to {@code cause} and the rest go on. */
    private static void undo(Throwable cause, Runnable... steps) {
        for (Runnable step : steps) {
            if (step != null) {
                try {
                    step.run();
                } catch (RuntimeException | Error e) {
                    cause.addSuppressed(e);
                }
            }
        }
    }

    /** The tag every ticket of this engine starts with. */
    public String tag() {
        return tag;
    }

    public TokenMinter minter() {
        return minter;
    }

    public PendingTracker tracker() {
        return tracker;
    }

    /** The NL3 username of {@code principal} as this engine names users, or {@code null}. */
    public String username(Principal principal) {
        if (principal == null) {
            return null;
        }
        String user = usernames.username(principal);
        return user == null || user.isBlank() ? null : user;
    }

    /** This engine's approval with {@code ticket}, if it belongs to {@code principal}. */
    public Optional<StoredApproval> ticket(String ticket, Principal principal) {
        return tracker.byTicket(ticket, username(principal));
    }

    /** As {@link #ticket(String, Principal)}, for a known username. */
    public Optional<StoredApproval> ticket(String ticket, String user) {
        return tracker.byTicket(ticket, user);
    }

    /** The longest value an approver is shown ({@code nl3.max-value-length}). */
    public int maxValueLength() {
        return maxValueLength;
    }

    public ReasonDrafts drafts() {
        return drafts;
    }

    /** Checks on behalf of application code; no HTTP answer is rendered. */
    public CheckResult check(Caller caller, Protection protection) {
        RequestFacts facts = new RequestFacts(caller.user(), caller.method(), caller.path(), Urls.safePath(caller.path()),
                caller.ip(), caller.userAgent(), caller.parameters(), RequestFacts.NO_SESSION, RequestFacts.NOTHING_KEPT,
                RequestFacts.cleanReason(caller.parameters().get("reason")), () -> false);
        Decision d = gate.decide(protection, facts);
        return CheckResult.of(d.outcome(), d.approval(), null);
    }

    public Ledger store() {
        return store;
    }

    public Clock clock() {
        return clock;
    }

    public Events events() {
        return events;
    }

    /** This engine's counters (the MXBean's). */
    public Metrics metrics() {
        return metrics;
    }

    LockWatch locks() {
        return locks;
    }

    /** Stops the lock re-checks, the purges and the HTTP client's threads; grants and pending approvals stay in the store. */
    @Override
    public void close() {
        locks.close();
        purger.close();
        http.close();
        budget.close();
        metrics.close();
        store.stopThreads();
    }

    /**
     * The grant path: {@code true} when a live grant of {@code user} let the request through, {@code false} when there
     * is none, {@code null} when the store failed (logged; answer {@link #storeFailed()} without asking it again).
     */
    public Boolean passIfGranted(Protection protection, String user) {
        return gate.passIfGranted(protection, user);
    }

    /** The decision for a request without a live grant (or whose grant was not looked up: {@code grantTried} false). */
    public Decision decide(Protection protection, RequestFacts facts, boolean grantTried) {
        return gate.decide(protection, facts, grantTried);
    }

    /** The decision for a request, its grant looked up first. */
    public Decision decide(Protection protection, RequestFacts facts) {
        return gate.decide(protection, facts);
    }

    /** The decision when the store failed on the grant path (it is not asked twice in one request). */
    public Decision storeFailed() {
        return ApprovalGate.STORE_FAILED;
    }

    /**
     * A fresh one-time Send now token for an approved, kept request of the session whose digest is {@code session}
     * (its digest replaces any earlier one on the ticket, so only the newest page can send), or {@code null}.
     */
    public String sendToken(StoredApproval p, String session) {
        for (int attempt = 0; attempt < 3 && p.status() == ApprovalStatus.APPROVED && p.kept() != null; attempt++) {
            if (p.session() != null && !Digests.same(p.session(), session)) {
                return null;
            }
            String token = Tickets.next("s");
            StoredApproval current = p;
            if (store.replacePending(current, current.with(d -> d.sendToken = Digests.sha256(token)))) {
                return token;
            }
            p = store.pendingByTicket(p.ticket()).orElse(null);
            if (p == null) {
                return null;
            }
        }
        return null;
    }

    /** What became of a Send now. */
    public enum Sent {
        /** The kept request may run now: the token and the kept request were taken, and one use of the grant. */
        SENT,
        /** The request ran already. */
        ALREADY,
        /** Not approved, nothing kept, or the token does not match. */
        NOT_HERE,
        /** Another session asks. */
        OTHER_SESSION,
        /** The approval was used already or has ended. */
        GRANT_GONE
    }

    /**
     * Send now: the token and the kept request are taken from the ticket in one atomic step, then one use of the grant;
     * only on {@link Sent#SENT} may the caller run {@code p.kept()}, once.
     */
    public Sent send(StoredApproval p, String token, String session) {
        if (p.status() != ApprovalStatus.APPROVED || p.kept() == null || p.sendToken() == null || token == null
                || !Digests.same(p.sendToken(), Digests.sha256(token))) {
            return p.kept() == null && p.status() == ApprovalStatus.APPROVED ? Sent.ALREADY : Sent.NOT_HERE;
        }
        if (p.session() != null && !Digests.same(p.session(), session)) {
            return Sent.OTHER_SESSION;
        }
        if (!store.replacePending(p, p.with(d -> {
            d.kept = null;
            d.sendToken = null;
        }))) {
            return Sent.ALREADY;
        }
        if (!store.useGrant(p.key(), clock.instant())) {
            return Sent.GRANT_GONE;
        }
        events.emit(ApprovalEvent.Kind.SENT, p, null);
        return Sent.SENT;
    }
}
