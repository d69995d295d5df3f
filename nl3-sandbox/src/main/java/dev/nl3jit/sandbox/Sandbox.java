package dev.nl3jit.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An emulator of the NL3 JIT Approvals API with an approver console, an admin API, fault injection and a
 * call log, on the JDK HTTP server. Start one with {@code Sandbox.builder().port(0).start()}; the instance
 * is also the fluent handle tests use ({@link #approve}, {@link #reject}, {@link #lock}, {@link #fault},
 * {@link #calls}). Close it to stop the server.
 */
public final class Sandbox implements AutoCloseable {
    static {
        // The JDK server otherwise leaves Nagle on and adds ~40 ms to every answer (delayed ACK).
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private static final System.Logger LOG = System.getLogger(Sandbox.class.getName());

    private final MovableClock clock;
    private final State state;
    private final Faults faults = new Faults();
    private final CallLog log = new CallLog();
    private final CallRate rate = new CallRate();
    private final ApiHandler api;
    private final AdminHandler admin;
    private final ConsoleHandler console;
    private final boolean remoteAdmin;
    private final HttpServer server;
    private final ExecutorService executor;
    private final URI baseUri;

    /** Settings for a sandbox; {@link #start()} starts it. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 0;
        private Seed seed;
        private Clock clock = Clock.systemUTC();
        private boolean remoteAdmin;

        private Builder() {
        }

        /** The address to bind; default {@code 127.0.0.1}. */
        public Builder host(String value) {
            this.host = Objects.requireNonNull(value);
            return this;
        }

        /** The port; 0 (the default) picks a free one. */
        public Builder port(int value) {
            if (value < 0 || value > 65535) {
                throw new IllegalArgumentException("port must be 0-65535, got " + value);
            }
            this.port = value;
            return this;
        }

        /** The world to start from; default {@link Seed#defaults()}. */
        public Builder seed(Seed value) {
            this.seed = Objects.requireNonNull(value);
            return this;
        }

        /** The time source; {@link Sandbox#advanceClock(Duration)} moves it forward. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value);
            return this;
        }

        /** Lets callers from other hosts use the admin API and console (off: loopback only). */
        public Builder allowRemoteAdmin(boolean value) {
            this.remoteAdmin = value;
            return this;
        }

        public Sandbox start() {
            return new Sandbox(this);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    private Sandbox(Builder b) {
        this.clock = new MovableClock(b.clock);
        this.state = new State(clock, b.seed == null ? Seed.defaults() : b.seed);
        this.api = new ApiHandler(state, new TokenValidator(clock, state.seed().audience(), state::keyFor));
        this.admin = new AdminHandler(this, state);
        this.console = new ConsoleHandler(state, clock);
        this.remoteAdmin = b.remoteAdmin;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "nl3-sandbox-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            this.server = HttpServer.create(new InetSocketAddress(b.host, b.port), 128);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("cannot bind the sandbox to " + b.host + ":" + b.port, e);
        }
        server.createContext("/", this::dispatch);
        server.setExecutor(executor);
        server.start();
        String host = b.host.contains(":") ? "[" + b.host + "]" : b.host;
        if (host.equals("0.0.0.0")) {
            host = "127.0.0.1";
        }
        this.baseUri = URI.create("http://" + host + ":" + server.getAddress().getPort());
        LOG.log(Level.DEBUG, "NL3 sandbox listening on {0}", baseUri);
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        Req req = new Req(exchange);
        Reply reply;
        String faultKind = null;
        boolean apiCall = req.path.startsWith(ApiHandler.PREFIX);
        try {
            if (apiCall) {
                rate.add(Call.Kind.of(req.method, req.path));
                Fault fault = faults.take(req.path);
                if (fault != null) {
                    faultKind = fault.drop() ? "drop" : fault.status() != 0 ? "status" : "delay";
                    sleep(fault.delay());
                    if (fault.drop()) {
                        log.add(new Call(clock.instant(), req.method, req.path, 0, req.claims, null, faultKind));
                        throw new DroppedConnection();
                    }
                }
                if (fault != null && fault.status() != 0) {
                    String body = fault.body() != null ? fault.body()
                            : Json.write(Json.object("error", "injected_fault", "message", "fault injected by the sandbox"));
                    reply = new Reply(fault.status(), "application/json", body, new java.util.LinkedHashMap<>());
                } else {
                    reply = api.handle(req);
                }
            } else if (req.path.startsWith(AdminHandler.PREFIX) || req.path.startsWith(ConsoleHandler.PATH)) {
                if (!remoteAdmin && !req.fromLoopback()) {
                    reply = Reply.error(403, "forbidden", "the admin API and console answer loopback callers only");
                } else {
                    if (!remoteAdmin) {
                        BrowserGuard.requireLoopbackHost(req);
                    }
                    reply = req.path.startsWith(AdminHandler.PREFIX) ? admin.handle(req) : console.handle(req);
                }
            } else if (req.path.equals("/")) {
                reply = Reply.redirect(ConsoleHandler.PATH);
            } else {
                reply = Reply.error(404, "not_found", "nothing at " + req.path);
            }
        } catch (BadRequest e) {
            req.error = e.getMessage();
            reply = Reply.error(e.status(), e.error(), e.getMessage());
            if (e.allow() != null) {
                reply.header("Allow", e.allow());
            }
        } catch (DroppedConnection e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "sandbox failed on " + req.method + " " + req.path, e);
            reply = Reply.error(500, "internal_error", "the sandbox failed: " + e.getClass().getSimpleName());
        }
        if (apiCall) {
            log.add(new Call(clock.instant(), req.method, req.path, reply.status(), req.claims, req.error, faultKind));
        }
        try {
            reply.write(exchange);
        } finally {
            exchange.close();
        }
    }

    /** Thrown to make the JDK server close the connection without an answer. */
    private static final class DroppedConnection extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DroppedConnection() {
            super("fault: connection dropped", null, false, false);
        }
    }

    private static void sleep(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The server's root, e.g. {@code http://127.0.0.1:8089}; also the NL3 API base URL clients use. */
    public URI baseUri() {
        return baseUri;
    }

    /** The approver console. */
    public URI consoleUri() {
        return baseUri.resolve(ConsoleHandler.PATH);
    }

    public int port() {
        return baseUri.getPort();
    }

    /** The audience tokens must carry (the NL3 API host). */
    public String audience() {
        return state.seed().audience();
    }

    /** The issuer of the seed's first application. */
    public String issuer() {
        return state.seed().applications().isEmpty() ? null : state.seed().applications().get(0).issuer();
    }

    /** The Base64 signing key of the seed's first application. */
    public String signingKey() {
        return state.seed().applications().isEmpty() ? null : state.seed().applications().get(0).signingKey();
    }

    public Seed seed() {
        return state.seed();
    }

    /** The sandbox's current time (its clock, moved by {@link #advanceClock}). */
    public Instant now() {
        return clock.instant();
    }

    /** Moves the sandbox's time forward, e.g. past a template's pending TTL. */
    public Sandbox advanceClock(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("the clock only moves forward");
        }
        clock.advance(by);
        return this;
    }

    /** All approval requests, newest first. */
    public List<ApprovalView> requests() {
        return state.list(null);
    }

    /** The pending approval requests, newest first. */
    public List<ApprovalView> pendingRequests() {
        return state.list("PENDING");
    }

    public ApprovalView request(String requestId) {
        return state.get(requestId);
    }

    /** Approves as {@code approver}; refused (IllegalStateException) when the sandbox's rules say no. */
    public ApprovalView approve(String requestId, String approver) {
        return approve(requestId, approver, null, null);
    }

    /** Approves with a comment and, for Sign-and-Approve templates, a signature. */
    public ApprovalView approve(String requestId, String approver, String comment, String signature) {
        try {
            return state.approve(requestId, approver, comment, signature);
        } catch (BadRequest e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    public ApprovalView reject(String requestId, String approver, String comment) {
        try {
            return state.reject(requestId, approver, comment);
        } catch (BadRequest e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    public Sandbox lock(String username) {
        setLocked(username, true);
        return this;
    }

    public Sandbox unlock(String username) {
        setLocked(username, false);
        return this;
    }

    private void setLocked(String username, boolean locked) {
        try {
            state.setLocked(username, locked);
        } catch (BadRequest e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** Injects a fault into NL3 API calls; see {@link Fault}. */
    public Sandbox fault(Fault fault) {
        faults.add(fault.checkEffective());
        return this;
    }

    public List<Fault> faults() {
        return faults.list();
    }

    public Sandbox clearFaults() {
        faults.clear();
        return this;
    }

    /**
     * The most NL3 API calls of these kinds (all kinds when none is named) that arrived within any {@code window} of real
     * time (not the sandbox's clock) since the start or {@link #clearCalls()}, over the last 262,144 calls: e.g. the
     * busiest second with {@code Duration.ofSeconds(1)}.
     */
    public int busiestWindow(Duration window, Call.Kind... kinds) {
        return rate.busiest(window, CallRate.of(kinds));
    }

    /** NL3 API calls of these kinds (all when none is named) since the start or {@link #clearCalls()}, up to 262,144. */
    public long callCount(Call.Kind... kinds) {
        return rate.count(CallRate.of(kinds));
    }

    /** The recent NL3 API calls, oldest first. */
    public List<Call> calls() {
        return log.snapshot();
    }

    public Sandbox clearCalls() {
        log.clear();
        rate.clear();
        return this;
    }

    /** Back to the seed: no requests, seeded lock states, no faults, empty log, clock offset zero. */
    public Sandbox reset() {
        state.reset();
        faults.clear();
        log.clear();
        rate.clear();
        clock.resetOffset();
        return this;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
