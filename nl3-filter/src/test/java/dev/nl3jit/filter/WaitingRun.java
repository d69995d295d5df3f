package dev.nl3jit.filter;

import dev.nl3jit.sandbox.ApprovalView;
import dev.nl3jit.sandbox.Call;
import dev.nl3jit.sandbox.Sandbox;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Users waiting on pending pages (see {@code benchmarks/waiting.sh} and BENCHMARKS.md). Not a test; run it with
 * {@code java -cp ... dev.nl3jit.filter.WaitingRun <waiters> <approvals> <wait-seconds>}.
 *
 * <p>One server (embedded Jetty 12, the filter at its default poll interval and budget) in a JVM of its own, and the
 * sandbox and the clients in this one (each JVM may hold 20,000 open files here; 10,000 waiters need as many sockets on
 * either side). It creates
 * {@code waiters} pending approval requests (one user, request-scoped grants on a parameter, so each request is its
 * own ticket), opens one long poll per ticket (about 1,000 a second) ({@code status?wait=<wait-seconds>}, as a pending page does), then,
 * while they wait, approves {@code approvals} of them one after the other at random moments and times each from the
 * approval to the moment its long poll answers APPROVED. It prints one line of {@code key=value} figures: approval
 * latency (p50, p95, max), how late the other long polls answered after their wait (max, from the moment each was sent), answers that were not 200,
 * status calls per second at the sandbox while they waited, and the server JVM's threads (before, and the peak while
 * they waited, sampled every 100 ms) and heap after a full GC (before, and while they waited).
 */
public final class WaitingRun {
    private WaitingRun() {
    }

    public static void main(String[] args) throws Exception {
        int waiters = Integer.parseInt(args[0]);
        int approvals = Integer.parseInt(args[1]);
        int waitSeconds = Integer.parseInt(args[2]);
        try (Sandbox sandbox = Sandbox.builder().port(0).start(); ServerProcess app = ServerProcess.start(sandbox)) {
            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                    .version(HttpClient.Version.HTTP_1_1).build();
            String auth = "Basic " + Base64.getEncoder().encodeToString("alice:pw".getBytes(StandardCharsets.UTF_8));

            // 1. The pending requests, 32 at a time.
            long t0 = System.nanoTime();
            Map<Integer, String> statusUrl = new ConcurrentHashMap<>();
            Semaphore slots = new Semaphore(32);
            List<CompletableFuture<?>> creating = new ArrayList<>();
            for (int i = 0; i < waiters; i++) {
                int id = i;
                slots.acquire();
                creating.add(http.sendAsync(HttpRequest.newBuilder(app.uri("/admin/users?id=" + id)).header("Authorization", auth)
                        .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.discarding())
                        .whenComplete((r, e) -> {
                            slots.release();
                            if (r != null && r.statusCode() == 202) {
                                statusUrl.put(id, r.headers().firstValue("Location").orElseThrow());
                            }
                        }));
            }
            CompletableFuture.allOf(creating.toArray(CompletableFuture[]::new)).join();
            double createSeconds = (System.nanoTime() - t0) / 1e9;
            if (statusUrl.size() != waiters) {
                throw new IllegalStateException("created " + statusUrl.size() + " of " + waiters + " pending requests");
            }
            Map<String, String> requestIdOf = new HashMap<>();
            for (ApprovalView v : sandbox.requests()) {
                requestIdOf.put(v.metaData().get("id"), v.requestId());
            }

            long heapBefore = app.heapAfterGc();
            int threadsBefore = app.threads();
            AtomicInteger peakThreads = new AtomicInteger(threadsBefore);
            Thread sampler = every100ms(() -> peakThreads.accumulateAndGet(app.threads(), Math::max));
            // The sandbox keeps the last 1,000 calls: collect the status calls as they happen (each token's jti makes
            // every call distinct).
            java.util.Set<Call> statusCallsSeen = ConcurrentHashMap.newKeySet();
            Thread calls = every100ms(() -> {
                for (Call c : sandbox.calls()) {
                    if (c.method().equals("GET") && c.path().contains("/approvalRequest/")) {
                        statusCallsSeen.add(c);
                    }
                }
            });

            // 2. One long poll per ticket.
            sandbox.clearCalls();
            Map<Integer, Long> answeredAt = new ConcurrentHashMap<>();
            Map<Integer, Long> sentAt = new ConcurrentHashMap<>();
            Map<Integer, Long> approvedAt = new ConcurrentHashMap<>();
            AtomicInteger notOk = new AtomicInteger();
            AtomicInteger approvedSeen = new AtomicInteger();
            long opened = System.nanoTime();
            Instant openedAt = Instant.now();
            List<CompletableFuture<?>> polls = new ArrayList<>();
            for (int i = 0; i < waiters; i++) {
                int id = i;
                URI uri = app.uri(statusUrl.get(i).substring("/app".length()) + "&wait=" + waitSeconds);
                if (i % 100 == 99) {
                    // Opened at about 1,000 a second, as pages would arrive, rather than 10,000 in one burst.
                    Thread.sleep(Math.max(0, (opened + (i + 1) * 1_000_000L - System.nanoTime()) / 1_000_000L));
                }
                sentAt.put(id, System.nanoTime());
                polls.add(http.sendAsync(HttpRequest.newBuilder(uri).header("Authorization", auth).header("Accept", "application/json")
                        .timeout(Duration.ofSeconds(waitSeconds + 30)).build(), HttpResponse.BodyHandlers.ofString())
                        .whenComplete((r, e) -> {
                            answeredAt.put(id, System.nanoTime());
                            if (r == null || r.statusCode() != 200) {
                                notOk.incrementAndGet();
                            } else if (r.body().contains("\"approvalStatus\":\"APPROVED\"")) {
                                approvedSeen.incrementAndGet();
                            }
                        }));
            }
            long openSeconds = System.nanoTime() - opened;

            // 3. Approvals at random moments while they wait (the first after 2 s, spread over half the wait).
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < waiters; i++) {
                order.add(i);
            }
            Collections.shuffle(order, new java.util.Random(42));
            java.util.Random jitter = new java.util.Random(7);
            Thread.sleep(2000);
            long spread = Math.max(1, (waitSeconds * 1000L / 2 - 2000) / Math.max(1, approvals));
            for (int k = 0; k < approvals; k++) {
                int id = order.get(k);
                Thread.sleep(jitter.nextInt((int) Math.max(1, spread)));
                approvedAt.put(id, System.nanoTime());
                sandbox.approve(requestIdOf.get(String.valueOf(id)), "bob");
            }
            long heapWaiting = app.heapAfterGc();
            CompletableFuture.allOf(polls.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
            sampler.interrupt();
            calls.interrupt();
            calls.join();
            String serverLate = app.lateAnswers();
            Instant closedAt = Instant.now();

            List<Double> latencies = new ArrayList<>();
            double latestAfterWait = 0;
            for (int i = 0; i < waiters; i++) {
                Long answered = answeredAt.get(i);
                if (approvedAt.containsKey(i)) {
                    latencies.add((answered - approvedAt.get(i)) / 1e6);
                } else {
                    latestAfterWait = Math.max(latestAfterWait, (answered - sentAt.get(i)) / 1e6 - waitSeconds * 1000.0);
                }
            }
            Collections.sort(latencies);
            long statusCalls = statusCallsSeen.stream().filter(c -> isStatus(c, openedAt, closedAt)).count();
            double seconds = Duration.between(openedAt, closedAt).toMillis() / 1000.0;
            System.out.printf(java.util.Locale.ROOT,
                    "waiters=%d approvals=%d wait_s=%d create_s=%.1f open_ms=%.0f approved_seen=%d not_ok=%d "
                            + "latency_p50_ms=%.0f latency_p95_ms=%.0f latency_max_ms=%.0f late_after_wait_max_ms=%.0f "
                            + "status_calls_per_s=%.0f threads_before=%d threads_peak=%d heap_before_mb=%.0f heap_waiting_mb=%.0f "
                            + "server_%s%n",
                    waiters, approvals, waitSeconds, createSeconds, openSeconds / 1e6, approvedSeen.get(), notOk.get(),
                    pct(latencies, 50), pct(latencies, 95), pct(latencies, 100), latestAfterWait, statusCalls / seconds,
                    threadsBefore, peakThreads.get(), heapBefore / 1e6, heapWaiting / 1e6, serverLate.replace(" answered=", " server_answered="));
        }
    }

