package dev.nl3jit.filter;

import dev.nl3jit.jcache.JCacheKeyValueStore;
import dev.nl3jit.jcache.Members;
import dev.nl3jit.jcache.Race;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.cache.ICache;
import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.HazelcastInstance;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whoever can write the store's caches but lacks the application's key cannot mint access: a plain Hazelcast client
 * (the cluster's name is all it needs) copies entries under other keys, alters them, or writes them from scratch, and
 * the store lets no one in on any of them, counts each and logs each cache's first at ERROR.
 */
class ForgedEntriesTest {
    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");
    private static final java.time.Clock CLOCK = java.time.Clock.fixed(NOW, java.time.ZoneOffset.UTC);
    private static final AtomicInteger STORES = new AtomicInteger();
    private static final GrantKey ALICE = new GrantKey("alice", "ADMIN_ACCESS", "");
    private static final GrantKey BOB = new GrantKey("bob", "ADMIN_ACCESS", "");
    private static Members members;
    private static HazelcastInstance intruder;
    private final List<LogRecord> errors = new CopyOnWriteArrayList<>();
    private final Logger log = Logger.getLogger(Ledger.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel() == Level.SEVERE) {
                errors.add(r);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private String name;
    private Ledger store;

    @BeforeAll
    static void cluster() {
        members = Members.start(2, 0);
        ClientConfig c = new ClientConfig();
        c.setClusterName(members.clusterName());
        c.setProperty("hazelcast.logging.type", "none");
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.getNetworkConfig().addAddress("127.0.0.1:" + members.port(0));
        intruder = HazelcastClient.newHazelcastClient(c);
    }

    @AfterAll
    static void stop() {
        intruder.shutdown();
        members.close();
    }

    @BeforeEach
    void open() {
        name = "f" + STORES.incrementAndGet();
        store = Ledger.over(JCacheKeyValueStore.open(members.cacheManager(0), name), name, JCacheLedgerTest.KEY, 3, CLOCK);
        log.addHandler(capture);
    }

    @AfterEach
    void close() {
        log.removeHandler(capture);
    }

    /** The store's cache {@code <name>.<suffix>} as the intruder finds it: by listing the cluster's objects. */
    private ICache<String, String> cache(String suffix) {
        for (DistributedObject o : intruder.getDistributedObjects()) {
            if (o instanceof ICache<?, ?> c && c.getName().equals(name + "." + suffix)) {
                @SuppressWarnings("unchecked")
                ICache<String, String> found = (ICache<String, String>) c;
                return found;
            }
        }
        throw new AssertionError("no cache " + name + "." + suffix + " in " + intruder.getDistributedObjects());
    }

    private long errorsNaming(String cache, String key) {
        return errors.stream().filter(r -> r.getMessage().contains("cache " + name + "." + cache + ", key " + key)).count();
    }

    @Test
    void aliceGrantCopiedUnderBobsKeyLetsBobNowhere() {
        store.putGrant(ALICE, new Grant(NOW.plusSeconds(900), Grant.UNLIMITED));
        ICache<String, String> grants = cache("grants");
        String alices = grants.get(Codec.key(ALICE));
        grants.put(Codec.key(BOB), alices);

        assertTrue(store.peekGrant(BOB).isEmpty(), "no grant for bob");
        for (int i = 0; i < 3; i++) {
            assertFalse(store.useGrant(BOB, NOW), "bob is not let in");
        }
        assertTrue(store.useGrant(ALICE, NOW), "alice's own grant still works");
        assertEquals(4, store.rejectedEntries(), "each read of the copy counted");
        assertEquals(alices, grants.get(Codec.key(BOB)), "the copy is left as it was found, not overwritten");
        assertEquals(1, errors.size(), "logged once: " + messages());
        assertEquals(1, errorsNaming("grants", "3:bob12:ADMIN_ACCESS0:"), messages());
        String message = errors.get(0).getMessage();

        Ledger onB = Ledger.over(JCacheKeyValueStore.open(members.cacheManager(1), name), name, JCacheLedgerTest.KEY, 3, CLOCK);
        assertFalse(onB.useGrant(BOB, NOW), "nor on the other member");
        assertEquals(1, onB.rejectedEntries());
        assertEquals(2, errorsNaming("grants", "3:bob12:ADMIN_ACCESS0:"), "each node reports its first: " + messages());
        assertFalse(message.contains(alices.substring(3, 46)), "no MAC in the log: " + message);
        assertFalse(message.contains(NOW.plusSeconds(900).toString()), "no value in the log: " + message);
    }

    @Test
    void aGrantWrittenFromScratchLetsNoOneIn() {
        store.putGrant(ALICE, new Grant(NOW.plusSeconds(60), 1)); // so the cache exists, as it does in any running store
        ICache<String, String> grants = cache("grants");
        String until = NOW.plusSeconds(3600).toString();
        GrantKey carol = new GrantKey("carol", "PAYMENT", "");
        GrantKey erin = new GrantKey("erin", "ADMIN_ACCESS", "");
        grants.put(Codec.key(BOB), until + "|-1"); // as the stored form was before it was sealed
        grants.put(Codec.key(carol), "s1." + "A".repeat(43) + "." + until + "|-1"); // sealed-looking, any MAC
        String alices = grants.get(Codec.key(ALICE));
        grants.put(Codec.key(erin), alices.substring(0, 47) + until + "|-1"); // alice's MAC on another value

        for (GrantKey k : List.of(BOB, carol, erin)) {
            assertTrue(store.peekGrant(k).isEmpty(), k.toString());
            assertFalse(store.useGrant(k, NOW), k.toString());
        }
        assertEquals(6, store.rejectedEntries());
        assertEquals(1, errors.size(), "the first of the cache logged, the rest held back: " + messages());
        assertEquals(1, errorsNaming("grants", "3:bob12:ADMIN_ACCESS0:"), messages());
        assertTrue(store.useGrant(ALICE, NOW), "alice's genuine single-use grant");
        assertFalse(store.useGrant(ALICE, NOW), "used once");
    }

    @Test
    void aGenuineValueMovedToAnotherStoresCacheIsNotHonoured() {
        store.putGrant(ALICE, new Grant(NOW.plusSeconds(900), Grant.UNLIMITED));
        String alices = cache("grants").get(Codec.key(ALICE));
        String home = name;
        name = "f" + STORES.incrementAndGet();
        Ledger other = Ledger.over(JCacheKeyValueStore.open(members.cacheManager(0), name), name, JCacheLedgerTest.KEY, 3, CLOCK);
        other.putGrant(BOB, new Grant(NOW.plusSeconds(60), 1));
        cache("grants").put(Codec.key(ALICE), alices);
        assertFalse(other.useGrant(ALICE, NOW), "sealed for " + home + ".grants, not for " + name + ".grants");
        assertEquals(1, other.rejectedEntries());
        assertEquals(1, errorsNaming("grants", "5:alice12:ADMIN_ACCESS0:"), messages());
    }

    @Test
    void aStoreWithAnotherKeyReadsNothingOfThisOne() {
        store.putGrant(ALICE, new Grant(NOW.plusSeconds(900), Grant.UNLIMITED));
        Ledger stranger = Ledger.over(JCacheKeyValueStore.open(members.cacheManager(1), name), name,
                "another application's seal key!!".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 3, CLOCK);
        assertFalse(stranger.useGrant(ALICE, NOW));
        assertEquals(1, stranger.rejectedEntries());
    }

    @Test
    void forgedLockKnowledgeClaimsAndLimitsDecideNothing() {
        store.putLockState("carol", new LockState(true, NOW.plusSeconds(60)));
        store.putLockState("bob", new LockState(false, NOW.plusSeconds(60)));
        ICache<String, String> locks = cache("locks");
        locks.put("carol", locks.get("bob")); // bob's genuine "not locked" copied onto carol
        locks.put("erin", "U|" + NOW.plusSeconds(3600)); // written from scratch
        assertTrue(store.lockState("carol", NOW).isEmpty(), "no knowledge: the filter asks NL3 again");
        assertTrue(store.lockState("erin", NOW).isEmpty());
        assertFalse(store.lockState("bob", NOW).orElseThrow().locked(), "bob's own entry stands");

        GrantKey key = new GrantKey("alice", "PAYMENT", "");
        store.claimRequest(new GrantKey("x", "y", ""), "c", NOW, NOW.plusSeconds(5));
        ICache<String, String> claims = cache("claims");
        claims.put(Codec.key(key), NOW.plusSeconds(3600) + "|intruder");
        store.releaseRequest(key, "intruder");
        assertTrue(claims.containsKey(Codec.key(key)), "a release by a forged claimant touches nothing");
        assertTrue(store.claimRequest(key, "node-a", NOW, NOW.plusSeconds(5)), "a forged claim holds nothing up");
        assertFalse(store.claimRequest(key, "node-b", NOW, NOW.plusSeconds(5)), "the genuine claim it was replaced by holds");

        store.takeRequestToken("mallory", 2, Duration.ofMinutes(10), NOW);
        ICache<String, String> limits = cache("limits");
        limits.put("mallory", "1.0E9|" + NOW);
        assertEquals(Duration.ZERO, store.takeRequestToken("mallory", 2, Duration.ofMinutes(10), NOW));
        assertEquals(Duration.ZERO, store.takeRequestToken("mallory", 2, Duration.ofMinutes(10), NOW));
        assertTrue(store.takeRequestToken("mallory", 2, Duration.ofMinutes(10), NOW).compareTo(Duration.ZERO) > 0,
                "a forged full bucket gives no more than the capacity");
        assertEquals(3, errors.size(), "one per cache (locks, claims, limits): " + messages());
        assertTrue(store.rejectedEntries() >= 5, "counted: " + store.rejectedEntries());

        claims.put("junk", NOW.plusSeconds(3600) + "|intruder");
        limits.put("zed", "1.0E9|" + NOW);
        store.purge(NOW);
        assertFalse(locks.containsKey("carol"), "the purge removes what fails the check");
        assertFalse(locks.containsKey("erin"));
        assertFalse(claims.containsKey("junk"));
        assertFalse(limits.containsKey("zed"));
        assertTrue(locks.containsKey("bob"), "and keeps what passes it and has not ended");
        assertTrue(claims.containsKey(Codec.key(key)));
    }

    /** A stored approval of {@code user} under {@code ticket}, approved, with a kept transfer of {@code body}. */
    private static StoredApproval approved(String ticket, String user, String body, String checkedAt) {
        return StoredApproval.fromStoredForm("{\"v\":1,\"ticket\":\"" + ticket + "\",\"user\":\"" + user
                + "\",\"approvalKey\":\"PAYMENT\",\"scope\":\"\",\"requestId\":\"r-" + ticket + "\",\"approvalType\":\"APPROVE\","
                + "\"approvers\":[],\"createdAt\":\"" + NOW + "\",\"expiresAt\":\"" + NOW.plusSeconds(300) + "\",\"status\":\"APPROVED\","
                + "\"decidedAt\":\"" + NOW + "\",\"values\":{},\"grantFor\":\"PT15M\",\"uses\":1"
                + (checkedAt == null ? "" : ",\"checkedAt\":\"" + checkedAt + "\"")
                + ",\"kept\":{\"method\":\"POST\",\"target\":\"/pay\",\"contentType\":\"application/x-www-form-urlencoded\","
                + "\"body\":\"" + Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) + "\"}}");
    }

    @Test
    void anAlteredTicketIsNeitherServedNorReplacedAndAForgedPointerDeletesNothing() {
        StoredApproval alices = approved("tagAAAAA.aliceTicket", "alice", "amount=EUR+1200&to=ACME", null);
        store.putPending(alices);
        ICache<String, String> pending = cache("pending");
        String stored = pending.get(alices.ticket());
        String altered = stored.replace(Base64.getEncoder().encodeToString("amount=EUR+1200&to=ACME".getBytes(StandardCharsets.UTF_8)),
                Base64.getEncoder().encodeToString("amount=EUR+999999&to=MALLORY".getBytes(StandardCharsets.UTF_8)));
        assertFalse(altered.equals(stored), "the kept body was altered");
        pending.put(alices.ticket(), altered);

        assertTrue(store.pendingByTicket(alices.ticket()).isEmpty(), "the altered ticket is not served");
        assertTrue(store.pending(alices.key()).isEmpty());
        assertFalse(store.replacePending(alices, approved(alices.ticket(), "alice", "amount=EUR+1200&to=ACME", NOW.toString())),
                "a compare-and-set never matches it");
        assertEquals(altered, pending.get(alices.ticket()), "and never overwrites it");
        assertEquals(1, errorsNaming("pending", "tagAAAAA.alic…"), "a ticket is named in part only: " + messages());
        assertFalse(messages().contains("aliceTicket"), messages());

        pending.put(alices.ticket(), stored); // put back as it was: a replay of a genuine value (not stopped, by design)
        StoredApproval bobs = approved("tagAAAAA.bobTicket", "bob", "amount=EUR+1&to=ACME", null);
        cache("pending-keys").put(Codec.key(bobs.key()), alices.ticket()); // bob's key pointed at alice's ticket
        assertTrue(store.pending(bobs.key()).isEmpty());
        store.putPending(bobs);
        assertEquals(alices, store.pendingByTicket(alices.ticket()).orElseThrow(), "bob's put did not remove alice's ticket");
        assertEquals(bobs, store.pending(bobs.key()).orElseThrow());
        assertEquals(alices, store.pending(alices.key()).orElseThrow());
    }

    private String messages() {
        return errors.stream().map(LogRecord::getMessage).toList().toString();
    }
}
