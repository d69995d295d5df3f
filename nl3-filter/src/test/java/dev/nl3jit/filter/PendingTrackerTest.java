package dev.nl3jit.filter;

import dev.nl3jit.filter.internal.store.Ledger;
import dev.nl3jit.filter.internal.store.StoredApproval;

import dev.nl3jit.filter.internal.engine.Events;
import dev.nl3jit.filter.internal.engine.FailureLog;
import dev.nl3jit.filter.internal.store.Grant;

import dev.nl3jit.filter.internal.nl3.Nl3Client;
import dev.nl3jit.filter.internal.nl3.Nl3Failure;
import dev.nl3jit.filter.internal.nl3.Nl3Http;
import dev.nl3jit.filter.internal.engine.PendingTracker;
import dev.nl3jit.filter.internal.engine.Tickets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.sandbox.Fault;
import dev.nl3jit.sandbox.MovableClock;
import dev.nl3jit.sandbox.Sandbox;
import dev.nl3jit.sandbox.SandboxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pending tracking without a servlet container: the real NL3 client against the sandbox over HTTP, a movable clock. */
class PendingTrackerTest {
    private static final MovableClock CLOCK = new MovableClock();

    @RegisterExtension
    static SandboxExtension nl3 = new SandboxExtension().withClock(CLOCK);

    private Sandbox sandbox;
    private Nl3Http http;
    private Nl3Client client;
    private Ledger store;
    private final List<ApprovalEvent> events = new ArrayList<>();
    private PendingTracker tracker;

    @BeforeEach
    void setUp() {
        sandbox = nl3.sandbox();
        CLOCK.resetOffset();
        Nl3Settings settings = Nl3Settings.fromMap(Fixtures.settings(sandbox, "ADMIN_ACCESS", "nl3.poll-interval", "1s"));
        http = Nl3Client.newHttp(settings);
        client = new Nl3Client(settings, new TokenMinter(settings, CLOCK), http);
        store = Ledger.inMemory(100, 10, CLOCK);
        tracker = new PendingTracker(store, client, CLOCK, settings.pollInterval(),
                settings.connectTimeout().plus(settings.readTimeout()), new Events(events::add, CLOCK),
                PendingTracker.GrantCheck.ALWAYS, new FailureLog(settings));
    }

    @AfterEach
    void tearDown() {
        http.close();
    }

    /** A real approval request at the sandbox, remembered as the gate would remember it. */
    private StoredApproval requested(String user) throws Nl3Failure {
        return requested(user, "");
    }

    /** As {@link #requested(String)}, under its own grant scope, so one user can hold several. */
    private StoredApproval requested(String user, String scope) throws Nl3Failure {
        Nl3Client.Created created = client.create(user, "ADMIN_ACCESS", List.of(), Map.of("requester", user),
                new Nl3Client.Device("127.0.0.1", "test"));
        Instant now = CLOCK.instant();
        StoredApproval p = StoredApproval.create(d -> {
            d.ticket = Tickets.next(Tickets.tag("test"));
            d.key = new GrantKey(user, "ADMIN_ACCESS", scope);
            d.requestId = created.requestId();
            d.approvalType = created.approvalType();
            d.createdAt = now;
            d.expiresAt = now.plus(Duration.ofMinutes(10));
            d.method = "GET";
            d.target = "/admin/users";
            d.grantFor = Duration.ofMinutes(15);
        });
        store.putPending(p);
        return p;
    }

    /** A tracker whose NL3 client has a budget of {@code perSecond} calls. */
    private PendingTracker budgeted(int perSecond) {
        Nl3Settings settings = Nl3Settings.fromMap(Fixtures.settings(sandbox, "ADMIN_ACCESS", "nl3.max-status-calls",
                String.valueOf(perSecond)));
        Nl3Client own = new Nl3Client(settings, new TokenMinter(settings, CLOCK), http, null,
                new dev.nl3jit.filter.internal.nl3.Nl3Budget(perSecond));
        return new PendingTracker(store, own, CLOCK, Duration.ofSeconds(1), Duration.ofSeconds(2),
                new Events(events::add, CLOCK), PendingTracker.GrantCheck.ALWAYS, new FailureLog(settings));
    }

    private long statusCalls() {
        return sandbox.calls().stream().filter(c -> c.method().equals("GET") && c.path().contains("/approvalRequest/")).count();
    }

