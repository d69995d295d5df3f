package dev.nl3jit.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.filter.internal.engine.ApprovalGate;
import dev.nl3jit.filter.spi.UsernameMapper;
import dev.nl3jit.redis.RedisExtension;
import dev.nl3jit.redis.RedisServer;
import dev.nl3jit.sandbox.ApprovalView;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

/**
 * Two servlet containers (embedded Jetty 12), each configured with {@code nl3.store=redis} (its own connection pool) on
 * one real redis-server, and one sandbox: nl3-jcache's ClusterIT scenarios on Redis. What one node decides, the other honours; a value copied under
 * another user's key by a raw client lets no one in; a stopped or frozen Redis fails closed within the deadline.
 */
class RedisClusterIT extends AppTestBase {
    private static final Pattern TOKEN = Pattern.compile("name=\"token\" value=\"([^\"]+)\"");
    private static final AtomicInteger STORES = new AtomicInteger();

    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    private final List<AppServer> nodes = new ArrayList<>();

    @Override
    protected AppServer application() {
        return null;
    }

    @AfterEach
    void stopNodes() throws Exception {
        for (AppServer n : nodes) {
            if (n.isStarted()) {
                n.close();
            }
        }
    }

    /**
     * One node as a WAR would configure it: {@code nl3.store=redis} on {@code server} under {@code prefix}, through the
     * factory, so both filters of the node share one store (one pool); /admin/* and /payments/* as in ClusterIT.
     */
    private AppServer node(RedisServer server, String prefix, String... overrides) throws Exception {
        List<String> store = List.of("nl3.store", "redis", "nl3.redis-uri", server.uri(), "nl3.redis-key-prefix", prefix);
        List<String> payments = new ArrayList<>(List.of("nl3.grant-scope", "request", "nl3.parameters", "amount,to=recipient",
                "nl3.lock-recheck", "1h"));
        payments.addAll(store);
        payments.addAll(List.of(overrides));
        List<String> admin = new ArrayList<>(List.of("nl3.lock-recheck", "1h"));
        admin.addAll(store);
        admin.addAll(List.of(overrides));
        AppServer n = AppServer.start(
                new AppServer.Mapping("nl3-admin", filter("ADMIN_ACCESS", admin), List.of("/admin/*", "/nl3-approval/*")),
                new AppServer.Mapping("nl3-payments", filter("PAYMENT_APPROVAL", payments), List.of("/payments/*")));
        nodes.add(n);
        return n;
    }

    private Nl3ApprovalFilter filter(String key, List<String> overrides) {
        return new Nl3ApprovalFilter(Nl3Settings.fromMap(Fixtures.settings(sandbox, key, overrides.toArray(new String[0]))), null,
                UsernameMapper.PRINCIPAL_NAME, CLOCK, event -> { });
    }

    private static String prefix() {
        return "it" + STORES.incrementAndGet() + ":";
    }

    /** Nodes A and B sharing one Redis under one prefix. */
    private AppServer[] twoNodes(String... overrides) throws Exception {
        String prefix = prefix();
        return new AppServer[] {node(redis.server(), prefix, overrides), node(redis.server(), prefix, overrides)};
    }

    private static Client.Response transfer(AppServer node, Client c, String amount, String to) {
        return c.postForm(node.uri("/payments/transfer"), "amount=" + amount.replace(" ", "+") + "&to=" + to);
    }