    /** A daemon thread running {@code work} every 100 ms until interrupted. */
    private static Thread every100ms(Runnable work) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                work.run();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static boolean isStatus(Call c, Instant from, Instant to) {
        return c.method().equals("GET") && c.path().contains("/approvalRequest/") && !c.at().isBefore(from) && !c.at().isAfter(to);
    }

    private static double pct(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
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

        static ServerProcess start(Sandbox sandbox) throws java.io.IOException {
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + System.getProperty("server.heap", "1g"), "-cp", System.getProperty("java.class.path"),
                    Server.class.getName(), sandbox.baseUri().toString(), sandbox.signingKey(), sandbox.issuer(),
                    sandbox.audience());
            return new ServerProcess(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start());
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
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /**
     * Measured in the server: how long after its {@code wait} each long poll was answered, from the moment the
     * server took the request (so the client's own delays are not in it). Only answers that were not APPROVED count.
     */
    static final class LateAnswers extends jakarta.servlet.http.HttpFilter {
        private static final long serialVersionUID = 1L;
        final java.util.concurrent.atomic.AtomicLong maxMillis = new java.util.concurrent.atomic.AtomicLong();
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

    /** The server side: the filter at defaults on embedded Jetty against the given sandbox, until its input ends. */
    static final class Server {
        public static void main(String[] args) throws Exception {
            Map<String, String> m = new HashMap<>();
            m.put("nl3.api-base-url", args[0]);
            m.put("nl3.signing-key", args[1]);
            m.put("nl3.app-uri", args[2]);
            m.put("nl3.audience", args[3]);
            m.put("nl3.approval-key", "ADMIN_ACCESS");
            m.put("nl3.grant-scope", "request");
            m.put("nl3.parameters", "id");
            m.put("nl3.max-entries-per-user", "10000");
            m.put("nl3.request-limit", "100000/1d");
            java.util.logging.LogManager.getLogManager().reset();
            LateAnswers late = new LateAnswers();
            try (AppServer app = AppServer.start(new AppServer.Mapping("late-answers", late, List.of("/nl3-approval/*")),
                    new AppServer.Mapping("nl3-admin", new Nl3ApprovalFilter(Nl3Settings.fromMap(m)),
                    List.of("/admin/*", "/nl3-approval/*")))) {
                String base = app.uri("/").toString();
                System.out.println("base=" + base.substring(0, base.length() - 1));
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
            }
        }
    }
}
