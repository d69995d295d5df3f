package dev.nl3jit.filter;

import dev.nl3jit.filter.internal.util.Loaders;

import dev.nl3jit.filter.internal.store.Ledger;
import dev.nl3jit.filter.internal.store.StoredApproval;

import dev.nl3jit.filter.internal.engine.Engine;
import dev.nl3jit.filter.internal.web.WebEngine;
import dev.nl3jit.filter.internal.web.EngineRegistry;
import dev.nl3jit.filter.internal.web.PendingEndpoint;
import dev.nl3jit.filter.internal.nl3.Nl3Failure;
import dev.nl3jit.filter.internal.store.Stores;
import dev.nl3jit.filter.spi.UsernameMapper;
import dev.nl3jit.filter.spi.KeyValueStore;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * The approval engine for code that is not the filter: the CDI interceptor and application code that asks for
 * an approval before, say, executing a payment. The filter uses the same engine, so the decisions are the same
 * everywhere. Thread-safe; build one per set of settings and keep it.
 */
public final class Nl3Approvals implements AutoCloseable {
    private final Nl3Settings settings;
    private final Engine engine;
    private final WebEngine web;
    private final Set<EngineRegistry> servedIn = new CopyOnWriteArraySet<>();
    /** The store this engine opened itself from {@code nl3.store}, closed with it; {@code null} when one was given. */
    private final Ledger ownStore;

    private Nl3Approvals(Builder b) {
        this.settings = b.settings;
        Ledger given = b.ledger != null ? b.ledger
                : b.store != null ? Ledger.over(b.store, Stores.storeName(settings, Loaders.application()), settings.storeSealKey(), settings.maxEntriesPerUser(), b.clock) : null;
        this.ownStore = given != null ? null : Stores.open(settings, b.clock, Loaders.application());
        Ledger store = given != null ? given : ownStore;
        this.engine = new Engine(b.name, b.application, settings, b.clock, store, b.usernames, b.listener);
        this.web = new WebEngine(engine, settings, b.clock);
    }

    /** With the store {@code nl3.store} names (default in memory), the system clock, principal names as usernames and no listener. */
    public static Nl3Approvals create(Nl3Settings settings) {
        return builder(settings).build();
    }

    public static Builder builder(Nl3Settings settings) {
        return new Builder(settings);
    }

    /** Optional parts of an {@link Nl3Approvals}. */
    public static final class Builder {
        private final Nl3Settings settings;
        private String name = "application";
        private String application = "-";
        private Clock clock = Clock.systemUTC();
        private KeyValueStore store;
        private Ledger ledger;
        private UsernameMapper usernames = UsernameMapper.PRINCIPAL_NAME;
        private Consumer<ApprovalEvent> listener = event -> {
        };

        private Builder(Nl3Settings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
        }

        /**
         * The engine's name, unique within one application (default {@code application}); its tickets carry a tag
         * derived from it, so the pending path hands each ticket to the engine that made it, on every node.
         */
        public Builder name(String value) {
            this.name = Objects.requireNonNull(value);
            return this;
        }

        /** Where the engine serves, e.g. the web application's context path; names its JMX MBean. */
        public Builder application(String value) {
            this.application = value == null || value.isEmpty() ? "/" : value;
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value);
            return this;
        }

        /**
         * The shared backend where grants and pending approvals live, sealed with {@link Nl3Settings#storeSealKey()};
         * its owner closes it. {@code null}: the store {@code nl3.store} names (default: a new in-memory one).
         */
        public Builder store(KeyValueStore value) {
            this.store = value;
            return this;
        }

        /** The application's shared ledger (the filter's, opened once per application and {@code nl3.store*} settings). */
        public Builder ledger(Ledger value) {
            this.ledger = value;
            return this;
        }

        public Builder usernames(UsernameMapper value) {
            this.usernames = Objects.requireNonNull(value);
            return this;
        }

        /** Hears every decision, on the request's thread (the CDI module fires them as CDI events). */
        public Builder listener(Consumer<ApprovalEvent> value) {
            this.listener = Objects.requireNonNull(value);
            return this;
        }

