package dev.nl3jit.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.cache.ICache;
import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.HazelcastInstance;
import dev.nl3jit.filter.spi.KeyValueStore;
import dev.nl3jit.jcache.JCacheKeyValueStore;
import dev.nl3jit.jcache.Members;
import dev.nl3jit.jcache.Race;
import dev.nl3jit.sandbox.ApprovalView;
import dev.nl3jit.sandbox.Call;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two servlet containers (embedded Jetty 12), each with its own Hazelcast member, the members joined over real TCP,
 * and one sandbox: what one node decides, the other honours, and every cluster-wide promise holds when requests are
 * split over both.
 */
class ClusterIT extends AppTestBase {
    private static final Pattern TOKEN = Pattern.compile("name=\"token\" value=\"([^\"]+)\"");
    private static final AtomicInteger STORES = new AtomicInteger();
    /** Members 0 and 1 serve nodes A and B; member 2 is a spare that joins and leaves in one test. */
    private static Members members;
    private final List<AppServer> nodes = new ArrayList<>();

    @BeforeAll
    static void cluster() {
        long start = System.nanoTime();
        members = Members.start(2, 1);
        System.out.println("cluster of 2 members formed in " + (System.nanoTime() - start) / 1_000_000 + " ms (not a test figure)");
    }

    @AfterAll
    static void stopCluster() {
        members.close();
    }

    /** Each test starts its nodes. */
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

    /** One node: the usual application on member {@code member}'s store named {@code store}, with these overrides. */
    private AppServer node(int member, String store, String... overrides) throws Exception {
        KeyValueStore s = JCacheKeyValueStore.open(members.cacheManager(member), store);
        List<String> payments = new ArrayList<>(List.of("nl3.grant-scope", "request", "nl3.parameters", "amount,to=recipient",
                "nl3.lock-recheck", "1h"));
        payments.addAll(List.of(overrides));
        List<String> admin = new ArrayList<>(List.of("nl3.lock-recheck", "1h"));
        admin.addAll(List.of(overrides));
        AppServer n = AppServer.start(
                new AppServer.Mapping("nl3-admin", filter("ADMIN_ACCESS", s, admin), List.of("/admin/*", "/nl3-approval/*")),
                new AppServer.Mapping("nl3-payments", filter("PAYMENT_APPROVAL", s, payments), List.of("/payments/*")));
        nodes.add(n);
        return n;
    }

    /** The seal key the nodes' settings give their store: derived from the sandbox's signing key. */
    private byte[] sealKey() {
        return Nl3Settings.fromMap(Fixtures.settings(sandbox, "ADMIN_ACCESS")).storeSealKey();
    }

    private Nl3ApprovalFilter filter(String key, KeyValueStore store, List<String> overrides) {
        return new Nl3ApprovalFilter(Nl3Settings.fromMap(Fixtures.settings(sandbox, key, overrides.toArray(new String[0]))), store,
                UsernameMapper.PRINCIPAL_NAME, CLOCK, event -> { });
    }

    /** Nodes A and B sharing one store. */
    private AppServer[] twoNodes(String... overrides) throws Exception {
        String store = "c" + STORES.incrementAndGet();
        return new AppServer[] {node(0, store, overrides), node(1, store, overrides)};
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
        List<Call> calls = sandbox.calls();
        assertTrue(calls.isEmpty(), "no NL3 call for a grant held by the cluster: " + calls);
    }

