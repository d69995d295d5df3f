package dev.nl3jit.filter;

import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One approval engine: its settings, its store, its NL3 client, its decisions, its pending tracker and its
 * responder, assembled once. Every way in (the filters, the pending path, {@link Nl3Approvals} for the CDI
 * module and application code) goes through this one surface; nothing reads its parts' settings back.
 */
final class Engine implements AutoCloseable {
    /** API clients give a reason in this header. */
    static final String REASON_HEADER = "NL3-Reason";
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
    private final int maxKeptBody;
    private final int maxValueLength;
    /** With {@code nl3.grant-binding=session} a grant needs a session to bind to: one is made. */
    private final boolean sessionBound;
    private final Responder responder;
    private final java.util.List<String> apiPaths;
    /** The HTTP transport and its threads: stopped and awaited on {@link #close()}, so undeploys leave none behind. */
    private final Nl3Http http;
    /** What operators see over JMX. */
    private final Metrics metrics;
    /** Refuses unsafe requests that browsers mark as sent from elsewhere. */
    private final Origins origins;

    Engine(String name, Nl3Settings settings, Clock clock, Ledger store, UsernameMapper usernames,
            Consumer<ApprovalEvent> listener) {
        this(name, "-", settings, clock, store, usernames, listener);
    }

    /** @param application where the engine serves (its context path), for the JMX name */
    Engine(String name, String application, Nl3Settings settings, Clock clock, Ledger store, UsernameMapper usernames,
            Consumer<ApprovalEvent> listener) {
        this.tag = Tickets.tag(name);
        store = store.bounded(settings.storeTimeout()); // a shared store's calls within nl3.store-timeout
        this.usernames = usernames;
        this.minter = new TokenMinter(settings, clock);
        this.http = Nl3Client.newHttp(settings);
        this.metrics = new Metrics(store, clock);
        Nl3Client client = new Nl3Client(settings, minter, http, metrics);
        this.store = store;
        this.clock = clock;
        this.events = new Events(listener, clock, metrics);
        this.maxKeptBody = settings.maxKeptBody();
        this.maxValueLength = settings.maxValueLength();
        this.sessionBound = settings.grantBinding() == GrantBinding.SESSION;
        this.locks = new LockWatch(store, client, clock, settings, events);
        this.tracker = new PendingTracker(store, client, clock, settings.pollInterval(),
                settings.connectTimeout().plus(settings.readTimeout()), events, locks::mayGrant, new FailureLog(settings),
                settings.maxStatusCalls());
        this.drafts = new ReasonDrafts(tag, clock);
        this.gate = new ApprovalGate(settings, tag, clock, store, client, tracker, locks, drafts, events);
        locks.start();
        this.purger = new Purger(store, clock, settings.lockRecheck());
        purger.start();
        metrics.register(application, name);
        this.responder = new Responder(settings, clock);
        this.apiPaths = settings.apiPaths();
        this.origins = new Origins(settings.allowedOrigins());
    }

    /** The tag every ticket of this engine starts with. */
    String tag() {
        return tag;
    }

    TokenMinter minter() {
        return minter;
    }

    PendingTracker tracker() {
        return tracker;
    }

    Responder responder() {
        return responder;
    }

    ClientKind kindOf(HttpServletRequest req) {
        return ClientKind.of(req, apiPaths);
    }

    /** The NL3 username of {@code principal} as this engine names users, or {@code null}. */
    String username(Principal principal) {
        if (principal == null) {
            return null;
        }
        String user = usernames.username(principal);
        return user == null || user.isBlank() ? null : user;
    }

    /** This engine's approval with {@code ticket}, if it belongs to {@code principal}. */
    Optional<StoredApproval> ticket(String ticket, Principal principal) {
        return tracker.byTicket(ticket, username(principal));
    }

    /** As {@link #ticket(String, Principal)}, for a known username. */
    Optional<StoredApproval> ticket(String ticket, String user) {
        return tracker.byTicket(ticket, user);
    }

    /** Checks an HTTP request and renders the answer for its kind of client. */
    CheckResult check(HttpServletRequest req, Protection protection, Map<String, String> known) {
        if (origins.foreign(req)) {
            // Before the grant path too: an approval must not be usable from another origin's page either.
            return CheckResult.of(CheckResult.Outcome.CROSS_ORIGIN, null, drained(req, Responder.crossOrigin(req, kindOf(req))));
        }
        String user = username(req.getUserPrincipal());
        if (user == null) {
            return CheckResult.of(CheckResult.Outcome.UNAUTHENTICATED, null, Responder.unauthenticated(kindOf(req)));
        }
        boolean grantFirst = protection.scope() == GrantScope.KEY && !sessionBound;
        Boolean granted = grantFirst ? gate.passIfGranted(protection, user) : null;
        if (Boolean.TRUE.equals(granted)) {
            return CheckResult.PASSED;
        }
        boolean grantTried = Boolean.FALSE.equals(granted);
        // A store that failed (or overran nl3.store-timeout) on the grant is not asked again: one wait per request.
        Decision d = grantFirst && granted == null ? ApprovalGate.STORE_FAILED
                : gate.decide(protection, facts(req, protection, user, known), grantTried);
        CheckResult.Outcome outcome = outcome(d);
        if (outcome == CheckResult.Outcome.PASSED || outcome == CheckResult.Outcome.PASSED_DEGRADED) {
            return CheckResult.of(outcome, null, null);
        }
        Answer answer = responder.answer(req, d, kindOf(req));
        // A waiting request's body was kept (read); a refused one's body is read and dropped here.
        return CheckResult.of(outcome, approvalOf(d), outcome == CheckResult.Outcome.PENDING
                || outcome == CheckResult.Outcome.REASON_REQUIRED ? answer : drained(req, answer));
    }

