package dev.nl3jit.sample.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.filter.Nl3Approvals;
import dev.nl3jit.filter.Nl3Settings;
import dev.nl3jit.sandbox.ApprovalView;
import dev.nl3jit.sandbox.Fault;
import dev.nl3jit.sandbox.Sandbox;
import dev.nl3jit.sandbox.Seed;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The pending page's script in Chromium through every state it can be in: waiting past a long poll, NL3 down and
 * back, approved, rejected, expired, cancelled (on the page and at NL3), and the requester locked while waiting.
 * Three users' browsers run side by side (one window per pending page), so the whole costs about its longest part,
 * the 35 s wait. Each page's status requests are counted from Chrome's network log: a handful each, and none once the
 * page ended, so no state makes a page poll in a loop. Screenshots of each state go to target/screenshots/page-*.png.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PendingPageIT {
    private static final String WAITING = "Waiting for approval\u2026";
    private static final String WAITING_SIGNED = "Waiting for a signed approval\u2026";
    private static final String DEGRADED = "Still trying to reach the approval service\u2026";
    private static final String NL3_REQUEST = "/nl3/api/v1/approvalRequest/";
    /** Payment requests expire this long after they are made, so the expired state comes within the 35 s wait. */
    private static final Duration PAYMENT_TTL = Duration.ofSeconds(20);
    private static Sandbox sandbox;

    @ArquillianResource
    URL url;

    private final List<Browser> browsers = new CopyOnWriteArrayList<>();
    /** Clearing the faults must not clear another state's fault before that state is done with it. */
    private final Object faults = new Object();
    private final long started = System.nanoTime();

    @Deployment(testable = false)
    static WebArchive deployment() {
        Seed seed = Seed.defaults();
        List<Seed.Template> templates = seed.templates().stream().map(t -> !t.approvalKey().equals("PAYMENT_APPROVAL") ? t
                : new Seed.Template(t.approvalKey(), t.type(), t.title(), t.approvalData(), t.defaults(), t.approvers(),
                        PAYMENT_TTL)).toList();
        sandbox = Deployments.startSandbox(null,
                new Seed(seed.companyName(), seed.audience(), seed.applications(), seed.users(), templates));
        return Deployments.packagedWar();
    }

    @AfterAll
    static void stop() {
        Deployments.stop(sandbox);
    }

    @AfterEach
    void quit() {
        browsers.forEach(b -> b.driver.quit());
    }

    @Test
    void thePendingPageThroughEveryState() throws Exception {
        Map<String, Callable<Void>> users = new LinkedHashMap<>();
        users.put("alice: waiting past a long poll, cancelled, rejected, cancelled at NL3, expired, approved", this::alice);
        users.put("erin: NL3 down and back, then approved", this::erin);
        users.put("mallory: locked while waiting", this::mallory);
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(users.size());
        List<Throwable> failures = new ArrayList<>();
        try {
            Map<String, Future<Void>> running = new LinkedHashMap<>();
            users.forEach((name, run) -> running.put(name, pool.submit(run)));
            for (Map.Entry<String, Future<Void>> r : running.entrySet()) {
                try {
                    r.getValue().get(5, TimeUnit.MINUTES);
                } catch (ExecutionException e) {
                    failures.add(new AssertionError(r.getKey() + ": " + e.getCause(), e.getCause()));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("pending page, every state side by side: %.1f s%n", (System.nanoTime() - start) / 1e9);
        if (!failures.isEmpty()) {
            AssertionError all = new AssertionError(failures.size() + " of " + users.size() + " failed: " + failures);
            failures.forEach(all::addSuppressed);
            throw all;
        }
    }

    /**
     * alice waits on the admin page past a long poll; meanwhile, each in a window of its own, a payment she cancels on
     * the page, one the approver rejects, one cancelled at NL3, and one that expires. Then the admin page is approved.
     */
    private Void alice() throws Exception {
        Browser alice = browser("alice");
        alice.signIn("admin/users");
        alice.waitFor(ExpectedConditions.textToBe(By.id("msg"), WAITING));
        long shown = System.nanoTime();
        String admin = alice.pageTicket();
        String adminWindow = alice.driver.getWindowHandle();
        log("alice", "waiting");
        alice.screenshot("page-01-waiting");

        String expiring = alice.pay("EUR 10.00");
        String expiringWindow = alice.driver.getWindowHandle();
        alice.screenshot("page-02-waiting-for-a-signature");

        String cancelled = alice.pay("EUR 20.00");
        alice.driver.findElement(By.cssSelector("#cancel button")).click();
        alice.waitFor(ExpectedConditions.textToBe(By.id("title"), "Request cancelled"));
        assertEquals("CANCELLED", sandbox.request(request("alice", amount("EUR 20.00"))).status());
        alice.screenshot("page-03-cancelled");

        String rejected = alice.pay("EUR 30.00");
        sandbox.reject(request("alice", amount("EUR 30.00")), "bob", "Not to this supplier");
        alice.waitFor(ExpectedConditions.presenceOfElementLocated(By.id("comment")));
        assertEquals("Request rejected", alice.driver.findElement(By.id("title")).getText());
        assertEquals("Not to this supplier", alice.driver.findElement(By.id("comment")).getText());
        alice.screenshot("page-04-rejected");

        String cancelledAtNl3 = alice.pay("EUR 40.00");
        // Another client of alice's cancels at NL3 itself: the page learns it from NL3's status.
        cancelAtNl3("alice", request("alice", amount("EUR 40.00")));
        alice.waitFor(ExpectedConditions.textToBe(By.id("title"), "Request cancelled"));
        alice.screenshot("page-05-cancelled-at-nl3");

        alice.driver.switchTo().window(expiringWindow);
        alice.waitFor(ExpectedConditions.textToBe(By.id("title"), "Request expired"));
        assertEquals("EXPIRED", sandbox.request(request("alice", amount("EUR 10.00"))).status());
        alice.screenshot("page-06-expired");
        log("alice", "payments cancelled, rejected, cancelled at NL3, expired");

        alice.driver.switchTo().window(adminWindow);
        long left = shown + Duration.ofSeconds(35).toNanos() - System.nanoTime();
        if (left > 0) {
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(left) + 1);
        }
        int polls = alice.statusRequests(admin);
        assertTrue(polls >= 2, "after 35 s a long poll (25 s) answered and the next is under way: " + polls + " sent");
        assertEquals(WAITING, alice.driver.findElement(By.id("msg")).getText(), "35 s on the page");
        alice.screenshot("page-07-still-waiting-after-35s");
        log("alice", "still waiting after 35 s");

        sandbox.approve(request("alice", r -> r.templateId().equals("ADMIN_ACCESS")), "bob");
        alice.waitFor(ExpectedConditions.presenceOfElementLocated(By.id("admin-content")));
        alice.screenshot("page-08-approved");
        alice.assertQuietOnceEnded(Map.of(admin, 3, expiring, 2, cancelled, 2, rejected, 2, cancelledAtNl3, 2));
        return null;
    }

    /** A 500 from NL3's status call while waiting: the page says so, then goes back to waiting, then moves on. */
    private Void erin() throws Exception {
        Browser erin = browser("erin");
        erin.signIn("admin/users");
        erin.waitFor(ExpectedConditions.textToBe(By.id("msg"), WAITING));
        String ticket = erin.pageTicket();
        String id = request("erin", r -> r.templateId().equals("ADMIN_ACCESS"));
        sandbox.fault(Fault.on(NL3_REQUEST + id).withStatus(500));
        erin.waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("msg"), DEGRADED));
        log("erin", "NL3 down shown");
        erin.screenshot("page-09-nl3-down");
        synchronized (faults) {
            sandbox.clearFaults();
        }
        assertTrue(sandbox.calls().stream().anyMatch(c -> c.path().equals(NL3_REQUEST + id) && c.status() == 500),
                "the status call failed");
        erin.waitFor(ExpectedConditions.textToBe(By.id("msg"), WAITING));
        log("erin", "back to waiting");
        erin.screenshot("page-10-nl3-back");
        sandbox.approve(id, "bob");
        erin.waitFor(ExpectedConditions.presenceOfElementLocated(By.id("admin-content")));
        erin.assertQuietOnceEnded(Map.of(ticket, 6));
        return null;
    }

    /**
     * mallory waits on two pages when she is locked. An approval that lands while she is locked gives nothing: that
     * page ends on "Not available". The approver can no longer approve the other: it waits until it expires.
     */
    private Void mallory() throws Exception {
        Browser mallory = browser("mallory");
        mallory.signIn("admin/users");
        mallory.waitFor(ExpectedConditions.textToBe(By.id("msg"), WAITING));
        String admin = mallory.pageTicket();
        String adminWindow = mallory.driver.getWindowHandle();
        String adminId = request("mallory", r -> r.templateId().equals("ADMIN_ACCESS"));
        String payment = mallory.pay("EUR 50.00");
        String paymentId = request("mallory", amount("EUR 50.00"));
        synchronized (faults) {
            // The filter does not see the approval before the lock: its status calls fail until both are done.
            sandbox.fault(Fault.on(NL3_REQUEST + adminId).withStatus(500).times(10));
            sandbox.approve(adminId, "bob");
            sandbox.lock("mallory");
        }
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> sandbox.approve(paymentId, "bob", null, "Bob Approver"));
        assertTrue(refused.getMessage().contains("requester's account is locked"), refused.getMessage());
        assertEquals("Approval required", mallory.driver.findElement(By.id("title")).getText(), "still waiting");
        mallory.screenshot("page-11-locked-still-waiting");

        mallory.driver.switchTo().window(adminWindow);
        mallory.waitFor(ExpectedConditions.textToBe(By.id("title"), "Not available"));
        log("mallory", "approved while locked: not available");
        mallory.screenshot("page-12-approved-while-locked");

        mallory.driver.switchTo().window(mallory.windowOf(payment));
        mallory.waitFor(ExpectedConditions.textToBe(By.id("title"), "Request expired"));
        log("mallory", "locked, then expired");
        mallory.screenshot("page-13-locked-then-expired");
        mallory.assertQuietOnceEnded(Map.of(admin, 5, payment, 2));
        return null;
    }

    /** One user's Chromium, one window per pending page, and the status requests each page sent. */
    private final class Browser {
        final String user;
        final WebDriver driver = Browsers.start(true);
        final List<String> sent = new ArrayList<>();
        final Map<String, String> windows = new LinkedHashMap<>();

        Browser(String user) {
            this.user = user;
        }

        void signIn(String page) {
            driver.get(app() + page);
            waitFor(ExpectedConditions.presenceOfElementLocated(By.id("username"))).sendKeys(user);
            driver.findElement(By.id("password")).sendKeys("pw");
            driver.findElement(By.id("signin")).click();
        }

        <T> T waitFor(java.util.function.Function<? super WebDriver, T> condition) {
            // Generous: on a loaded machine a browser can take its time; a passing run never waits this long.
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(50));
            wait.ignoring(StaleElementReferenceException.class);
            return wait.until(condition);
        }

        /** In a new window, sends the payment form with {@code amount}; returns the ticket of its pending page. */
        String pay(String amount) {
            driver.switchTo().newWindow(WindowType.WINDOW);
            driver.get(app() + "payments");
            waitFor(ExpectedConditions.presenceOfElementLocated(By.id("amount"))).clear();
            driver.findElement(By.id("amount")).sendKeys(amount);
            driver.findElement(By.id("send")).click();
            waitFor(ExpectedConditions.textToBe(By.id("msg"), WAITING_SIGNED));
            return pageTicket();
        }

        /** The ticket of the pending page in the current window. */
        String pageTicket() {
            String location = driver.getCurrentUrl();
            assertTrue(location.contains("/nl3-approval?p="), location);
            String ticket = location.substring(location.indexOf("p=") + 2);
            windows.put(ticket, driver.getWindowHandle());
            return ticket;
        }

        String windowOf(String ticket) {
            return windows.get(ticket);
        }

        /** The status requests the page of {@code ticket} sent so far. */
        int statusRequests(String ticket) {
            sent.addAll(Browsers.requests(driver));
            return (int) sent.stream().filter(u -> u.contains("/nl3-approval/status?p=" + ticket + "&")).count();
        }

        /**
         * Every page ended having sent at most its number of status requests, and none sends another: a second later
         * the counts are the same.
         */
        void assertQuietOnceEnded(Map<String, Integer> most) throws InterruptedException {
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (Map.Entry<String, Integer> m : most.entrySet()) {
                int n = statusRequests(m.getKey());
                assertTrue(n >= 1 && n <= m.getValue(), user + ": " + n + " status requests from one page (at most "
                        + m.getValue() + ")");
                counts.put(m.getKey(), n);
            }
            Thread.sleep(1000);
            for (String ticket : most.keySet()) {
                assertEquals(counts.get(ticket), statusRequests(ticket), user + ": status requests after the page ended");
            }
        }

        void screenshot(String name) {
            Browsers.screenshot(driver, name);
        }
    }

    private Browser browser(String user) {
        Browser b = new Browser(user);
        browsers.add(b);
        log(user, "browser started");
        return b;
    }

    private void log(String who, String what) {
        System.out.printf("%6.1f s %s: %s%n", (System.nanoTime() - started) / 1e9, who, what);
    }

    private String app() {
        return "http://localhost:" + url.getPort() + (url.getPath().endsWith("/") ? url.getPath() : url.getPath() + "/");
    }

    private static Predicate<ApprovalView> amount(String amount) {
        return r -> amount.equals(r.metaData().get("amount"));
    }

    /** The id of the one request of {@code requester} that matches. */
    private static String request(String requester, Predicate<ApprovalView> which) {
        List<String> ids = sandbox.requests().stream().filter(r -> r.requester().equals(requester)).filter(which)
                .map(ApprovalView::requestId).toList();
        assertEquals(1, ids.size(), "requests of " + requester + ": " + ids);
        return ids.get(0);
    }

    /** NL3's cancel, called as the requester with a token of the application (as any client of theirs may). */
    private static void cancelAtNl3(String requester, String requestId) throws Exception {
        Nl3Settings settings = Nl3Settings.builder().set("nl3.signing-key", sandbox.signingKey())
                .set("nl3.app-uri", sandbox.issuer()).set("nl3.api-base-url", sandbox.baseUri().toString()).build();
        String token;
        try (Nl3Approvals nl3 = Nl3Approvals.create(settings)) {
            token = nl3.tokenMinter().mint(requester);
        }
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(sandbox.baseUri() + NL3_REQUEST + requestId + "/cancel")).header("x-nl3-authorization-token", token)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
    }
}
