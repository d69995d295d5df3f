package dev.nl3jit.filter;

import dev.nl3jit.sandbox.MovableClock;
import dev.nl3jit.sandbox.Sandbox;
import java.util.List;

/**
 * Serves the same servlet three times for a load run (see BENCHMARKS.md and {@code benchmarks/grant-path.sh}):
 * {@code /public/*} without the filter, {@code /payments/*} behind a filter that does nothing but pass the request on
 * (the floor for any filter), and {@code /admin/*} behind this filter, with a live grant for alice, so the difference
 * is the filter's grant path. The background lock re-check runs every second meanwhile (its fastest),
 * so its cost is in the figure. Not a test; run it with {@code java -cp ... dev.nl3jit.filter.LoadRun} and point
 * wrk at the printed URLs; it stops at end of input and prints the NL3 calls made during the run, by endpoint.
 */
public final class LoadRun {
    private LoadRun() {
    }

    /**
     * Apache Shiro 2's filter as an application would set it up: a realm with alice, {@code authcBasic} on the path, the
     * subject kept in the HTTP session once signed in.
     */
    static final class ShiroGate extends org.apache.shiro.web.servlet.AbstractShiroFilter {
        static ShiroGate create() {
            org.apache.shiro.realm.SimpleAccountRealm realm = new org.apache.shiro.realm.SimpleAccountRealm("demo");
            realm.addAccount("alice", "pw");
            org.apache.shiro.web.filter.mgt.DefaultFilterChainManager chains = new org.apache.shiro.web.filter.mgt.DefaultFilterChainManager();
            chains.createChain("/public/shiro/**", "authcBasic");
            org.apache.shiro.web.filter.mgt.PathMatchingFilterChainResolver resolver =
                    new org.apache.shiro.web.filter.mgt.PathMatchingFilterChainResolver();
            resolver.setFilterChainManager(chains);
            ShiroGate gate = new ShiroGate();
            gate.setSecurityManager(new org.apache.shiro.web.mgt.DefaultWebSecurityManager(realm));
            gate.setFilterChainResolver(resolver);
            return gate;
        }
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
    static void serve(ApprovalStore store, MovableClock clock, Runnable granted) throws Exception {
        try (Sandbox sandbox = Sandbox.builder().clock(clock).port(0).start();
                AppServer app = AppServer.start(new AppServer.Mapping("nl3-admin", new Nl3ApprovalFilter(
                        Nl3Settings.fromMap(Fixtures.settings(sandbox, "ADMIN_ACCESS", "nl3.grant-duration", "7d",
                                "nl3.lock-recheck", "1s")), store, UsernameMapper.PRINCIPAL_NAME, clock, event -> { }),
                        List.of("/admin/*", "/nl3-approval/*")), new AppServer.Mapping("no-op", new NoOpFilter(),
                        List.of("/payments/*")), new AppServer.Mapping("shiro", ShiroGate.create(),
                        List.of("/public/shiro/*")))) {
            Client alice = Client.as("alice");
            String pending = alice.get(app.uri("/admin/users")).location();
            sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob");
            alice.get(app.uri("/nl3-approval/status?p=" + Fixtures.ticket(pending) + "&wait=5"), "Accept", "application/json");
            if (alice.get(app.uri("/admin/users")).status() != 200) {
                throw new IllegalStateException("no grant");
            }
            granted.run();
            // Apache Shiro on an authenticated session: signed in once (BASIC), then the session cookie carries it.
            java.net.http.HttpResponse<String> shiro = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(app.uri("/public/shiro/users"))
                            .header("Authorization", "Basic YWxpY2U6cHc=").build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            String cookie = shiro.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("JSESSIONID="))
                    .map(c -> c.split(";", 2)[0]).findFirst().orElseThrow(() -> new IllegalStateException(
                            "Shiro made no session: " + shiro.statusCode() + " " + shiro.headers().map()));
            if (shiro.statusCode() != 200) {
                throw new IllegalStateException("Shiro refused alice: " + shiro.statusCode());
            }
            sandbox.clearCalls();
            System.out.println("unfiltered: " + app.uri("/public/users"));
            System.out.println("granted:    " + app.uri("/admin/users"));
            System.out.println("no-op:      " + app.uri("/payments/users"));
            System.out.println("shiro:      " + app.uri("/public/shiro/users"));
            System.out.println("cookie:     Cookie: " + cookie);
            System.out.println("auth header: Authorization: Basic YWxpY2U6cHc=");
            System.out.println("press Enter to stop");
            System.in.read();
            System.out.println("NL3 calls during the run: " + sandbox.calls().size() + " "
                    + sandbox.calls().stream().collect(java.util.stream.Collectors.groupingBy(c -> c.method() + " " + c.path(),
                            java.util.TreeMap::new, java.util.stream.Collectors.counting())));
        }
    }
}