    private static Map<String, Object> status(AppServer node, Client c, String location, int waitSeconds) {
        Client.Response r = c.get(node.uri("/nl3-approval/status?p=" + Fixtures.ticket(location) + "&wait=" + waitSeconds),
                "Accept", "application/json");
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    /** {@code n} tasks released at one moment, one thread each; their results in order. */
    private static <T> List<T> race(int n, IntFunction<Callable<T>> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Callable<T> c = task.apply(i);
                futures.add(pool.submit(() -> {
                    go.await();
                    return c.call();
                }));
            }
            go.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void approvedOnNodeAPassesOnNodeBWithNoNl3Call() throws Exception {
        AppServer[] n = twoNodes();
        Client alice = Client.as("alice");
        String location = alice.get(n[0].uri("/admin/users")).location();
        sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob");
        assertEquals("APPROVED", status(n[0], alice, location, 5).get("approvalStatus"));

        sandbox.clearCalls();
        Client.Response onB = alice.get(n[1].uri("/admin/users"));
        assertEquals(200, onB.status(), onB.body());
        assertEquals(200, alice.get(n[0].uri("/admin/users")).status());
        assertTrue(sandbox.calls().isEmpty(), "no NL3 call for a grant held in Redis: " + sandbox.calls());
    }

    @Test
    void fiftyConcurrentFirstRequestsSplitOverTwoNodesMakeOneApprovalRequest() throws Exception {
        AppServer[] n = twoNodes();
        Client alice = Client.as("alice");
        List<Client.Response> all = race(50, i -> () -> alice.get(n[i % 2].uri("/admin/users")));
        List<String> tickets = new ArrayList<>();
        for (Client.Response r : all) {
            assertEquals(303, r.status(), r.body());
            tickets.add(Fixtures.ticket(r.location()));
        }
        assertEquals(1, sandbox.requests().size(), "approval requests: " + sandbox.requests());
        assertEquals(1, tickets.stream().distinct().count(), "every page shows the same ticket");
    }

    @Test
    void aSingleUseGrantPassesOnceUnderTwentySubmissionsSplitOverTwoNodes() throws Exception {
        AppServer[] n = twoNodes();
        Client alice = Client.as("alice");
        String location = transfer(n[0], alice, "EUR 1200", "ACME").location();
        ApprovalView r = sandbox.pendingRequests().get(0);
        sandbox.approve(r.requestId(), "bob", null, "Bob Approver");
        assertEquals("APPROVED", status(n[1], alice, location, 5).get("approvalStatus"));

        List<Client.Response> all = race(20, i -> () -> transfer(n[i % 2], alice, "EUR 1200", "ACME"));
        int passed = 0;
        for (Client.Response resp : all) {
            if (resp.status() == 200) {
                passed++;
                assertTrue(resp.body().contains("form=[amount:EUR 1200, to:ACME]"), resp.body());
            } else {
                assertEquals(303, resp.status(), resp.body());
            }
        }
        assertEquals(1, passed, "a single-use grant let more than one submission through the two nodes");
    }

    @Test
    void sendNowOnNodeBRunsTheRequestKeptOnNodeAOnce() throws Exception {
        AppServer[] n = twoNodes();
        Client alice = Client.as("alice");
        Client.Response first = transfer(n[0], alice, "EUR 1200", "ACME");
        assertEquals(303, first.status());
        sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob", null, "Bob Approver");
        assertEquals(Boolean.TRUE, status(n[1], alice, first.location(), 5).get("sendNow"));
        Matcher m = TOKEN.matcher(alice.get(n[1].uri(first.location().substring("/app".length()))).body());
        assertTrue(m.find(), "node B offers Send now");
        String form = "p=" + Fixtures.ticket(first.location()) + "&token=" + m.group(1);
        Client.Response sent = alice.postForm(n[1].uri("/nl3-approval/send"), form);
        assertEquals(200, sent.status(), sent.body());
        assertEquals("PAYMENTS OK alice POST /app/payments/transfer form=[amount:EUR 1200, to:ACME]", sent.body());
        assertEquals(409, alice.postForm(n[0].uri("/nl3-approval/send"), form).status(), "sent once over both nodes");
    }

    @Test
    void aLockIsRefusedOnBothNodesWithinTheRecheckInterval() throws Exception {
        AppServer[] n = twoNodes("nl3.lock-recheck", "1s");
        Client alice = Client.as("alice");
        String location = alice.get(n[0].uri("/admin/users")).location();
        sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob");
        status(n[0], alice, location, 5);
        assertEquals(200, alice.get(n[1].uri("/admin/users")).status());

        sandbox.lock("alice");
        long start = System.nanoTime();
        int[] status = {200, 200};
        while ((status[0] != 403 || status[1] != 403) && System.nanoTime() - start < 6_000_000_000L) {
            for (int i = 0; i < 2; i++) {
                status[i] = alice.get(n[i].uri("/admin/users")).status();
            }
            Thread.sleep(50);
        }
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(403, status[0], "node A");
        assertEquals(403, status[1], "node B");
        assertTrue(tookMs <= 2000, "the lock bit after " + tookMs + " ms, more than recheck (1 s) + 1 s");
    }

    /**
     * A raw client of the Redis copies alice's grant under bob's key while bob's own approval is pending: bob is let in
     * on neither node, and each node's MBean counts what it refused.
     */
    @Test
    void aliceGrantCopiedUnderBobsKeyByARawClientLetsBobInOnNeitherNode() throws Exception {
        String prefix = prefix();
        AppServer[] n = {node(redis.server(), prefix), node(redis.server(), prefix)};
        Client alice = Client.as("alice");
        String location = alice.get(n[0].uri("/admin/users")).location();
        sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob");
        assertEquals("APPROVED", status(n[0], alice, location, 5).get("approvalStatus"));
        Client bob = Client.as("bob");
        assertEquals(303, bob.get(n[0].uri("/admin/users")).status(), "bob asks for his own approval");

        try (Jedis intruder = new Jedis("127.0.0.1", redis.server().port())) {
            String alices = intruder.get(prefix + "grants:5:alice12:ADMIN_ACCESS0:");
            assertTrue(alices != null, "alice's grant is there to copy: " + intruder.keys(prefix + "*"));
            assertEquals("OK", intruder.set(prefix + "grants:3:bob12:ADMIN_ACCESS0:", alices, SetParams.setParams().px(600_000)));
        }

        for (AppServer node : n) {
            Client.Response r = bob.get(node.uri("/admin/users"));
            assertEquals(303, r.status(), "bob is sent to his pending approval, not let in: " + r.body());
            assertEquals(200, alice.get(node.uri("/admin/users")).status(), "alice's genuine grant still works");
        }
        assertEquals("PENDING", sandbox.requests().stream().filter(v -> v.requester().equals("bob")).findFirst().orElseThrow()
                .status(), "bob's own request is still pending");
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> engines = server.queryNames(new ObjectName("dev.nl3jit:type=Approvals,*"), null);
        assertEquals(4, engines.size(), "two filters on each of two nodes: " + engines);
        for (ObjectName engine : engines) {
            assertTrue((Long) server.getAttribute(engine, "StoreEntriesRejected") >= 1, engine + " counts the forged grant");
        }
    }

    private interface Fault {
        void apply(RedisServer s);
    }

    /**
     * Redis {@code fault}ed under a node of its own: three protected requests and a status poll get 503 each within
     * the store's deadline (1 s) plus {@code slackMs}, even under the open failure policy, logged once.
     */
    private void failsClosed(Fault fault, long slackMs) throws Exception {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Logger log = Logger.getLogger(ApprovalGate.class.getName());
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(h);
        try (RedisServer lone = RedisServer.start()) {
            AppServer node = AppServer.start(new AppServer.Mapping("nl3-admin", filter("ADMIN_ACCESS",
                    List.of("nl3.approval-failure", "open", "nl3.store-timeout", "1s", "nl3.store", "redis",
                            "nl3.redis-uri", lone.uri(), "nl3.redis-key-prefix", "gone:")), List.of("/admin/*", "/nl3-approval/*")));
            nodes.add(node);
            Client alice = Client.as("alice");
            Client.Response first = alice.get(node.uri("/admin/users"));
            assertEquals(303, first.status(), "works while Redis is up");
            fault.apply(lone);
            try {
                for (int i = 0; i < 3; i++) {
                    long start = System.nanoTime();
                    Client.Response r = alice.get(node.uri("/admin/users"), "Accept", "application/json");
                    long tookMs = (System.nanoTime() - start) / 1_000_000;
                    assertEquals(503, r.status(), "fails closed even under the open failure policy: " + r.body());
                    assertTrue(tookMs <= 1000 + slackMs, "503 after " + tookMs + " ms; deadline 1000 ms + " + slackMs);
                }
                assertEquals(503, alice.get(node.uri("/nl3-approval/status?p=" + Fixtures.ticket(first.location())), "Accept",
                        "application/json").status(), "the pending path fails closed too");
            } finally {
                lone.resume();
            }
            // Causes: the core's deadline, or Redis's own failure (refused, or its read timeout, which races the
            // deadline when both are the store timeout). Each is logged once, whatever the number of requests.
            List<String> causes = records.stream().filter(r -> r.getLevel() == Level.SEVERE
                    && r.getMessage().contains("approval store is unreachable"))
                    .map(r -> String.valueOf(r.getParameters()[0]).contains("no answer within") ? "deadline" : "redis").toList();
            assertTrue(!causes.isEmpty() && causes.size() == new java.util.HashSet<>(causes).size(),
                    "logged once per cause: " + causes);
        } finally {
            log.removeHandler(h);
        }
    }

    @Test
    void aStoppedRedisFailsClosedWith503WithinTheDeadlineLoggedOnce() throws Exception {
        failsClosed(RedisServer::stop, 500);
    }

    @Test
    void aFrozenRedisFailsClosedWith503WithinTheDeadlinePlusASecondLoggedOnce() throws Exception {
        failsClosed(RedisServer::pause, 1000);
    }
}