    /**
     * A plain Hazelcast client that knows the cluster's name copies alice's grant under bob's key while bob's own
     * approval is pending: bob is let in on neither node, and each node's MBean counts what it refused.
     */
    @Test
    void aliceGrantCopiedUnderBobsKeyByAPlainClientLetsBobInOnNeitherNode() throws Exception {
        AppServer[] n = twoNodes();
        String store = "c" + STORES.get();
        Client alice = Client.as("alice");
        String location = alice.get(n[0].uri("/admin/users")).location();
        sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob");
        assertEquals("APPROVED", status(n[0], alice, location, 5).get("approvalStatus"));
        Client bob = Client.as("bob");
        assertEquals(303, bob.get(n[0].uri("/admin/users")).status(), "bob asks for his own approval");

        ClientConfig config = new ClientConfig();
        config.setClusterName(members.clusterName());
        config.setProperty("hazelcast.logging.type", "none");
        config.getNetworkConfig().addAddress("127.0.0.1:" + members.port(1));
        HazelcastInstance intruder = HazelcastClient.newHazelcastClient(config);
        try {
            ICache<String, String> grants = null;
            for (DistributedObject o : intruder.getDistributedObjects()) {
                if (o instanceof ICache<?, ?> c && c.getName().equals(store + ".grants")) {
                    @SuppressWarnings("unchecked")
                    ICache<String, String> found = (ICache<String, String>) c;
                    grants = found;
                }
            }
            assertTrue(grants != null, "the intruder finds the store's grants: " + intruder.getDistributedObjects());
            String alices = grants.get("5:alice12:ADMIN_ACCESS0:");
            assertTrue(alices != null, "alice's grant is there to copy");
            grants.put("3:bob12:ADMIN_ACCESS0:", alices);
        } finally {
            intruder.shutdown();
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

    @Test
    void aTicketFromNodeAIsServedAndLongPolledOnNodeB() throws Exception {
        AppServer[] n = twoNodes();
        Client alice = Client.as("alice");
        String location = alice.get(n[0].uri("/admin/users")).location();
        String page = location.substring("/app".length());
        Client.Response pageOnB = alice.get(n[1].uri(page));
        assertEquals(200, pageOnB.status(), "node B renders node A's ticket");
        assertTrue(pageOnB.body().contains("continue?p=" + Fixtures.ticket(location)), pageOnB.body());

        CompletableFuture<Map<String, Object>> poll = CompletableFuture.supplyAsync(() -> status(n[1], alice, location, 10));
        Thread.sleep(300);
        assertFalse(poll.isDone(), "the long poll waits");
        sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob");
        assertEquals("APPROVED", poll.get(12, TimeUnit.SECONDS).get("approvalStatus"));
        assertEquals(200, alice.get(n[1].uri("/admin/users")).status());
    }

    @Test
    void atMostOneStatusCallPerPollIntervalPerTicketAcrossTheCluster() throws Exception {
        AppServer[] n = twoNodes();
        Client alice = Client.as("alice");
        String location = alice.get(n[0].uri("/admin/users")).location();
        sandbox.clearCalls();
        long start = System.nanoTime();
        // 10 long polls of 2 s, split over both nodes, on a poll interval of 200 ms (Fixtures).
        List<Map<String, Object>> polls = Race.of(10, i -> () -> status(n[i % 2], alice, location, 2));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        polls.forEach(p -> assertEquals("PENDING", p.get("approvalStatus")));
        long statusCalls = sandbox.calls().stream().filter(c -> c.method().equals("GET")
                && c.path().contains("/approvalRequest/")).count();
        long allowed = elapsedMs / 200 + 1;
        System.out.println("cluster status calls: " + statusCalls + " in " + elapsedMs + " ms (at most " + allowed + ")");
        assertTrue(statusCalls >= 1, "someone asked");
        assertTrue(statusCalls <= allowed, statusCalls + " status calls in " + elapsedMs + " ms by two nodes: more than one per interval");
    }

    @Test
    void fiftyConcurrentFirstRequestsSplitOverTwoNodesMakeOneApprovalRequest() throws Exception {
        AppServer[] n = twoNodes();
        Client alice = Client.as("alice");
        List<Client.Response> all = Race.of(50, i -> () -> alice.get(n[i % 2].uri("/admin/users")));
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

        List<Client.Response> all = Race.of(20, i -> () -> transfer(n[i % 2], alice, "EUR 1200", "ACME"));
        int passed = 0;
        for (Client.Response resp : all) {
            if (resp.status() == 200) {
                passed++;
                assertTrue(resp.body().contains("form=[amount:EUR 1200, to:ACME]"), resp.body());
            } else {
                assertEquals(303, resp.status(), resp.body());
            }
        }
        assertEquals(1, passed, "a single-use grant let more than one submission through the cluster");
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
        assertEquals(409, alice.postForm(n[0].uri("/nl3-approval/send"), form).status(), "sent once in the cluster");
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
        System.out.println("cluster lock: refused on both nodes " + tookMs + " ms after the lock (nl3.lock-recheck=1s)");
        assertEquals(403, status[0], "node A");
        assertEquals(403, status[1], "node B");
        assertTrue(tookMs <= 2000, "the lock bit after " + tookMs + " ms, more than recheck (1 s) + 1 s");
    }

    @Test
    void whenTheNodeThatAskedLeavesTheOtherCompletesTheFlow() throws Exception {
        members.member(2);
        members.awaitSize(3);
        String store = "c" + STORES.incrementAndGet();
        AppServer leaving = node(2, store);
        AppServer staying = node(1, store);
        Client alice = Client.as("alice");
        String location = alice.get(leaving.uri("/admin/users")).location();
        assertEquals("PENDING", status(staying, alice, location, 0).get("approvalStatus"));

        leaving.close();
        members.get(2).getLifecycleService().terminate();
        members.awaitSize(2);
        sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob");
        assertEquals("APPROVED", status(staying, alice, location, 10).get("approvalStatus"));
        assertEquals(200, alice.get(staying.uri("/admin/users")).status());
        assertEquals(1, sandbox.requests().size(), "no second approval request");
    }

    @Test
    void anUnreachableStoreFailsClosedWith503LoggedOnce() throws Exception {
        Members lone = Members.start(1, 0);
        List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(ApprovalGate.class.getName());
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
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
        try {
            KeyValueStore s = JCacheKeyValueStore.open(lone.cacheManager(0), "gone");
            AppServer node = AppServer.start(new AppServer.Mapping("nl3-admin", filter("ADMIN_ACCESS", s,
                    List.of("nl3.approval-failure", "open")), List.of("/admin/*", "/nl3-approval/*")));
            nodes.add(node);
            Client alice = Client.as("alice");
            Client.Response first = alice.get(node.uri("/admin/users"));
            assertEquals(303, first.status(), "works while the store is up");
            lone.get(0).getLifecycleService().terminate();
            for (int i = 0; i < 3; i++) {
                Client.Response r = alice.get(node.uri("/admin/users"), "Accept", "application/json");
                assertEquals(503, r.status(), "fails closed even under the open failure policy: " + r.body());
            }
            assertEquals(503, alice.get(node.uri("/nl3-approval/status?p=" + Fixtures.ticket(first.location())), "Accept",
                    "application/json").status(), "the pending path fails closed too");
            long errors = records.stream().filter(r -> r.getLevel() == java.util.logging.Level.SEVERE
                    && r.getMessage().contains("approval store is unreachable")).count();
            assertEquals(1, errors, "logged once per cause");
        } finally {
            log.removeHandler(h);
            lone.close();
        }
    }
}