    /**
     * The answer to a refused request, after its unread body (up to 64 KB) was read and dropped so that the connection
     * can serve the next request; with more, or a body that cannot be read, the answer closes the connection.
     */
    private static Answer drained(HttpServletRequest req, Answer answer) {
        if (Origins.safe(req.getMethod()) || Streams.discard(req, 64 * 1024)) {
            return answer;
        }
        return answer.with("Connection", "close");
    }

    /** Whether {@code req} is an unsafe request a browser marks as sent from another origin (then logged once). */
    boolean foreign(HttpServletRequest req) {
        return origins.foreign(req);
    }

    /** The longest value an approver is shown ({@code nl3.max-value-length}). */
    int maxValueLength() {
        return maxValueLength;
    }

    ReasonDrafts drafts() {
        return drafts;
    }

    /**
     * Goes on with a request that waited for a reason: {@code reason} (or none, where one is optional) is sent with it.
     * The draft is used once.
     */
    Optional<CheckResult> withReason(HttpServletRequest req, String draftId, String user, String reason) {
        return drafts.take(draftId, user).map(d -> {
            RequestFacts facts = d.facts().resolved(reason, false);
            Decision decision = gate.decide(d.protection(), facts);
            CheckResult.Outcome outcome = outcome(decision);
            if (outcome == CheckResult.Outcome.PASSED || outcome == CheckResult.Outcome.PASSED_DEGRADED) {
                return CheckResult.of(outcome, null, Responder.redirect(Responder.back(req, d.facts().method(),
                        d.facts().target())));
            }
            return CheckResult.of(outcome, approvalOf(decision), responder.answer(req, decision, ClientKind.BROWSER));
        });
    }

    /** Checks on behalf of application code; no HTTP answer is rendered. */
    CheckResult check(Caller caller, Protection protection) {
        RequestFacts facts = new RequestFacts(caller.user(), caller.method(), caller.path(), SafePaths.safe(caller.path()),
                caller.ip(), caller.userAgent(), caller.parameters(), RequestFacts.NO_SESSION, RequestFacts.NOTHING_KEPT,
                RequestFacts.cleanReason(caller.parameters().get("reason")), () -> false);
        Decision d = gate.decide(protection, facts);
        return CheckResult.of(outcome(d), approvalOf(d), null);
    }

    Ledger store() {
        return store;
    }

    Clock clock() {
        return clock;
    }

    Events events() {
        return events;
    }

    Metrics metrics() {
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
        metrics.close();
        store.stopThreads();
    }

    RequestFacts facts(HttpServletRequest req, Protection protection, String user, Map<String, String> known) {
        Map<String, String> params = Map.of();
        if (!protection.parameterMetadata().isEmpty()) {
            params = new HashMap<>();
            for (String name : protection.parameterMetadata().keySet()) {
                String v = known.containsKey(name) ? known.get(name) : req.getParameter(name);
                if (v != null) {
                    params.put(name, v);
                }
            }
        }
        return new RequestFacts(user, req.getMethod(), SafePaths.pathInApp(req), SafePaths.target(req), req.getRemoteAddr(),
                req.getHeader("User-Agent"), params, once(() -> Sessions.hash(req, sessionBound)), () -> KeptRequests.keep(req, maxKeptBody),
                RequestFacts.cleanReason(req.getHeader(REASON_HEADER)), () -> kindOf(req) == ClientKind.BROWSER);
    }

    /** A supplier that computes at most once, on first use. */
    private static <T> java.util.function.Supplier<T> once(java.util.function.Supplier<T> s) {
        Object[] cell = new Object[2];
        return () -> {
            if (cell[0] == null) {
                cell[1] = s.get();
                cell[0] = Boolean.TRUE;
            }
            @SuppressWarnings("unchecked")
            T t = (T) cell[1];
            return t;
        };
    }

    private static CheckResult.Outcome outcome(Decision d) {
        if (d instanceof Decision.Pass p) {
            return p.degraded() ? CheckResult.Outcome.PASSED_DEGRADED : CheckResult.Outcome.PASSED;
        } else if (d instanceof Decision.Pending) {
            return CheckResult.Outcome.PENDING;
        } else if (d instanceof Decision.Rejected) {
            return CheckResult.Outcome.REJECTED;
        } else if (d instanceof Decision.Locked) {
            return CheckResult.Outcome.LOCKED;
        } else if (d instanceof Decision.Limited) {
            return CheckResult.Outcome.LIMITED;
        } else if (d instanceof Decision.ReasonNeeded) {
            return CheckResult.Outcome.REASON_REQUIRED;
        } else if (d instanceof Decision.TooLong) {
            return CheckResult.Outcome.TOO_LONG;
        }
        return CheckResult.Outcome.UNAVAILABLE;
    }

    private static StoredApproval approvalOf(Decision d) {
        if (d instanceof Decision.Pending p) {
            return p.approval();
        }
        if (d instanceof Decision.Rejected r) {
            return r.approval();
        }
        return null;
    }
}
