package dev.nl3jit.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.sandbox.ApprovalView;
import dev.nl3jit.sandbox.Call;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The lock bound as the README promises it: a lock set in NL3 ends every grant of the user within
 * {@code nl3.lock-recheck} + 1 s, at the two worst moments: right after the grant is recorded (which asked NL3 just
 * before), and right after another engine sharing the store asked NL3 about the user.
 */
class LockBoundIT extends AppTestBase {
    private static final String CHECK = "/nl3/api/v1/accountProtectionCheck";
    /** Time enough for a first call to a cold sandbox on a busy machine: these tests are about the lock, not timeouts. */
    private static final String[] PATIENT = {"nl3.connect-timeout", "2s", "nl3.read-timeout", "5s"};

    private Nl3ApprovalFilter filter(String approvalKey, String... overrides) {
        List<String> all = new java.util.ArrayList<>(List.of(PATIENT));
        all.addAll(List.of(overrides));
        return Fixtures.filter(sandbox, CLOCK, approvalKey, all.toArray(new String[0]));
    }

    /** Each test starts its own application. */
    @Override
    protected AppServer application() {
        return null;
    }

    /**
     * The grant is recorded 1.7 s before the watch's next look at another user holding a grant (erin), with a 4 s
     * interval: a watch that relies on the answer the grant's own check stored for a whole interval, and skips users
     * asked about within the last half interval, looks at alice again only 5.3 s or more after the grant: past the bound.
     */
    @Test
    void aLockRightAfterTheGrantIsRecordedEndsItWithinTheIntervalPlusASecond() throws Exception {
        Duration interval = Duration.ofSeconds(4);
        app = AppServer.start(new AppServer.Mapping("nl3-admin", filter("ADMIN_ACCESS", "nl3.lock-recheck", "4s"),
                List.of("/admin/*", "/nl3-approval/*")));
        Client erin = Client.as("erin");
        approveAndAwait("erin", erin.get(app.uri("/admin/users")).location(), null);
        assertEquals(200, erin.get(app.uri("/admin/users")).status());
        Client alice = Client.as("alice");
        String location = alice.get(app.uri("/admin/users")).location();
        String requestId = pendingOf("alice").requestId();

        // The watch's rhythm, seen from NL3: its next lock check of erin.
        sandbox.clearCalls();
        long erinChecked = awaitCheckOf("erin", interval.multipliedBy(2));
        sleepUntil(erinChecked + interval.toNanos() - Duration.ofMillis(1700).toNanos());

        sandbox.approve(requestId, "bob");
        assertEquals("APPROVED", awaitStatus(alice, location).get("approvalStatus"));
        assertEquals(200, alice.get(app.uri("/admin/users")).status(), "the grant is recorded");
        long ms = lockAndAwaitRefusal("alice", "/admin/users");
        System.out.println("lock right after the grant: refused " + ms + " ms after the lock (nl3.lock-recheck=4s)");
        assertTrue(ms <= interval.toMillis() + 1000, "the grant outlived the lock by " + ms + " ms, more than "
                + interval.toMillis() + " ms + 1 s");
    }

    /**
     * Another engine of the same store (the payments filter, {@code nl3.lock-recheck=1h}) asks NL3 about alice as it
     * records her payments grant; the lock comes right after. The admin engine (2 s) must not rely on that answer for
     * the other engine's hour: both grants end within 2 s + 1 s.
     */
    @Test
    void aLockRightAfterAnotherEngineOfTheStoreAskedEndsEveryGrantWithinTheIntervalPlusASecond() throws Exception {
        Duration interval = Duration.ofSeconds(2);
        app = AppServer.start(
                new AppServer.Mapping("nl3-admin", filter("ADMIN_ACCESS", "nl3.lock-recheck", "2s"),
                        List.of("/admin/*", "/nl3-approval/*")),
                new AppServer.Mapping("nl3-payments", filter("PAYMENT_APPROVAL", "nl3.lock-recheck", "1h",
                        "nl3.grant-uses", "unlimited"), List.of("/payments/*")));
        Client alice = Client.as("alice");
        approveAndAwait("alice", alice.get(app.uri("/admin/users")).location(), null);
        assertEquals(200, alice.get(app.uri("/admin/users")).status());

        String payments = alice.get(app.uri("/payments/list")).location();
        sandbox.clearCalls();
        approveAndAwait("alice", payments, "Bob Approver");
        assertTrue(sandbox.calls().stream().anyMatch(c -> c.path().equals(CHECK) && "alice".equals(c.subject())),
                "the payments engine asked NL3 about alice before recording her grant");
        assertEquals(200, alice.get(app.uri("/payments/list")).status(), "the payments grant is recorded");

        long ms = lockAndAwaitRefusal("alice", "/admin/users");
        System.out.println("lock right after another engine's check: refused " + ms + " ms after the lock (nl3.lock-recheck=2s)");
        assertTrue(ms <= interval.toMillis() + 1000, "the grant outlived the lock by " + ms + " ms, more than "
                + interval.toMillis() + " ms + 1 s");
        assertEquals(403, alice.get(app.uri("/payments/list")).status(), "the other engine's grant ended too");
    }

    /** bob approves (signs, with a signature) the user's pending request; waits until the grant is recorded. */
    private void approveAndAwait(String user, String location, String signature) {
        sandbox.approve(pendingOf(user).requestId(), "bob", null, signature);
        assertEquals("APPROVED", awaitStatus(Client.as(user), location).get("approvalStatus"));
    }

    private ApprovalView pendingOf(String user) {
        return sandbox.pendingRequests().stream().filter(r -> r.requester().equals(user)).findFirst()
                .orElseThrow(() -> new AssertionError("no pending request of " + user));
    }

    private java.util.Map<String, Object> awaitStatus(Client c, String location) {
        Client.Response r = c.get(app.uri("/nl3-approval/status?p=" + Fixtures.ticket(location) + "&wait=5"), "Accept",
                "application/json");
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    /** Waits for NL3 to see a lock check of {@code user}; the {@link System#nanoTime()} at which it was made. */
    private long awaitCheckOf(String user, Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            for (Call c : sandbox.calls()) {
                if (c.path().equals(CHECK) && user.equals(c.subject())) {
                    long ago = Math.max(0, Duration.between(c.at(), CLOCK.instant()).toNanos());
                    return System.nanoTime() - ago;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no lock check of " + user + " within " + within);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }

    /** Locks {@code user} in NL3 and asks for {@code path} every 50 ms until refused: how long that took, in ms. */
    private long lockAndAwaitRefusal(String user, String path) throws InterruptedException {
        Client c = Client.as(user);
        sandbox.lock(user);
        long start = System.nanoTime();
        int status = 200;
        while (status == 200 && System.nanoTime() - start < 10_000_000_000L) {
            Thread.sleep(50);
            status = c.get(app.uri(path)).status();
        }
        assertEquals(403, status, "the grant never ended");
        return (System.nanoTime() - start) / 1_000_000;
    }
}