        public Nl3Approvals build() {
            return new Nl3Approvals(this);
        }
    }

    /** The engine as the web side serves it (for the library's filters). */
    WebEngine web() {
        return web;
    }

    /** Mints NL3 tokens with these settings, for custom flows. */
    public TokenMinter tokenMinter() {
        return engine.minter();
    }

    /**
     * The protection the settings describe for {@code approvalKey}, the same as the filter builds from them: approvers,
     * metadata, parameters ({@code nl3.parameters}), grant duration, scope, uses ({@code nl3.grant-uses}) and reason
     * ({@code nl3.reason}).
     */
    public Protection protection(String approvalKey) {
        return Protection.of(settings, approvalKey);
    }

    /**
     * Checks an HTTP request as the filter does and renders the answer for the kind of client. The user
     * must already be authenticated; otherwise the outcome is {@code UNAUTHENTICATED} with a 401 answer.
     */
    public CheckResult check(HttpServletRequest req, Protection protection) {
        return web.check(req, protection, Map.of());
    }

    /**
     * As {@link #check(HttpServletRequest, Protection)}, with parameter values the request's own parameters cannot
     * show (e.g. a JAX-RS method's form parameters, whose body the framework has read already).
     */
    public CheckResult check(HttpServletRequest req, Protection protection, Map<String, String> parameters) {
        return web.check(req, protection, parameters);
    }

    /** Checks on behalf of application code; no HTTP answer is rendered. */
    public CheckResult check(Caller caller, Protection protection) {
        return engine.check(caller, protection);
    }

    /** The NL3 username this engine gives {@code principal} (its {@link UsernameMapper}), or empty. */
    public Optional<String> username(java.security.Principal principal) {
        return Optional.ofNullable(engine.username(principal));
    }

    /** The approval with this ticket, brought up to date (at most one NL3 call per poll interval). */
    public Optional<PendingApproval> status(String ticket, String user) {
        return engine.ticket(ticket, user).map(p -> {
            try {
                return engine.tracker().refresh(p);
            } catch (Nl3Failure f) {
                return p;
            }
        }).map(StoredApproval::view);
    }

    /** Waits up to {@code wait} for a decision on the approval with this ticket. */
    public Optional<PendingApproval> awaitDecision(String ticket, String user, Duration wait) {
        return engine.ticket(ticket, user).map(p -> {
            try {
                return engine.tracker().awaitDecision(p, wait);
            } catch (Nl3Failure f) {
                return p;
            }
        }).map(StoredApproval::view);
    }

    /** Cancels the approval with this ticket, here and at NL3. */
    public Optional<PendingApproval> cancel(String ticket, String user) {
        return engine.ticket(ticket, user).map(engine.tracker()::cancel).map(StoredApproval::view);
    }

    /**
     * Makes this engine's pending pages and status URLs answer in {@code context} (under the pending path).
     *
     * @throws IllegalStateException when another engine of the same name already serves there
     */
    public void serveIn(ServletContext context) {
        EngineRegistry registry = EngineRegistry.of(context);
        if (servedIn.add(registry)) {
            registry.add(web);
        }
    }

    /**
     * Whether {@code req} is the dispatch of a kept request that Send now sent under {@code protection}'s approval key.
     * Send now took one use of the grant before it dispatched, so a check made further in (a framework's handler
     * interceptor, which meets the forward the library's filters do not) must let it pass instead of checking again.
     * True once per Send now: the mark is taken off the request.
     */
    public static boolean sentNow(HttpServletRequest req, Protection protection) {
        if (req.getDispatcherType() != jakarta.servlet.DispatcherType.FORWARD
                || !protection.approvalKey().equals(req.getAttribute(PendingEndpoint.SENT_NOW))) {
            return false;
        }
        req.removeAttribute(PendingEndpoint.SENT_NOW);
        return true;
    }

    /**
     * The counters of every approval engine serving in {@code context} now (the library's filters, {@link #serveIn}
     * engines), as their JMX beans show them: for health checks and metrics in frameworks.
     */
    public static java.util.List<ApprovalsMXBean> engines(ServletContext context) {
        return EngineRegistry.of(context).engines().stream().map(w -> (ApprovalsMXBean) w.engine().metrics()).toList();
    }

    /** Stops serving pending pages and the HTTP client's threads; grants and pending approvals stay in the store. */
    @Override
    public void close() {
        for (EngineRegistry r : servedIn) {
            r.remove(web);
        }
        servedIn.clear();
        engine.close();
        if (ownStore != null) {
            ownStore.close();
        }
    }
}