    @Test
    void aWatchedTicketIsCheckedEvery200msWhileTheBudgetAllows() {
        PendingTracker budgeted = budgeted(10);
        assertEquals(Duration.ofSeconds(1), budgeted.interval("t0"), "nobody waits: the poll interval");
        budgeted.watch("t0");
        assertEquals(Duration.ofMillis(200), budgeted.interval("t0"), "a long poll waits: 200 ms");
        for (int i = 1; i < 10; i++) {
            budgeted.watch("t" + i);
        }
        // 10 watched tickets of one age, 10 calls a second of which status checks get 9 (one kept for users' own
        // calls), paced at 90 %: each every 10 / 8.1 s.
        assertEquals(1234, budgeted.interval("t0").toMillis());
        assertEquals(Duration.ofSeconds(1), budgeted.interval("other"), "an unwatched ticket keeps the poll interval");
        for (int i = 0; i < 10; i++) {
            budgeted.unwatch("t" + i);
        }
        assertEquals(0, budgeted.watchedTickets());
        assertEquals(Duration.ofSeconds(1), budgeted.interval("t0"));
    }

    @Test
    void aFreshTicketIsCheckedMoreOftenThanAnOldOneWhenTheBudgetIsShort() throws Exception {
        PendingTracker budgeted = budgeted(10);
        StoredApproval old = requested("alice", "old");
        CLOCK.advance(Duration.ofSeconds(80));
        StoredApproval fresh = requested("alice", "fresh");
        budgeted.watch(old);
        budgeted.watch(fresh);
        for (int i = 0; i < 50; i++) {
            budgeted.watch("other" + i); // unknown age: weighs as fresh
        }
        Duration oldEvery = budgeted.interval(old.ticket());
        Duration freshEvery = budgeted.interval(fresh.ticket());
        // Weights 1/sqrt(80) and 1/sqrt(5): the fresh ticket gets four times the old one's share of the 8.1 calls a second
        // (the clock also moves with real time, here a fraction of a second: the old ticket is that much older).
        assertEquals(4.0, oldEvery.toNanos() / (double) freshEvery.toNanos(), 0.05);
        double perSecond = 0;
        for (String t : List.of(old.ticket(), fresh.ticket())) {
            perSecond += 1e9 / budgeted.interval(t).toNanos();
        }
        for (int i = 0; i < 50; i++) {
            perSecond += 1e9 / budgeted.interval("other" + i).toNanos();
        }
        assertEquals(8.1, perSecond, 0.1, "together they use 90 % of what status checks may use");
    }

    @Test
    void statusCallsNeverExceedTheBudget() throws Exception {
        PendingTracker budgeted = budgeted(4);
        List<StoredApproval> tickets = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            tickets.add(requested("alice", "t" + i));
        }
        sandbox.clearCalls();
        long start = System.nanoTime();
        for (int round = 0; round < 5; round++) {
            CLOCK.advance(Duration.ofSeconds(2)); // every ticket is due again
            for (StoredApproval p : tickets) {
                assertEquals(ApprovalStatus.PENDING, budgeted.refresh(p).status());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long calls = statusCalls();
        // 4 a second in every second, no burst: 40 checks were due. Counted where they arrive, in real time; arrivals of
        // calls sent a second apart may be closer by the machine's jitter, so the window counted is 800 ms.
        assertTrue(calls >= 4, "the budget was not used: " + calls);
        assertTrue(calls <= Math.ceil(4 * seconds) + 4, calls + " status calls in " + seconds + " s with a budget of 4 a second");
        int busiest = sandbox.busiestWindow(Duration.ofMillis(800));
        assertTrue(busiest <= 4, busiest + " status calls within 800 ms with a budget of 4 a second");
    }

    @Test
    void asksNl3AtMostOncePerPollInterval() throws Exception {
        StoredApproval p = requested("alice");
        assertEquals(ApprovalStatus.PENDING, tracker.refresh(p).status());
        assertEquals(ApprovalStatus.PENDING, tracker.refresh(p).status());
        assertEquals(1, statusCalls(), "the second refresh within the interval asked NL3 again");
        CLOCK.advance(Duration.ofMillis(1001));
        tracker.refresh(p);
        assertEquals(2, statusCalls());
    }

    @Test
    void concurrentRefreshesOfOneTicketShareOneCall() throws Exception {
        StoredApproval p = requested("alice");
        sandbox.fault(Fault.on("/nl3/api/v1/approvalRequest/").withDelay(Duration.ofMillis(300)));
        ExecutorService waiters = Executors.newFixedThreadPool(10);
        try {
            List<Future<StoredApproval>> all = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                all.add(waiters.submit(() -> tracker.refresh(p)));
            }
            for (Future<StoredApproval> f : all) {
                assertEquals(ApprovalStatus.PENDING, f.get(5, TimeUnit.SECONDS).status());
            }
        } finally {
            waiters.shutdownNow();
        }
        assertEquals(1, statusCalls());
        assertEquals(0, tracker.running(), "no per-ticket state outlives the call");
    }

