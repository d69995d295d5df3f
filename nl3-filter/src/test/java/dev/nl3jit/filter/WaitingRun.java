package dev.nl3jit.filter;

import dev.nl3jit.sandbox.ApprovalView;
import dev.nl3jit.sandbox.Call;
import dev.nl3jit.sandbox.Sandbox;
import dev.nl3jit.sandbox.Seed;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Users waiting on pending pages, as they see it (see {@code benchmarks/waiting.sh} and BENCHMARKS.md). Not a test.
 *
 * <p>One server (embedded Jetty 12, the filter at <b>library defaults</b>: only the NL3 address, key, application and
 * approval key are set) in a JVM of its own, and the sandbox and the users in this one. Every user is a distinct
 * account (BASIC, {@code u<n>}/{@code pw}, each also an NL3 user of the sandbox), so no per-user limit is raised. Each
 * user asks for {@code /admin/users} once (a 503 is asked again after a second, as a person would) and then does what
 * the pending page does: long-polls {@code status?wait=25} on a kept-alive connection, again and again (at most once a
 * second), until the status is final. Only a poll that answers {@code APPROVED} counts as the user seeing the approval.
 *
 * <p>Modes ({@code java -cp ... dev.nl3jit.filter.WaitingRun <mode> ...}):
 * <ul>
 * <li>{@code steady <background> <fresh-per-second> <fresh-seconds>}: {@code background} users ask (at 250 a second)
 * and are never approved in the run (their approvers are away); then, while they wait, fresh users arrive at
 * {@code fresh-per-second} for {@code fresh-seconds}, and each is approved at a time drawn from a log-normal
 * distribution (median 15 s, sigma 0.8: half within 15 s, 95 % within 56 s; draws over 60 s drawn again), counted from
 * its request. Prints approve → page (p50, p95, max) of the fresh users, NL3 calls (per kind, the busiest second),
 * threads, heap after GC before and while they wait (and per waiting user), late answers in the server.</li>
 * <li>{@code holders <holders> <waiters> <seconds>}: {@code holders} users ask and are approved at once (each then holds a
 * grant, re-checked for locks in the background), then {@code waiters} users ask and wait; for {@code seconds} the NL3
 * calls are counted: the busiest second, per kind.</li>
 * </ul>
 * The NL3 calls are read from the sandbox's call log every 50 ms (its {@code at}: the sandbox's clock, real time here),
 * so this driver runs on builds whose sandbox has no counters.
 */
public final class WaitingRun {
    private static final String PENDING = "\"approvalStatus\":\"PENDING\"";
    private static final String APPROVED = "\"approvalStatus\":\"APPROVED\"";

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int users = mode.equals("steady") ? Integer.parseInt(args[1]) + Integer.parseInt(args[2]) * Integer.parseInt(args[3])
                : Integer.parseInt(args[1]) + Integer.parseInt(args[2]);
        try (SandboxProcess sandbox = SandboxProcess.start(users); ServerProcess app = ServerProcess.start(sandbox, users)) {
            WaitingRun run = new WaitingRun(sandbox, app);
            if (mode.equals("steady")) {
                run.steady(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            } else {
                run.holders(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            }
        }
    }

    private final SandboxProcess sandbox;
    private final ServerProcess app;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1).executor(Executors.newFixedThreadPool(4)).build();
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    private final AtomicInteger busy503 = new AtomicInteger();
    private final AtomicInteger notOk = new AtomicInteger();
    private final AtomicInteger polls = new AtomicInteger();
    /** Pages still polling. */
    private final AtomicInteger waiting = new AtomicInteger();
    private final Map<String, Long> sawApproved = new ConcurrentHashMap<>();
    private final Map<String, String> ticketOf = new ConcurrentHashMap<>();

    private WaitingRun(SandboxProcess sandbox, ServerProcess app) {
        this.sandbox = sandbox;
        this.app = app;
    }

