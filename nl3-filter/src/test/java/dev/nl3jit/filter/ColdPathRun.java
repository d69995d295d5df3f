package dev.nl3jit.filter;

import dev.nl3jit.filter.internal.nl3.Nl3Client;
import dev.nl3jit.filter.internal.nl3.Nl3Failure;
import dev.nl3jit.filter.internal.nl3.Nl3Http;

import dev.nl3jit.sandbox.Sandbox;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The cold path (see {@code benchmarks/cold-path.sh} and BENCHMARKS.md): what a first request costs when the user's
 * lock state is already known (the background re-check, or a request a moment ago, learnt it), against one round trip
 * to NL3 from inside the server. Not a test; run it with
 * {@code java -cp ... dev.nl3jit.filter.ColdPathRun [measured=500] [warm-up=3000]}.
 *
 * <p>One JVM: the sandbox, embedded Jetty 12 with the filter (request-scoped grants on a parameter, so every request
 * is a first request with its own approval request), and one client sending requests one at a time. After a warm-up
 * long enough for the JIT, it alternates a first request ({@code /admin/users?id=i}, answered 202) with the same
 * request to the unfiltered servlet ({@code /public/users?id=i}), to the floor (a filter that makes the same approval
 * request and nothing else, {@code /payments/users?id=i}), and with one status call and one approval request to the
 * sandbox through the filter's own NL3 client (the round trips). It prints the medians, the added latency (first −
 * unfiltered) as a multiple of each round trip, the floor's, and the NL3 calls per first request.
 */
public final class ColdPathRun {
    private ColdPathRun() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        // Enough first requests before measuring for the JIT to have compiled their path (a server that has been up a
        // while); with a few hundred, much of it still ran interpreted and every figure was about twice as high.
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        try (Sandbox sandbox = Sandbox.builder().port(0).start()) {
            Nl3Settings settings = Nl3Settings.fromMap(Fixtures.settings(sandbox, "ADMIN_ACCESS", "nl3.grant-scope", "request",
                    "nl3.parameters", "id", "nl3.request-limit", "100000/1d", "nl3.max-entries-per-user", "10000",
                    "nl3.max-entries", "1000000", "nl3.connect-timeout", "2s", "nl3.read-timeout", "5s"));
            java.util.logging.LogManager.getLogManager().reset();
            Nl3Http nl3Http = Nl3Client.newHttp(settings);
            Nl3Client nl3 = new Nl3Client(settings, new TokenMinter(settings, Clock.systemUTC()), nl3Http);
            // The floor: a filter that makes the same approval request and answers 202 with a few bytes, nothing else.
            jakarta.servlet.Filter floor = (rq, rs, ch) -> {
                try {
                    nl3.create("alice", "ADMIN_ACCESS", List.of(), probeMetadata(0), PROBE_CALLER);
                } catch (Nl3Failure e) {
                    throw new jakarta.servlet.ServletException(e);
                }
                ((jakarta.servlet.http.HttpServletResponse) rs).setStatus(202);
                rs.getWriter().write("{\"status\":\"pending\"}");
            };
            try (AppServer app = AppServer.start(new AppServer.Mapping("nl3-admin", new Nl3ApprovalFilter(settings),
                    List.of("/admin/*", "/nl3-approval/*")), new AppServer.Mapping("floor", floor, List.of("/payments/*")));
                    nl3Http) {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                String auth = "Basic " + Base64.getEncoder().encodeToString("alice:pw".getBytes(StandardCharsets.UTF_8));
                String requestId = nl3.create("alice", "ADMIN_ACCESS", List.of(), java.util.Map.of(), new Nl3Client.Device(null, null))
                        .requestId();
                List<Double> first = new ArrayList<>();
                List<Double> floorT = new ArrayList<>();
                List<Double> plain = new ArrayList<>();
                List<Double> roundTrip = new ArrayList<>();
                List<Double> createTrip = new ArrayList<>();
                for (int i = 0; i < warmup + n; i++) {
                    if (i == warmup) {
                        sandbox.clearCalls();
                    }
                    double f = time(http, app.uri("/admin/users?id=" + i), auth, 202);
                    double p = time(http, app.uri("/public/users?id=" + i), auth, 200);
                    double fl = time(http, app.uri("/payments/users?id=" + i), auth, 202);
                    long t = System.nanoTime();
                    nl3.status("alice", requestId);
                    double r = (System.nanoTime() - t) / 1e6;
                    t = System.nanoTime();
                    // The same approval request the filter sends for a first request: its metadata, its caller.
                    nl3.create("alice", "ADMIN_ACCESS", List.of(), probeMetadata(i), PROBE_CALLER);
                    double c = (System.nanoTime() - t) / 1e6;
                    if (i >= warmup) {
                        first.add(f);
                        floorT.add(fl);
                        plain.add(p);
                        roundTrip.add(r);
                        createTrip.add(c);
                    }
                }
                // NL3 calls of first requests alone (the sandbox keeps the last 1,000 calls).
                sandbox.clearCalls();
                int counted = 200;
                for (int i = 0; i < counted; i++) {
                    time(http, app.uri("/admin/users?id=c" + i), auth, 202);
                }
                double creates = sandbox.calls().stream().filter(c -> c.path().endsWith("/approvalRequest")).count() / (double) counted;
                double lockChecks = sandbox.calls().stream().filter(c -> c.path().endsWith("/accountProtectionCheck")).count()
                        / (double) counted;
                double f50 = median(first);
                double p50 = median(plain);
                double r50 = median(roundTrip);
                double c50 = median(createTrip);
                double fl50 = median(floorT);
                System.out.printf(Locale.ROOT, "first_requests=%d first_p50_ms=%.3f unfiltered_p50_ms=%.3f status_trip_p50_ms=%.3f "
                        + "create_trip_p50_ms=%.3f added_p50_ms=%.3f added_over_create_trip=%.2f added_over_status_trip=%.2f "
                        + "creates_per_first=%.2f lock_checks_per_first=%.3f floor_p50_ms=%.3f floor_added_over_create_trip=%.2f%n", n, f50, p50,
                        r50, c50, f50 - p50, (f50 - p50) / c50, (f50 - p50) / r50, creates, lockChecks, fl50, (fl50 - p50) / c50);
            }
        }
    }

    private static final Nl3Client.Device PROBE_CALLER = new Nl3Client.Device("127.0.0.1",
            "Java-http-client/" + System.getProperty("java.version"));

    private static java.util.Map<String, String> probeMetadata(int i) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("resource", "/admin/users");
        m.put("id", "rt" + i);
        m.put("requester", "alice");
        m.put("method", "GET");
        m.put("path", "/admin/users");
        m.put("covers", "GET /admin/users with id = rt" + i);
        m.put("userAgent", PROBE_CALLER.userAgent());
        m.put("ip", PROBE_CALLER.ip());
        return m;
    }

    private static double time(HttpClient http, URI uri, String auth, int expected) throws Exception {
        long t = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).header("Authorization", auth)
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        double ms = (System.nanoTime() - t) / 1e6;
        if (r.statusCode() != expected) {
            throw new IllegalStateException(uri + " answered " + r.statusCode() + ": " + r.body());
        }
        return ms;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