    @Test
    void approvalRecordsTheGrantFromTheMomentOfApproval() throws Exception {
        StoredApproval p = requested("alice");
        sandbox.approve(p.requestId(), "bob");
        StoredApproval approved = tracker.refresh(p);
        assertEquals(ApprovalStatus.APPROVED, approved.status());
        Grant grant = store.peekGrant(p.key()).orElseThrow();
        assertEquals(approved.decidedAt().plus(Duration.ofMinutes(15)), grant.until());
        assertEquals(Grant.UNLIMITED, grant.usesLeft(), "an Approve template's grant is bounded by its duration only");
        assertEquals(List.of(ApprovalEvent.Kind.APPROVED), events.stream().map(ApprovalEvent::kind).toList());
        int calls = sandbox.calls().size();
        assertEquals(ApprovalStatus.APPROVED, tracker.refresh(p).status());
        assertEquals(calls, sandbox.calls().size(), "a final status is never asked again");
    }

    @Test
    void rejectionKeepsTheComment() throws Exception {
        StoredApproval p = requested("alice");
        sandbox.reject(p.requestId(), "bob", "not during the freeze");
        StoredApproval rejected = tracker.refresh(p);
        assertEquals(ApprovalStatus.REJECTED, rejected.status());
        assertEquals("not during the freeze", rejected.comment());
        assertTrue(store.peekGrant(p.key()).isEmpty());
    }

    @Test
    void expiresWithoutAskingNl3WhenTheApplicationStopsWaiting() throws Exception {
        StoredApproval p = requested("alice");
        long before = statusCalls();
        CLOCK.advance(Duration.ofMinutes(11));
        assertEquals(ApprovalStatus.EXPIRED, tracker.refresh(p).status());
        assertEquals(before, statusCalls());
        assertEquals(ApprovalEvent.Kind.EXPIRED, events.get(0).kind());
    }

    @Test
    void aFailedCallIsThrownAndNotRepeatedWithinTheInterval() throws Exception {
        StoredApproval p = requested("alice");
        sandbox.fault(Fault.on("/nl3/api/v1/approvalRequest/").withStatus(503));
        assertThrows(Nl3Failure.class, () -> tracker.refresh(p));
        assertEquals(ApprovalStatus.PENDING, tracker.refresh(p).status(), "the failed check counts for the interval");
        assertEquals(1, statusCalls());
    }

    @Test
    void longPollReturnsAsSoonAsTheApproverDecides() throws Exception {
        StoredApproval p = requested("alice");
        ExecutorService approver = Executors.newSingleThreadExecutor();
        try {
            approver.submit(() -> {
                Thread.sleep(300);
                CLOCK.advance(Duration.ofSeconds(1));
                return sandbox.approve(p.requestId(), "bob");
            });
            StoredApproval decided = tracker.awaitDecision(p, Duration.ofSeconds(10));
            assertEquals(ApprovalStatus.APPROVED, decided.status());
        } finally {
            approver.shutdownNow();
        }
    }

    @Test
    void eachFinalStateIsAuditedAsTheEventItNames() throws Exception {
        StoredApproval approved = requested("alice", "a");
        StoredApproval rejected = requested("alice", "r");
        StoredApproval cancelled = requested("alice", "c");
        StoredApproval expired = requested("alice", "e");
        sandbox.approve(approved.requestId(), "bob");
        sandbox.reject(rejected.requestId(), "bob", "not now");
        // Cancelled at NL3 by another client of alice's: the tracker learns it from NL3's status.
        client.cancel("alice", cancelled.requestId());
        for (StoredApproval p : List.of(approved, rejected, cancelled, expired)) {
            if (p == expired) {
                CLOCK.advance(Duration.ofMinutes(11));
            }
            ApprovalStatus status = tracker.refresh(p).status();
            assertTrue(status.isFinal(), status.name());
            ApprovalEvent event = events.get(events.size() - 1);
            assertEquals(status.auditKind(), event.kind(), status.name());
            assertEquals(p.requestId(), event.requestId());
            assertEquals(status == ApprovalStatus.REJECTED ? "not now" : null, event.detail(), status.name());
        }
        assertEquals(List.of(ApprovalStatus.APPROVED, ApprovalStatus.REJECTED, ApprovalStatus.CANCELLED, ApprovalStatus.EXPIRED),
                List.of(approved, rejected, cancelled, expired).stream()
                        .map(p -> store.pendingByTicket(p.ticket()).orElseThrow().status()).toList());
        assertEquals(List.of(ApprovalEvent.Kind.APPROVED, ApprovalEvent.Kind.REJECTED, ApprovalEvent.Kind.EXPIRED,
                ApprovalEvent.Kind.EXPIRED), events.stream().map(ApprovalEvent::kind).toList(),
                "a cancellation is audited as EXPIRED: the request ended before a decision");
    }

