package dev.nl3jit.filter;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The approval engine for code that is not the filter: the CDI interceptor and application code that
 * asks for an approval before, say, executing a payment. The filter uses the same engine, so the
 * decisions are the same everywhere. Thread-safe; build one per set of settings and keep it.
 */
public final class Nl3Approvals implements AutoCloseable {
    private final Nl3Settings settings;
    private final UsernameMapper usernames;
    private final TokenMinter minter;
    private final ApprovalGate gate;
    private final Responder responder;
    private final Set<GateRegistry> servedIn = new CopyOnWriteArraySet<>();
    /** The HTTP client's threads: daemon, named, and stopped on {@link #close()} so undeploys leave none behind. */
    private final ExecutorService httpThreads;

    private Nl3Approvals(Builder b, ApprovalStore store) {
        this.settings = b.settings;
        this.usernames = b.usernames;
        this.minter = new TokenMinter(settings, b.clock);
        AtomicInteger n = new AtomicInteger();
        this.httpThreads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "nl3-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.gate = new ApprovalGate(settings, b.clock, store,
                new Nl3Client(settings, minter, Nl3Client.newHttpClient(settings, httpThreads)), b.listener);
        this.responder = new Responder(settings);
    }

    /** With the in-memory store, the system clock, principal names as usernames and no listener. */
    public static Nl3Approvals create(Nl3Settings settings) {
        return builder(settings).build();
    }

    public static Builder builder(Nl3Settings settings) {
        return new Builder(settings);
    }

    /** Optional parts of an {@link Nl3Approvals}. */
    public static final class Builder {
        private final Nl3Settings settings;
        private Clock clock = Clock.systemUTC();
        private ApprovalStore store;
        private UsernameMapper usernames = UsernameMapper.PRINCIPAL_NAME;
        private ApprovalListener listener = ApprovalListener.NONE;

        private Builder(Nl3Settings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value);
            return this;
        }

        public Builder store(ApprovalStore value) {
            this.store = value;
            return this;
        }

        public Builder usernames(UsernameMapper value) {
            this.usernames = Objects.requireNonNull(value);
            return this;
        }

        public Builder listener(ApprovalListener value) {
            this.listener = Objects.requireNonNull(value);
            return this;
        }

        public Nl3Approvals build() {
            return new Nl3Approvals(this, store != null ? store : ApprovalStore.inMemory(settings.maxEntries(), clock));
        }
    }

    public Nl3Settings settings() {
        return settings;
    }

    /** Mints NL3 tokens with these settings, for custom flows. */
    public TokenMinter tokenMinter() {
        return minter;
    }

    /** The protection the settings describe for {@code approvalKey} (approvers, metadata, grant duration and scope). */
    public Protection protection(String approvalKey) {
        return new Protection(approvalKey, settings.approvers(), settings.metadata(), Map.of(), settings.grantDuration(),
                settings.grantScope());
    }

    /**
     * Checks an HTTP request as the filter does and renders the answer for the kind of client. The user
     * must already be authenticated; otherwise the outcome is {@code UNAUTHENTICATED} with a 401 answer.
     */
    public CheckResult check(HttpServletRequest req, Protection protection) {
        return check(req, protection, Map.of());
    }

    /**
     * As {@link #check(HttpServletRequest, Protection)}, with parameter values the request's own parameters cannot
     * show (e.g. a JAX-RS method's form parameters, whose body the framework has read already).
     */
    public CheckResult check(HttpServletRequest req, Protection protection, Map<String, String> parameters) {
        Principal principal = req.getUserPrincipal();
        String user = principal == null ? null : usernames.username(principal);
        if (user == null || user.isBlank()) {
            return new CheckResult(CheckResult.Outcome.UNAUTHENTICATED, null,
                    Responder.unauthenticated(ClientKind.of(req, settings.apiPaths())));
        }
        Decision d = gate.decide(protection, facts(req, protection, user, parameters));
        CheckResult.Outcome outcome = outcome(d);
        if (outcome == CheckResult.Outcome.PASSED || outcome == CheckResult.Outcome.PASSED_DEGRADED) {
            return new CheckResult(outcome, null, null);
        }
        return new CheckResult(outcome, approvalOf(d), responder.answer(req, d, ClientKind.of(req, settings.apiPaths())));
    }

    /** Checks on behalf of application code; no HTTP answer is rendered. */
    public CheckResult check(Caller caller, Protection protection) {
        RequestFacts facts = new RequestFacts(caller.user(), caller.method(), caller.path(), SafePaths.safe(caller.path()),
                caller.ip(), caller.userAgent(), caller.parameters());
        Decision d = gate.decide(protection, facts);
        return new CheckResult(outcome(d), approvalOf(d), null);
    }

    /** The approval with this ticket, brought up to date (at most one NL3 call per poll interval). */
    public Optional<PendingApproval> status(String ticket, String user) {
        return gate.byTicket(ticket, user).map(p -> {
            try {
                return gate.refresh(p);
            } catch (Nl3Failure f) {
                return p;
            }
        });
    }

    /** Waits up to {@code wait} for a decision on the approval with this ticket. */
    public Optional<PendingApproval> awaitDecision(String ticket, String user, Duration wait) {
        return gate.byTicket(ticket, user).map(p -> {
            try {
                return gate.awaitDecision(p, wait);
            } catch (Nl3Failure f) {
                return p;
            }
        });
    }

    /** Cancels the approval with this ticket, here and at NL3. */
    public Optional<PendingApproval> cancel(String ticket, String user) {
        return gate.byTicket(ticket, user).map(gate::cancel);
    }

    /** Makes this engine's pending pages and status URLs answer in {@code context} (under the pending path). */
    public void serveIn(ServletContext context) {
        GateRegistry registry = GateRegistry.of(context);
        if (servedIn.add(registry)) {
            registry.add(gate, usernames);
        }
    }

    /** Stops serving pending pages and the HTTP client's threads; grants and pending approvals stay in the store. */
    @Override
    public void close() {
        for (GateRegistry r : servedIn) {
            r.remove(gate);
        }
        servedIn.clear();
        httpThreads.shutdownNow();
    }

    static RequestFacts facts(HttpServletRequest req, Protection protection, String user, Map<String, String> known) {
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
                req.getHeader("User-Agent"), params);
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
        }
        return CheckResult.Outcome.UNAVAILABLE;
    }

    private static PendingApproval approvalOf(Decision d) {
        if (d instanceof Decision.Pending p) {
            return p.approval();
        }
        if (d instanceof Decision.Rejected r) {
            return r.approval();
        }
        return null;
    }
}