    private static String auth(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":pw").getBytes(StandardCharsets.UTF_8));
    }

    /** The user's first request, asked again after a second on 503; then the page's polls. Completes when created. */
    private CompletableFuture<Void> ask(String user) {
        CompletableFuture<Void> created = new CompletableFuture<>();
        ask(user, created);
        return created;
    }

    private void ask(String user, CompletableFuture<Void> created) {
        http.sendAsync(HttpRequest.newBuilder(app.uri("/admin/users")).header("Authorization", auth(user))
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                    if (r != null && r.statusCode() == 202) {
                        String location = r.headers().firstValue("Location").orElseThrow();
                        ticketOf.put(user, location);
                        created.complete(null);
                        waiting.incrementAndGet();
                        poll(user, location.substring("/app".length()));
                    } else if (r != null && r.statusCode() == 503) {
                        busy503.incrementAndGet();
                        timer.schedule(() -> ask(user, created), 1, TimeUnit.SECONDS);
                    } else {
                        notOk.incrementAndGet();
                        created.complete(null);
                    }
                });
    }

    /** What the pending page does: long polls until a final status, at most one a second. */
    private void poll(String user, String statusPath) {
        long started = System.nanoTime();
        polls.incrementAndGet();
        http.sendAsync(HttpRequest.newBuilder(app.uri(statusPath + "&wait=25")).header("Authorization", auth(user))
                .header("Accept", "application/json").timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                    if (r != null && r.statusCode() == 200 && r.body().contains(APPROVED)) {
                        sawApproved.put(user, System.nanoTime());
                        waiting.decrementAndGet();
                        return;
                    }
                    if (r == null || r.statusCode() != 200) {
                        notOk.incrementAndGet();
                    } else if (!r.body().contains(PENDING)) {
                        waiting.decrementAndGet();
                        return; // final: expired, rejected, cancelled
                    }
                    long next = Math.max(0, 1000 - (System.nanoTime() - started) / 1_000_000);
                    timer.schedule(() -> poll(user, statusPath), next, TimeUnit.MILLISECONDS);
                });
    }

    /** Starts {@code n} users from {@code first} at {@code perSecond}; completes when each has a ticket (or failed). */
    private CompletableFuture<Void> arrive(int first, int n, int perSecond, java.util.function.IntConsumer onCreated) throws Exception {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long due = start + (long) (i * 1e9 / perSecond);
            long sleep = (due - System.nanoTime()) / 1_000_000;
            if (sleep > 0) {
                Thread.sleep(sleep);
            }
            int id = first + i;
            all.add(ask("u" + id).thenRun(() -> onCreated.accept(id)));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    void steady(int background, int freshPerSecond, int freshSeconds) throws Exception {
        long heapBefore = app.heapAfterGc();
        int threadsBefore = app.threads();
        AtomicInteger peakThreads = new AtomicInteger(threadsBefore);
        timer.scheduleAtFixedRate(() -> peakThreads.accumulateAndGet(app.threads(), Math::max), 100, 100, TimeUnit.MILLISECONDS);
        long t0 = System.nanoTime();
        arrive(0, background, 250, id -> {
        }).get(10, TimeUnit.MINUTES);
        double backgroundSeconds = (System.nanoTime() - t0) / 1e9;
        // Let every background page re-poll at least once on its kept-alive connection before the fresh users come.
        Thread.sleep(26_000);
        long heapWaiting = app.heapAfterGc();
        int waitingAtHeap = waiting.get();

        Random draws = new Random(42);
        Map<String, Long> approvedAt = new ConcurrentHashMap<>();
        long freshFrom = System.currentTimeMillis();
        int fresh = freshPerSecond * freshSeconds;
        arrive(background, fresh, freshPerSecond, id -> {
            double delay;
            synchronized (draws) {
                do {
                    delay = 15 * Math.exp(0.8 * draws.nextGaussian());
                } while (delay > 60);
            }
            String user = "u" + id;
            timer.schedule(() -> {
                long at = System.nanoTime();
                if (sandbox.approve(user)) {
                    approvedAt.put(user, at);
                }
            }, (long) (delay * 1000), TimeUnit.MILLISECONDS);
        }).get(10, TimeUnit.MINUTES);
        // Wait for the last approvals (at most 60 s after the last request) and for their pages to see them.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(125);
        while (System.nanoTime() < until && (approvedAt.size() < fresh
                || approvedAt.keySet().stream().anyMatch(u -> !sawApproved.containsKey(u)))) {
            Thread.sleep(200);
        }
        long freshTo = System.currentTimeMillis();
        String late = app.lateAnswers();
        List<Double> latencies = new ArrayList<>();
        for (Map.Entry<String, Long> a : approvedAt.entrySet()) {
            Long seen = sawApproved.get(a.getKey());
            latencies.add(seen == null ? Double.POSITIVE_INFINITY : (seen - a.getValue()) / 1e9);
        }
        Collections.sort(latencies);
        System.out.printf(Locale.ROOT, "mode=steady background=%d fresh=%d approved=%d seen=%d background_s=%.0f "
                + "approve_to_page_p50_s=%.2f approve_to_page_p95_s=%.2f approve_to_page_max_s=%.2f %s "
                + "threads_before=%d threads_peak=%d heap_before_mb=%.0f heap_waiting_mb=%.0f waiting_at_heap=%d "
                + "heap_per_waiting_kb=%.1f busy_503=%d not_ok=%d polls=%d server_%s%n",
                background, fresh, approvedAt.size(), latencies.stream().filter(Double::isFinite).count(), backgroundSeconds,
                pct(latencies, 50), pct(latencies, 95), pct(latencies, 100), sandbox.rates(freshFrom, freshTo), threadsBefore,
                peakThreads.get(), heapBefore / 1e6, heapWaiting / 1e6, waitingAtHeap,
                (heapWaiting - heapBefore) / 1024.0 / Math.max(1, waitingAtHeap), busy503.get(), notOk.get(), polls.get(),
                late.replace(" answered=", " server_answered="));
        System.exit(0);
    }

    void holders(int holders, int waiters, int seconds) throws Exception {
        long t0 = System.nanoTime();
        arrive(0, holders, 250, id -> {
            String user = "u" + id;
            timer.execute(() -> sandbox.approve(user));
        }).get(10, TimeUnit.MINUTES);
        while (sawApproved.size() < holders && System.nanoTime() - t0 < TimeUnit.MINUTES.toNanos(5)) {
            Thread.sleep(200);
        }
        double holdersSeconds = (System.nanoTime() - t0) / 1e9;
        arrive(holders, waiters, 250, id -> {
        }).get(10, TimeUnit.MINUTES);
        double waitersSeconds = (System.nanoTime() - t0) / 1e9 - holdersSeconds;
        long from = System.currentTimeMillis();
        Thread.sleep(seconds * 1000L);
        long to = System.currentTimeMillis();
        System.out.printf(Locale.ROOT, "mode=holders holders=%d holding=%d waiters=%d holders_s=%.0f waiters_s=%.0f %s "
                + "busy_503=%d not_ok=%d%n", holders, sawApproved.size(), waiters, holdersSeconds, waitersSeconds,
                sandbox.rates(from, to), busy503.get(), notOk.get());
        System.out.printf(Locale.ROOT, "whole_run %s%n", sandbox.rates(0, Long.MAX_VALUE));
        System.exit(0);
    }

    /** NL3 calls between two moments: per second on average and in the busiest second, all and per kind. */
    static String rates(Set<Call> calls, long fromMillis, long toMillis) {
        StringBuilder b = new StringBuilder();
        Map<String, List<Long>> byKind = new HashMap<>();
        List<Long> all = new ArrayList<>();
        for (Call c : calls) {
            long at = c.at().toEpochMilli();
            if (at < fromMillis || at > toMillis) {
                continue;
            }
            String kind = c.path().endsWith("accountProtectionCheck") ? "lock" : c.path().endsWith("/cancel") ? "cancel"
                    : c.method().equals("GET") ? "status" : "create";
            byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(at);
            all.add(at);
        }
        double span = all.isEmpty() ? 1 : Math.max(1, (Math.min(toMillis, Collections.max(all)) - Math.max(fromMillis,
                Collections.min(all))) / 1000.0);
        b.append(String.format(Locale.ROOT, "calls_per_s=%.0f calls_busiest_s=%d", all.size() / span, busiest(all)));
        for (String k : List.of("status", "lock", "create", "cancel")) {
            List<Long> l = byKind.getOrDefault(k, List.of());
            b.append(String.format(Locale.ROOT, " %s_per_s=%.0f %s_busiest_s=%d", k, l.size() / span, k, busiest(l)));
        }
        return b.toString();
    }

    /** The most calls within any 1,000 ms (millisecond timestamps). */
    private static int busiest(List<Long> at) {
        List<Long> sorted = new ArrayList<>(at);
        Collections.sort(sorted);
        int best = 0;
        int from = 0;
        for (int to = 0; to < sorted.size(); to++) {
            while (sorted.get(to) - sorted.get(from) >= 1000) {
                from++;
            }
            best = Math.max(best, to - from + 1);
        }
        return best;
    }

    private static double pct(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    /**
     * The sandbox in a JVM of its own ({@link SandboxHost}), so that NL3's side counts calls as they come, not paused by
     * this JVM's 10,000 connections; driven over its standard input and output.
     */
    static final class SandboxProcess implements AutoCloseable {
        private final Process process;
        private final java.io.BufferedReader out;
        private final java.io.PrintWriter in;
        final String baseUri;
        final String signingKey;
        final String issuer;
        final String audience;

        private SandboxProcess(Process process) throws java.io.IOException {
            this.process = process;
            this.out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.in = new java.io.PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            String[] line = out.readLine().split(" ");
            this.baseUri = line[0];
            this.signingKey = line[1];
            this.issuer = line[2];
            this.audience = line[3];
        }

        static SandboxProcess start(int users) throws java.io.IOException {
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                    "-cp", System.getProperty("java.class.path"), SandboxHost.class.getName(), String.valueOf(users));
            return new SandboxProcess(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start());
        }

        /** Approves the pending request of {@code user}; {@code false} when there is none. */
        synchronized boolean approve(String user) {
            in.println("approve " + user);
            try {
                return "ok".equals(out.readLine());
            } catch (java.io.IOException e) {
                return false;
            }
        }

        synchronized String rates(long fromMillis, long toMillis) throws java.io.IOException {
            in.println("rates " + fromMillis + " " + toMillis);
            return out.readLine();
        }

        @Override
        public void close() throws InterruptedException {
            in.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** The sandbox's JVM: users {@code u0…}, the call log read every 50 ms, commands on standard input. */
    static final class SandboxHost {
        public static void main(String[] args) throws Exception {
            int users = Integer.parseInt(args[0]);
            Seed d = Seed.defaults();
            List<Seed.User> seeded = new ArrayList<>(d.users());
            for (int i = 0; i < users; i++) {
                seeded.add(new Seed.User("u" + i, "u" + i + "@example.com", false, true));
            }
            Seed seed = new Seed(d.companyName(), d.audience(), d.applications(), seeded, d.templates());
            try (Sandbox sandbox = Sandbox.builder().port(0).seed(seed).start()) {
                Set<Call> calls = ConcurrentHashMap.newKeySet();
                Thread t = new Thread(() -> {
                    while (true) {
                        calls.addAll(sandbox.calls());
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                t.setDaemon(true);
                t.start();
                System.out.println(sandbox.baseUri() + " " + sandbox.signingKey() + " " + sandbox.issuer() + " "
                        + sandbox.audience());
                Map<String, String> requestIds = new HashMap<>();
                java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8));
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    String[] c = line.split(" ");
                    if (c[0].equals("approve")) {
                        String id = requestIds.get(c[1]);
                        if (id == null) {
                            for (ApprovalView v : sandbox.pendingRequests()) {
                                requestIds.put(v.requester(), v.requestId());
                            }
                            id = requestIds.get(c[1]);
                        }
                        boolean ok = false;
                        if (id != null) {
                            try {
                                sandbox.approve(id, "bob");
                                ok = true;
                            } catch (RuntimeException e) {
                                ok = false;
                            }
                        }
                        System.out.println(ok ? "ok" : "none");
                    } else if (c[0].equals("rates")) {
                        System.out.println(rates(calls, Long.parseLong(c[1]), Long.parseLong(c[2])));
                    }
                }
            }
        }
    }

    /** The application server in a JVM of its own: {@link Server}, driven over its standard input and output. */
    static final class ServerProcess implements AutoCloseable {
        private final Process process;
        private final java.io.BufferedReader out;
        private final java.io.PrintWriter in;
        private final URI base;

        private ServerProcess(Process process) throws java.io.IOException {
            this.process = process;
            this.out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.in = new java.io.PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            String line = out.readLine();
            if (line == null || !line.startsWith("base=")) {
                throw new IllegalStateException("the server did not start: " + line);
            }
            this.base = URI.create(line.substring(5));
        }

        static ServerProcess start(SandboxProcess sandbox, int users) throws java.io.IOException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + System.getProperty("server.heap", "1g")));
            if (System.getProperty("jetty.header-cache") != null) {
                command.add("-Djetty.header-cache=" + System.getProperty("jetty.header-cache"));
            }
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), Server.class.getName(),
                    sandbox.baseUri, sandbox.signingKey, sandbox.issuer, sandbox.audience,
                    String.valueOf(users)));
            ProcessBuilder pb = new ProcessBuilder(command);
            String log = System.getProperty("server.log");
            pb.redirectError(log == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(new java.io.File(log)));
            return new ServerProcess(pb.start());
        }

        URI uri(String path) {
            return URI.create(base + path);
        }

        /** Live threads of the server JVM (from /proc). */
        int threads() {
            try {
                for (String l : java.nio.file.Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                    if (l.startsWith("Threads:")) {
                        return Integer.parseInt(l.substring(8).strip());
                    }
                }
            } catch (java.io.IOException | RuntimeException e) {
                // gone
            }
            return -1;
        }

        synchronized String lateAnswers() throws java.io.IOException {
            in.println("late");
            return out.readLine();
        }

        synchronized long heapAfterGc() throws java.io.IOException {
            in.println("gc");
            String line = out.readLine();
            return Long.parseLong(line.substring("heap=".length()));
        }

        @Override
        public void close() throws InterruptedException {
            in.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /**
     * Measured in the server: how long after its {@code wait} each long poll was answered, from the moment the
     * server took the request (so the client's own delays are not in it).
     */
    static final class LateAnswers extends jakarta.servlet.http.HttpFilter {
        private static final long serialVersionUID = 1L;
        final AtomicLong maxMillis = new AtomicLong();
        final AtomicInteger answered = new AtomicInteger();

        @Override
        protected void doFilter(jakarta.servlet.http.HttpServletRequest req, jakarta.servlet.http.HttpServletResponse res,
                jakarta.servlet.FilterChain chain) throws java.io.IOException, jakarta.servlet.ServletException {
            long start = System.nanoTime();
            String wait = req.getParameter("wait");
            chain.doFilter(req, res);
            if (wait == null || !req.isAsyncStarted()) {
                return;
            }
            long waitMillis = Long.parseLong(wait) * 1000;
            req.getAsyncContext().addListener(new jakarta.servlet.AsyncListener() {
                @Override
                public void onComplete(jakarta.servlet.AsyncEvent event) {
                    long took = (System.nanoTime() - start) / 1_000_000;
                    if (took >= waitMillis) {
                        maxMillis.accumulateAndGet(took - waitMillis, Math::max);
                    }
                    answered.incrementAndGet();
                }

                @Override
                public void onTimeout(jakarta.servlet.AsyncEvent event) {
                }

                @Override
                public void onError(jakarta.servlet.AsyncEvent event) {
                }

                @Override
                public void onStartAsync(jakarta.servlet.AsyncEvent event) {
                }
            });
        }
    }

    /**
     * The server side: the filter at library defaults on embedded Jetty 12 (its own: users {@code u0…} with password
     * {@code pw}, BASIC) against the given sandbox, until its input ends. {@code -Djetty.header-cache=N} sets Jetty's
     * per-connection header cache ({@code HttpConfiguration.setHeaderCacheSize}; Jetty's default when unset).
     */
    static final class Server {
        public static void main(String[] args) throws Exception {
            Map<String, String> m = new HashMap<>();
            m.put("nl3.api-base-url", args[0]);
            m.put("nl3.signing-key", args[1]);
            m.put("nl3.app-uri", args[2]);
            m.put("nl3.audience", args[3]);
            m.put("nl3.approval-key", "ADMIN_ACCESS");
            int users = Integer.parseInt(args[4]);
            if (System.getProperty("server.log") == null) {
                java.util.logging.LogManager.getLogManager().reset();
            }
            org.eclipse.jetty.server.Server server = new org.eclipse.jetty.server.Server(
                    new org.eclipse.jetty.util.thread.QueuedThreadPool(200, 4));
            org.eclipse.jetty.server.HttpConfiguration config = new org.eclipse.jetty.server.HttpConfiguration();
            if (System.getProperty("jetty.header-cache") != null) {
                config.setHeaderCacheSize(Integer.parseInt(System.getProperty("jetty.header-cache")));
            }
            org.eclipse.jetty.server.ServerConnector connector = new org.eclipse.jetty.server.ServerConnector(server,
                    new org.eclipse.jetty.server.HttpConnectionFactory(config));
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            org.eclipse.jetty.ee10.servlet.ServletContextHandler ctx = new org.eclipse.jetty.ee10.servlet.ServletContextHandler(
                    org.eclipse.jetty.ee10.servlet.ServletContextHandler.SECURITY);
            ctx.setContextPath("/app");
            org.eclipse.jetty.ee10.servlet.security.ConstraintSecurityHandler security =
                    new org.eclipse.jetty.ee10.servlet.security.ConstraintSecurityHandler();
            org.eclipse.jetty.security.HashLoginService login = new org.eclipse.jetty.security.HashLoginService("nl3-run");
            org.eclipse.jetty.security.UserStore store = new org.eclipse.jetty.security.UserStore();
            org.eclipse.jetty.util.security.Credential pw = org.eclipse.jetty.util.security.Credential.getCredential("pw");
            for (int i = 0; i < users; i++) {
                store.addUser("u" + i, pw, new String[] {"user"});
            }
            login.setUserStore(store);
            security.setLoginService(login);
            security.setAuthenticator(new org.eclipse.jetty.security.authentication.BasicAuthenticator());
            ctx.setSecurityHandler(security);
            org.eclipse.jetty.ee10.servlet.ServletHolder admin = new org.eclipse.jetty.ee10.servlet.ServletHolder(
                    new AppServer.Echo("ADMIN"));
            admin.setAsyncSupported(true);
            ctx.addServlet(admin, "/admin/*");
            LateAnswers late = new LateAnswers();
            org.eclipse.jetty.ee10.servlet.FilterHolder lateHolder = new org.eclipse.jetty.ee10.servlet.FilterHolder(late);
            lateHolder.setAsyncSupported(true);
            ctx.addFilter(lateHolder, "/nl3-approval/*", EnumSet.of(DispatcherType.REQUEST));
            org.eclipse.jetty.ee10.servlet.FilterHolder nl3 = new org.eclipse.jetty.ee10.servlet.FilterHolder(
                    new Nl3ApprovalFilter(Nl3Settings.fromMap(m)));
            nl3.setName("nl3-admin");
            nl3.setAsyncSupported(true);
            ctx.addFilter(nl3, "/admin/*", EnumSet.of(DispatcherType.REQUEST));
            ctx.addFilter(nl3, "/nl3-approval/*", EnumSet.of(DispatcherType.REQUEST));
            server.setHandler(ctx);
            server.start();
            System.out.println("base=http://127.0.0.1:" + connector.getLocalPort() + "/app");
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.equals("gc")) {
                    System.gc();
                    Runtime rt = Runtime.getRuntime();
                    System.out.println("heap=" + (rt.totalMemory() - rt.freeMemory()));
                } else if (line.equals("late")) {
                    System.out.println("late=" + late.maxMillis.get() + " answered=" + late.answered.get());
                }
            }
            server.stop();
        }
    }
}