    @Test
    void everyFinalStateHasTheTextItsPageShowsAndItsAuditEvent() {
        for (ApprovalStatus s : ApprovalStatus.values()) {
            assertEquals(s.isFinal(), s.pageText() != null, s.name());
            assertEquals(s.isFinal(), s.auditKind() != null, s.name());
            assertEquals(s.isFinal() ? s.pageText() : null, ApprovalStatus.pageTexts().get(s.name()), s.name());
        }
        assertFalse(ApprovalStatus.PENDING.isFinal());
    }

    @Test
    void aPagesLongPollEndsWhenNl3StartsOrStopsFailingAndNotWhileItKeepsFailing() throws Exception {
        StoredApproval p = requested("alice");
        sandbox.fault(Fault.on("/nl3/api/v1/approvalRequest/" + p.requestId()).withStatus(500));
        long start = System.nanoTime();
        assertThrows(Nl3Failure.class, () -> tracker.awaitDecision(p, Duration.ofSeconds(30), true));
        long down = System.nanoTime() - start;
        assertTrue(down < TimeUnit.SECONDS.toNanos(15), "the wait of 30 s ended when NL3 began failing: " + down / 1e9 + " s");
        StoredApproval failing = store.pendingByTicket(p.ticket()).orElseThrow();
        assertTrue(PendingTracker.failingShown(failing, false), "the ticket remembers the failure");

        assertWaitsItsCourse(() -> tracker.awaitDecision(failing, Duration.ofSeconds(1), true), "still failing");

        sandbox.clearFaults();
        start = System.nanoTime();
        StoredApproval back = tracker.awaitDecision(store.pendingByTicket(p.ticket()).orElseThrow(), Duration.ofSeconds(30), true);
        long up = System.nanoTime() - start;
        assertEquals(ApprovalStatus.PENDING, back.status());
        assertFalse(PendingTracker.failingShown(back, false));
        assertTrue(up < TimeUnit.SECONDS.toNanos(15), "the wait of 30 s ended when NL3 answered again: " + up / 1e9 + " s");

        // Without asking for it (the library's API), only a decision or the end of the wait ends it.
        sandbox.fault(Fault.on("/nl3/api/v1/approvalRequest/" + p.requestId()).withStatus(500));
        assertWaitsItsCourse(() -> tracker.awaitDecision(back, Duration.ofSeconds(1)), "the library's own wait");
    }

    private interface Wait {
        StoredApproval run() throws Nl3Failure;
    }

    /** The wait of 1 s ends with NL3 failing (thrown, or the ticket says so) and not before its time. */
    private static void assertWaitsItsCourse(Wait wait, String what) {
        long start = System.nanoTime();
        try {
            assertTrue(PendingTracker.failingShown(wait.run(), false), what);
        } catch (Nl3Failure expected) {
            // the last check failed
        }
        assertTrue(System.nanoTime() - start >= TimeUnit.SECONDS.toNanos(1), what + ": the wait ran its course");
    }

    @Test
    void cancelTellsNl3AndForgetRemovesTheTicket() throws Exception {
        StoredApproval p = requested("alice");
        StoredApproval cancelled = tracker.cancel(p);
        assertEquals(ApprovalStatus.CANCELLED, cancelled.status());
        assertEquals("CANCELLED", sandbox.request(p.requestId()).status());
        assertEquals(ApprovalStatus.CANCELLED, tracker.byTicket(p.ticket(), "alice").orElseThrow().status());
        tracker.forget(cancelled);
        assertTrue(tracker.byTicket(p.ticket(), "alice").isEmpty());
        assertTrue(store.pending(p.key()).isEmpty());
    }

    @Test
    void aTicketAnswersOnlyToItsUser() throws Exception {
        StoredApproval p = requested("alice");
        assertTrue(tracker.byTicket(p.ticket(), "alice").isPresent());
        assertFalse(tracker.byTicket(p.ticket(), "ALICE").isPresent());
        assertFalse(tracker.byTicket(p.ticket(), "bob").isPresent());
        assertFalse(tracker.byTicket("no-tag", "alice").isPresent());
        assertFalse(tracker.byTicket(p.ticket() + "x".repeat(100), "alice").isPresent());
    }
}
