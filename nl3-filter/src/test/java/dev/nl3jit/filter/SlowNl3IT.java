package dev.nl3jit.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * NL3 misbehaving on the wire, against a real slow server ({@link SlowNl3}): however it answers (a byte a second, half
 * closed, never), a protected request answers within connect + read + 1 s, and a full pool of NL3 calls answers 503 at
 * once for the request that does not fit, with the pool's threads within its cap. Connect timeout 1 s, read timeout 2 s
 * (longer than the trickle's second between bytes, so only the deadline can end a trickled answer).
 */
class SlowNl3IT extends AppTestBase {
    private static final String LOCK = "/nl3/api/v1/accountProtectionCheck";
    private static final String CREATE = "/nl3/api/v1/approvalRequest";
    private static final long CONNECT_MS = 1000;
    private static final long READ_MS = 2000;
    /** The issue's bound: no NL3 call holds a request longer than connect + read + 1 s. */
    private static final long BOUND_MS = CONNECT_MS + READ_MS + 1000;

    private SlowNl3 nl3;

    /** Each test starts its own application, pointed at its slow NL3. */
    @Override
    protected AppServer application() {
        return null;
    }

    @AfterEach
    void stopSlowNl3() throws Exception {
        if (nl3 != null) {
            nl3.close();
        }
    }

    private static boolean warm;

    private AppServer start(String... overrides) throws Exception {
        if (!warm) {
            // The filter's first requests in this JVM load what every later one uses (the sandbox's too): not NL3's time.
            try (AppServer warmUp = Fixtures.app(sandbox, CLOCK, "nl3.connect-timeout", "10s", "nl3.read-timeout", "30s")) {
                Client.Response first = Client.as("erin").get(warmUp.uri("/admin/users"));
                assertEquals(303, first.status(), first.body());
                assertEquals(200, Client.as("erin").get(warmUp.uri("/nl3-approval?p=" + Fixtures.ticket(first.location()))).status());
            }
            warm = true;
        }
        List<String> settings = new ArrayList<>(List.of("nl3.api-base-url", nl3.baseUri().toString(),
                "nl3.connect-timeout", CONNECT_MS + "ms", "nl3.read-timeout", READ_MS + "ms"));
        settings.addAll(List.of(overrides));
        return AppServer.start(new AppServer.Mapping("nl3-admin", Fixtures.filter(sandbox, CLOCK, "ADMIN_ACCESS",
                settings.toArray(String[]::new)), List.of("/admin/*", "/nl3-approval/*")));
    }

    /** A protected request by {@code user}: its answer and how long it took. */
    private record Timed(Client.Response response, long millis, long answeredAt) {
    }

    private static Timed timed(String user, java.net.URI uri, String... headers) {
        long start = System.nanoTime();
        Client.Response r = Client.as(user).get(uri, headers);
        long end = System.nanoTime();
        System.out.println(user + " GET " + uri.getPath() + ": " + r.status() + " after " + (end - start) / 1_000_000 + " ms");
        return new Timed(r, (end - start) / 1_000_000, end);
    }

    @ParameterizedTest(name = "lock check: {0}")
    @EnumSource(value = SlowNl3.Way.class, names = {"TRICKLE_HEAD", "TRICKLE_BODY", "TRICKLE_CHUNKED", "HALF_CLOSE", "SILENT"})
    void aMisbehavingLockCheckAnswers503InTime(SlowNl3.Way way) throws Exception {
        nl3 = SlowNl3.start().otherwise(way);
        app = start();
        Timed t = timed("alice", app.uri("/admin/users"));
        assertEquals(503, t.response().status(), t.response().body());
        assertTrue(t.response().body().contains("cannot be reached"), t.response().body());
        assertTrue(t.millis() < BOUND_MS, way + ": answered after " + t.millis() + " ms, bound " + BOUND_MS + " ms");
        assertTrue(nl3.requests() >= 1, "NL3 was not even asked");
    }

    @ParameterizedTest(name = "approval request: {0}")
    @EnumSource(value = SlowNl3.Way.class, names = {"TRICKLE_HEAD", "TRICKLE_BODY", "TRICKLE_CHUNKED", "HALF_CLOSE", "SILENT"})
    void aMisbehavingApprovalRequestAnswers503InTime(SlowNl3.Way way) throws Exception {
        nl3 = SlowNl3.start().answer(LOCK, "{\"locked\":false}").on(CREATE, way);
        app = start();
        Timed t = timed("alice", app.uri("/admin/users"), "Accept", "application/json");
        assertEquals(503, t.response().status(), t.response().body());
        assertEquals("urn:nl3:approval:unavailable", t.response().json().get("type"));
        assertTrue(t.millis() < BOUND_MS, way + ": answered after " + t.millis() + " ms, bound " + BOUND_MS + " ms");
    }

    @ParameterizedTest(name = "status check: {0}")
    @EnumSource(value = SlowNl3.Way.class, names = {"TRICKLE_HEAD", "TRICKLE_BODY", "TRICKLE_CHUNKED", "HALF_CLOSE", "SILENT"})
    void aMisbehavingStatusCheckHoldsNoRequest(SlowNl3.Way way) throws Exception {
        nl3 = SlowNl3.start().answer(LOCK, "{\"locked\":false}").answer(CREATE, "{\"requestId\":\"r-1\",\"status\":\"PENDING\"}")
                .on(CREATE + "/r-1", way);
        app = start();
        Client.Response first = Client.as("alice").get(app.uri("/admin/users"));
        assertEquals(303, first.status(), first.body());
        // The pending page asks NL3 for the status on the request's own thread (no long poll).
        int asked = nl3.requests();
        Timed page = timed("alice", app.uri("/nl3-approval?p=" + Fixtures.ticket(first.location())));
        assertEquals(200, page.response().status(), page.response().body());
        assertTrue(page.millis() < BOUND_MS, way + ": page after " + page.millis() + " ms, bound " + BOUND_MS + " ms");
        assertTrue(nl3.requests() > asked, "the page did not ask NL3 for the status");
        // The protected request again: the pending approval's status check fails, the policy (closed) answers 503.
        CLOCK.advance(Duration.ofSeconds(2));
        Timed again = timed("alice", app.uri("/admin/users"));
        assertEquals(503, again.response().status(), again.response().body());
        assertTrue(again.millis() < BOUND_MS, way + ": answered after " + again.millis() + " ms, bound " + BOUND_MS + " ms");
    }

    /** Threads of the transport's pool for blocking calls ({@code nl3-http-<n>}; not its timer's or the async client's). */
    private static Set<String> callThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(t -> t.getName() + "#" + t.getId())
                .filter(n -> n.matches("nl3-http-\\d+#\\d+")).collect(Collectors.toSet());
    }

    @Test
    void aFullPoolAnswers503AtOnceAndKeepsItsThreadsWithinTheCap() throws Exception {
        nl3 = SlowNl3.start().otherwise(SlowNl3.Way.SILENT);
        Set<String> before = callThreads();
        List<String> log = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if ("dev.nl3jit.filter.Nl3".equals(r.getLoggerName())) {
                    // What went wrong with NL3 (the audit lines, one per decision, are not counted)
                    log.add(new java.util.logging.SimpleFormatter().formatMessage(r));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger.getLogger("dev.nl3jit").addHandler(capture);
        AtomicInteger most = new AtomicInteger();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                Set<String> now = callThreads();
                now.removeAll(before);
                most.accumulateAndGet(now.size(), Math::max);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "sampler");
        ExecutorService users = Executors.newFixedThreadPool(6);
        try {
            // Two threads, one call waiting: the lock checks of alice and bob take both threads (NL3 never answers).
            app = start("nl3.call-threads", "2", "nl3.call-queue", "1");
            sampler.start();
            Future<Timed> alice = users.submit(() -> timed("alice", app.uri("/admin/users")));
            Future<Timed> bob = users.submit(() -> timed("bob", app.uri("/admin/users")));
            long until = System.nanoTime() + 10_000_000_000L;
            while (nl3.requests() < 2 && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            assertEquals(2, nl3.requests(), "the two lock checks did not reach NL3");
            // Four more users: one call may wait, the other three do not fit.
            List<Future<Timed>> more = new ArrayList<>();
            for (String user : List.of("carol", "dave", "erin", "mallory")) {
                more.add(users.submit(() -> timed(user, app.uri("/admin/users"))));
            }
            Timed a = alice.get();
            Timed b = bob.get();
            assertEquals(503, a.response().status(), a.response().body());
            assertEquals(503, b.response().status(), b.response().body());
            long firstTimeout = Math.min(a.answeredAt(), b.answeredAt());
            int refusedAtOnce = 0;
            for (Future<Timed> f : more) {
                Timed t = f.get();
                assertEquals(503, t.response().status(), t.response().body());
                assertEquals("10", t.response().header("Retry-After"));
                if (t.answeredAt() < firstTimeout) {
                    refusedAtOnce++;
                }
            }
            assertTrue(refusedAtOnce >= 3, refusedAtOnce + " of the four later requests answered before the calls that"
                    + " fit timed out; three do not fit and must be refused at once");
            sampling.set(false);
            sampler.join();
            assertTrue(most.get() >= 1 && most.get() <= 2, "threads of the pool seen at once: " + most.get() + " (cap 2)");
            List<String> busy = log.stream().filter(l -> l.contains("BUSY")).toList();
            assertEquals(1, busy.size(), "one log line per cause: " + busy);
            assertTrue(busy.get(0).contains("nl3.call-threads"), busy.get(0));
        } finally {
            sampling.set(false);
            users.shutdownNow();
            Logger.getLogger("dev.nl3jit").removeHandler(capture);
        }
    }
    /**
     * A full pool refuses whatever the failure policy says: with {@code nl3.approval-failure=open} and
     * {@code nl3.lock-check-failure=open}, neither a user with a pending approval (whose status answer finds no thread to
     * be recorded on) nor a new user (whose calls find no thread) is let through while another call holds the pool.
     */
    @Test
    void aFullPoolRefusesEvenUnderTheOpenPolicy() throws Exception {
        nl3 = SlowNl3.start().answer(LOCK, "{\"locked\":false}").answer(CREATE, "{\"requestId\":\"r-1\",\"status\":\"PENDING\"}")
                .answer(CREATE + "/r-1", "{\"status\":\"PENDING\"}");
        app = start("nl3.call-threads", "1", "nl3.call-queue", "0", "nl3.approval-failure", "open",
                "nl3.lock-check-failure", "open");
        Client.Response pending = Client.as("alice").get(app.uri("/admin/users"));
        assertEquals(303, pending.status(), pending.body());
        // bob's lock check holds the only thread: NL3 stops answering it.
        nl3.on(LOCK, SlowNl3.Way.SILENT);
        int asked = nl3.requests();
        ExecutorService users = Executors.newSingleThreadExecutor();
        try {
            Future<Timed> bob = users.submit(() -> timed("bob", app.uri("/admin/users")));
            long until = System.nanoTime() + 10_000_000_000L;
            while (nl3.requests() == asked && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            assertEquals(asked + 1, nl3.requests(), "bob's lock check did not reach NL3");
            Timed alice = timed("alice", app.uri("/admin/users"));
            Timed carol = timed("carol", app.uri("/admin/users"));
            assertTrue(alice.answeredAt() < bob.get().answeredAt() && carol.answeredAt() < bob.get().answeredAt(),
                    "alice and carol were answered while bob's call held the pool");
            assertEquals(503, alice.response().status(), "alice, status answer not recorded: " + alice.response().body());
            assertEquals(503, carol.response().status(), "carol, no thread for her calls: " + carol.response().body());
            assertTrue(nl3.requests() >= asked + 2, "alice's status was asked for");
        } finally {
            users.shutdownNow();
        }
    }
}
