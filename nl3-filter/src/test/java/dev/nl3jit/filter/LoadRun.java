package dev.nl3jit.filter;

import dev.nl3jit.sandbox.MovableClock;
import dev.nl3jit.sandbox.Sandbox;
import jakarta.servlet.Filter;
import dev.nl3jit.filter.spi.KeyValueStore;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Serves the same servlet several times for a load run (see BENCHMARKS.md and {@code benchmarks/grant-path*.sh}):
 * {@code /public/*} without any filter, {@code /payments/*} behind a filter that only reads the signed-in user and
 * passes the request on (the floor for any per-user filter: the container's deferred BASIC check runs there too),
 * {@code /admin/*} behind this filter with a live grant for alice, and, where Apache Shiro is on the class path,
 * {@code /public/shiro/*} behind Shiro 2 on an authenticated session. The background lock re-check runs every second
 * meanwhile (its fastest), so its cost is in the figure. Not a test; run it with
 * {@code java -cp ... dev.nl3jit.filter.LoadRun} and point wrk at the printed URLs; it stops at end of input and prints
 * the NL3 calls made during the run, by endpoint.
 */
public final class LoadRun {
    private static final String SHIRO = "org.apache.shiro.web.servlet.AbstractShiroFilter";

    private LoadRun() {
    }

    /** A filter that only reads the signed-in user (which runs the container's deferred authentication) and passes on. */
    static final class NoOpFilter extends jakarta.servlet.http.HttpFilter {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doFilter(jakarta.servlet.http.HttpServletRequest req, jakarta.servlet.http.HttpServletResponse res,
                jakarta.servlet.FilterChain chain) throws java.io.IOException, jakarta.servlet.ServletException {
            if (req.getUserPrincipal() == null) {
                res.sendError(401);
                return;
            }
            chain.doFilter(req, res);
        }
    }

    public static void main(String[] args) throws Exception {
        MovableClock clock = new MovableClock();
        serve(null, clock, () -> { });
    }

    /**
     * The load run on {@code store} ({@code null}: the filter's default in-memory store); {@code granted} runs once
     * alice's grant is live, before the URLs are printed.
     */
    static void serve(KeyValueStore store, MovableClock clock, Runnable granted) throws Exception {
        boolean shiro = present(SHIRO);
        List<AppServer.Mapping> mappings = new ArrayList<>();
        try (Sandbox sandbox = Sandbox.builder().clock(clock).port(0).start()) {
            mappings.add(new AppServer.Mapping("nl3-admin", new Nl3ApprovalFilter(
                    Nl3Settings.fromMap(Fixtures.settings(sandbox, "ADMIN_ACCESS", "nl3.grant-duration", "7d",
                            "nl3.lock-recheck", "1s")), store, UsernameMapper.PRINCIPAL_NAME, clock, event -> { }),
                    List.of("/admin/*", "/nl3-approval/*")));
            mappings.add(new AppServer.Mapping("no-op", new NoOpFilter(), List.of("/payments/*")));
            if (shiro) {
                // By name: users of nl3-filter's test-jar do not have Shiro, and must not need it.
                mappings.add(new AppServer.Mapping("shiro", (Filter) Class.forName("dev.nl3jit.filter.ShiroPeer")
                        .getDeclaredMethod("create").invoke(null), List.of("/public/shiro/*")));
            }
            try (AppServer app = AppServer.start(mappings.toArray(AppServer.Mapping[]::new))) {
                Client alice = Client.as("alice");
                String pending = alice.get(app.uri("/admin/users")).location();
                sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob");
                alice.get(app.uri("/nl3-approval/status?p=" + Fixtures.ticket(pending) + "&wait=5"), "Accept", "application/json");
                if (alice.get(app.uri("/admin/users")).status() != 200) {
                    throw new IllegalStateException("no grant");
                }
                granted.run();
                String cookie = shiro ? shiroSession(app) : null;
                sandbox.clearCalls();
                System.out.println("unfiltered: " + app.uri("/public/users"));
                System.out.println("granted:    " + app.uri("/admin/users"));
                System.out.println("no-op:      " + app.uri("/payments/users"));
                if (cookie != null) {
                    System.out.println("shiro:      " + app.uri("/public/shiro/users"));
                    System.out.println("cookie:     Cookie: " + cookie);
                }
                System.out.println("auth header: Authorization: Basic YWxpY2U6cHc=");
                System.out.println("press Enter to stop");
                System.in.read();
                System.out.println("NL3 calls during the run: " + sandbox.calls().size() + " "
                        + sandbox.calls().stream().collect(java.util.stream.Collectors.groupingBy(c -> c.method() + " " + c.path(),
                                java.util.TreeMap::new, java.util.stream.Collectors.counting())));
            }
        }
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, LoadRun.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Signs alice in to Shiro once (BASIC) and returns the session cookie that carries her from then on. */
    private static String shiroSession(AppServer app) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(app.uri("/public/shiro/users"))
                .header("Authorization", "Basic YWxpY2U6cHc=").build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("Shiro refused alice: " + r.statusCode());
        }
        return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("JSESSIONID="))
                .map(c -> c.split(";", 2)[0]).findFirst()
                .orElseThrow(() -> new IllegalStateException("Shiro made no session: " + r.headers().map()));
    }
}
