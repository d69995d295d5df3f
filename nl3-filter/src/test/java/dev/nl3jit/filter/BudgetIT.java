package dev.nl3jit.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.sandbox.Call;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The NL3 budget over real HTTP, counted where NL3 receives the calls: every call counts, the limit holds in every
 * second, and a user's own first request is served while waiting pages want far more status checks than it allows.
 */
class BudgetIT extends AppTestBase {
    /**
     * The budget counts calls as they are sent; the sandbox as they arrive, and on a loaded machine two calls sent a second
     * apart can arrive 100 ms and more closer (threads, GC): the window counted is 800 ms.
     */
    private static final Duration WINDOW = Duration.ofMillis(800);

    @Override
    protected AppServer application() throws Exception {
        return AppServer.start(new AppServer.Mapping("nl3-admin", Fixtures.filter(sandbox, CLOCK, "ADMIN_ACCESS",
                "nl3.max-status-calls", "10", "nl3.grant-scope", "request", "nl3.parameters", "id",
                "nl3.max-entries-per-user", "40", "nl3.request-limit", "100/1d"), List.of("/admin/*", "/nl3-approval/*")));
    }

    @Test
    void everyCallCountsTheLimitHoldsInEverySecondAndUsersComeFirst() throws Exception {
        Client alice = Client.as("alice");
        List<String> locations = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            Client.Response r = alice.get(app.uri("/admin/users?id=" + i), "Accept", "application/json");
            assertEquals(202, r.status(), "approval request " + i + ": " + r.body());
            locations.add(r.location());
        }
        ExecutorService pages = Executors.newFixedThreadPool(25);
        try {
            // 25 waiting pages would like a status check every 200 ms each: 125 a second, against a budget of 10.
            List<CompletableFuture<Client.Response>> polls = new ArrayList<>();
            for (String location : locations) {
                polls.add(CompletableFuture.supplyAsync(() -> alice.get(app.uri(location.substring("/app".length())
                        + "&wait=4"), "Accept", "application/json"), pages));
            }
            Thread.sleep(1500);
            Client dave = Client.as("dave");
            Client.Response first = dave.get(app.uri("/admin/users?id=dave"), "Accept", "application/json");
            assertEquals(202, first.status(), "a user's first request is served while pages wait: " + first.body());
            for (CompletableFuture<Client.Response> p : polls) {
                assertEquals(200, p.get().status());
            }
        } finally {
            pages.shutdownNow();
        }
        long creates = sandbox.callCount(Call.Kind.APPROVAL_REQUEST);
        long statuses = sandbox.callCount(Call.Kind.STATUS);
        assertEquals(26, creates, "alice's 25 and dave's");
        assertTrue(statuses >= 10, "the pages' checks were made: " + statuses);
        int busiest = sandbox.busiestWindow(WINDOW);
        System.out.println("BudgetIT: busiest 1000 ms " + sandbox.busiestWindow(Duration.ofSeconds(1)) + ", 900 ms "
                + sandbox.busiestWindow(Duration.ofMillis(900)) + ", 800 ms " + busiest + "; status 1000 ms "
                + sandbox.busiestWindow(Duration.ofSeconds(1), Call.Kind.STATUS) + "; calls " + sandbox.callCount());
        assertTrue(busiest <= 10, busiest + " NL3 calls (all kinds) within 800 ms with nl3.max-status-calls=10");
        int busiestStatus = sandbox.busiestWindow(WINDOW, Call.Kind.STATUS);
        assertTrue(busiestStatus <= 9, busiestStatus + " status checks within 800 ms: a tenth is kept for users' own calls");
    }
}
