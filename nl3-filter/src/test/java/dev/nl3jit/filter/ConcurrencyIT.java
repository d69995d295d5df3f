package dev.nl3jit.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.sandbox.Call;
import dev.nl3jit.sandbox.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ConcurrencyIT extends AppTestBase {

    private List<Client.Response> concurrently(int n, java.util.concurrent.Callable<Client.Response> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Client.Response>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return call.call();
                }));
            }
            go.countDown();
            List<Client.Response> out = new ArrayList<>();
            for (Future<Client.Response> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void fiftyConcurrentFirstRequestsCreateExactlyOneApprovalRequest() throws Exception {
        // A small delay on NL3 widens the window in which the requests overlap.
        sandbox.fault(Fault.on("/nl3/api/v1/approvalRequest").withDelay(Duration.ofMillis(300)).times(1));
        List<Client.Response> responses = concurrently(50, () -> Client.as("alice").get(app.uri("/admin/users")));
        Set<String> locations = new HashSet<>();
        for (Client.Response r : responses) {
            assertEquals(303, r.status(), r.body());
            locations.add(r.location());
        }
        assertEquals(1, locations.size(), "every request was sent to the same pending page");
        assertEquals(1, sandbox.requests().size(), "approval requests created");
        long creates = sandbox.calls().stream().filter(c -> c.path().equals("/nl3/api/v1/approvalRequest")).count();
        assertEquals(1, creates);
    }

    @Test
    void manyWaitersShareOneStatusCallPerPollInterval() throws Exception {
        String location = Client.as("alice").get(app.uri("/admin/users")).location();
        String ticket = Fixtures.ticket(location);
        sandbox.clearCalls();
        long start = System.nanoTime();
        // 20 long polls of 2 s each for the same pending request, while nobody decides.
        List<Client.Response> responses = concurrently(20, () -> Client.as("alice")
                .get(app.uri("/nl3-approval/status?p=" + ticket + "&wait=2"), "Accept", "application/json"));
        double seconds = (System.nanoTime() - start) / 1e9;
        for (Client.Response r : responses) {
            assertEquals("PENDING", r.json().get("approvalStatus"));
        }
        long statusCalls = sandbox.calls().stream().filter(c -> c.path().startsWith("/nl3/api/v1/approvalRequest/")).count();
        // Poll interval 200 ms: at most one call per interval over the whole run (+1 for the first).
        long allowed = (long) Math.ceil(seconds / 0.2) + 1;
        assertTrue(statusCalls <= allowed, statusCalls + " status calls in " + seconds + " s (allowed " + allowed + ")");
        assertTrue(statusCalls >= 2, "the status was polled at all: " + statusCalls);
        for (Call c : sandbox.calls()) {
            assertEquals("alice", c.subject());
        }
    }

    @Test
    void longPollsWaitWithoutHoldingRequestThreads() throws Exception {
        app.close();
        // Few request threads: if each waiting page held one, an ordinary request would queue behind them.
        app = AppServer.start(12, new AppServer.Mapping("nl3-admin", Fixtures.filter(sandbox, CLOCK, "ADMIN_ACCESS"),
                java.util.List.of("/admin/*", "/nl3-approval/*")));
        String ticket = Fixtures.ticket(Client.as("alice").get(app.uri("/admin/users")).location());
        java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(30);
        try {
            List<Future<Client.Response>> polls = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                polls.add(pool.submit(() -> {
                    Client.Response r = Client.as("alice").get(app.uri("/nl3-approval/status?p=" + ticket + "&wait=4"),
                            "Accept", "application/json");
                    answered.incrementAndGet();
                    return r;
                }));
            }
            Thread.sleep(500);
            Client.Response ordinary = Client.as("bob").get(app.uri("/public/ping"));
            assertEquals(200, ordinary.status());
            assertEquals(0, answered.get(), "an ordinary request had to wait for the long polls to give threads back");
            sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob");
            for (Future<Client.Response> f : polls) {
                assertEquals("APPROVED", f.get().json().get("approvalStatus"));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
