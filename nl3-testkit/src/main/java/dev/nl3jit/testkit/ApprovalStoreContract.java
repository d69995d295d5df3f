package dev.nl3jit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.filter.Grant;
import dev.nl3jit.filter.GrantKey;
import dev.nl3jit.filter.StoreRules;
import dev.nl3jit.filter.spi.ApprovalStoreException;
import dev.nl3jit.filter.spi.KeyValueStore;
import dev.nl3jit.filter.spi.KeyValueStore.Region;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link KeyValueStore} keeps, as JUnit 5 tests: extend this class, return a fresh, empty, isolated
 * store from {@link #newStore()} (a unique key prefix or cache name per call), and run it with the backend's own tests.
 * Two layers: each atomic operation's semantics (conditions, regions, unchanged strings, time to live, races, bulk
 * reads, the background walk, failures), then the library's own rules running on the backend (single use raced
 * across two nodes, request limits, claims, the seal), which is what an application relies on.
 *
 * <p>Optional hooks: {@link #sameBackend(KeyValueStore)} (a second client of the same backend, as another node has),
 * {@link #makeUnreachable(KeyValueStore)} (to check that failures surface as {@link ApprovalStoreException}),
 * {@link #forEachVisitsEntries()} (false for a backend that expires entries itself and walks nothing).
 */
public abstract class ApprovalStoreContract {
    private static final Duration LONG = Duration.ofMinutes(10);
    private static final byte[] SEAL_KEY = "the contract's seal key, 32 bytes".getBytes(StandardCharsets.US_ASCII);

    private final List<KeyValueStore> opened = new ArrayList<>();
    /** The store under test, fresh for each test. */
    protected KeyValueStore store;

    /** A new, empty store, isolated from every other this method returned (e.g. a unique key prefix). */
    protected abstract KeyValueStore newStore();

    /**
     * Another client of the backend {@code store} uses, with the same isolation (another node's view); by default
     * {@code store} itself. Closed after the test.
     */
    protected KeyValueStore sameBackend(KeyValueStore store) {
        return store;
    }

    /**
     * Makes {@code store}'s backend unreachable (stop the server, close the connection): every later operation must
     * fail with {@link ApprovalStoreException}. The default cannot, and the test that needs it is skipped.
     */
    protected void makeUnreachable(KeyValueStore store) {
        Assumptions.abort("this backend offers no way to make itself unreachable");
    }

    /** Whether {@link KeyValueStore#forEach} visits live entries (a backend that expires entries itself may not). */
    protected boolean forEachVisitsEntries() {
        return true;
    }

    /** Threads racing in the concurrency tests. */
    protected int racers() {
        return 8;
    }

    @BeforeEach
    final void openStore() {
        store = track(newStore());
    }

    @AfterEach
    final void closeStores() {
        for (KeyValueStore s : opened) {
            try {
                s.close();
            } catch (RuntimeException e) {
                // closing an unreachable store may fail; nothing to check here
            }
        }
        opened.clear();
    }

    private KeyValueStore track(KeyValueStore s) {
        assertNotNull(s, "newStore() returned null");
        opened.add(s);
        return s;
    }

    // --- the atomic operations ---

    @Test
    void nothingIsThereInANewStore() {
        for (Region r : Region.values()) {
            assertNull(store.get(r, "k"), r.id());
            assertEquals(Map.of(), store.getAll(r, Set.of("k", "l")), r.id());
        }
    }

    @Test
    void putIfAbsentStoresOnlyWhenNothingIsThere() {
        assertTrue(store.putIfAbsent(Region.GRANTS, "k", "one", LONG));
        assertFalse(store.putIfAbsent(Region.GRANTS, "k", "two", LONG), "something is there");
        assertEquals("one", store.get(Region.GRANTS, "k"));
    }

    @Test
    void replaceSucceedsOnlyOnExactlyTheExpectedValue() {
        assertFalse(store.replace(Region.LIMITS, "k", "one", "two", LONG), "nothing there");
        assertNull(store.get(Region.LIMITS, "k"), "a failed replace writes nothing");
        store.putIfAbsent(Region.LIMITS, "k", "one", LONG);
        assertFalse(store.replace(Region.LIMITS, "k", "on", "two", LONG), "a prefix is another value");
        assertFalse(store.replace(Region.LIMITS, "k", "one ", "two", LONG), "a longer string is another value");
        assertFalse(store.replace(Region.LIMITS, "k", "ONE", "two", LONG), "case counts");
        assertEquals("one", store.get(Region.LIMITS, "k"));
        assertTrue(store.replace(Region.LIMITS, "k", "one", "two", LONG));
        assertEquals("two", store.get(Region.LIMITS, "k"));
        assertFalse(store.replace(Region.LIMITS, "k", "one", "three", LONG), "the value changed since");
        assertEquals("two", store.get(Region.LIMITS, "k"));
    }

    @Test
    void removeSucceedsOnlyOnExactlyTheExpectedValue() {
        assertFalse(store.remove(Region.CLAIMS, "k", "one"), "nothing there");
        store.putIfAbsent(Region.CLAIMS, "k", "one", LONG);
        assertFalse(store.remove(Region.CLAIMS, "k", "two"));
        assertFalse(store.remove(Region.CLAIMS, "k", "on"));
        assertEquals("one", store.get(Region.CLAIMS, "k"));
        assertTrue(store.remove(Region.CLAIMS, "k", "one"));
        assertNull(store.get(Region.CLAIMS, "k"));
        assertTrue(store.putIfAbsent(Region.CLAIMS, "k", "again", LONG), "a removed key is absent");
    }

    @Test
    void regionsAreSeparateKeySpaces() {
        Region[] all = Region.values();
        for (Region r : all) {
            assertTrue(store.putIfAbsent(r, "same", "in " + r.id(), LONG), r.id());
        }
        for (Region r : all) {
            assertEquals("in " + r.id(), store.get(r, "same"));
        }
        assertTrue(store.remove(Region.USERS, "same", "in users"));
        for (Region r : all) {
            assertEquals(r == Region.USERS ? null : "in " + r.id(), store.get(r, "same"), r.id());
        }
    }

    @Test
    void keysAndValuesComeBackUnchanged() {
        StringBuilder big = new StringBuilder();
        while (big.length() < 40_000) {
            big.append("é€𝄞\u0000\n\r\t|:\" ").append(big.length());
        }
        Map<String, String> pairs = new HashMap<>();
        pairs.put("plain", "v");
        pairs.put("ünï cødé 𝄞 \u0000 \n key", "välue €");
        pairs.put("5:alice12:ADMIN_ACCESS0:", "a key as the library writes one");
        pairs.put("long value", big.toString());
        pairs.put(" ", "");
        pairs.forEach((k, v) -> assertTrue(store.putIfAbsent(Region.PENDING, k, v, LONG), k));
        pairs.forEach((k, v) -> assertEquals(v, store.get(Region.PENDING, k), k));
        assertEquals(pairs, store.getAll(Region.PENDING, pairs.keySet()));
        String changed = big + "!";
        assertTrue(store.replace(Region.PENDING, "long value", big.toString(), changed, LONG));
        assertEquals(changed, store.get(Region.PENDING, "long value"));
    }

    @Test
    void anEntryIsKeptAtLeastItsTimeToLive() throws Exception {
        Duration ttl = Duration.ofSeconds(2);
        store.putIfAbsent(Region.LOCKS, "short", "v", ttl);
        long put = System.nanoTime();
        store.putIfAbsent(Region.LOCKS, "replaced", "v", LONG);
        store.replace(Region.LOCKS, "replaced", "v", "w", ttl);
        long replaced = System.nanoTime();
        while (true) {
            long before = System.nanoTime();
            String a = store.get(Region.LOCKS, "short");
            String b = store.get(Region.LOCKS, "replaced");
            if (before - replaced >= ttl.toNanos()) {
                break;
            }
            if (before - put < ttl.toNanos()) {
                assertEquals("v", a, "dropped before its time to live");
            }
            assertEquals("w", b, "a replaced entry is kept its new time to live");
            Thread.sleep(100);
        }
    }

    @Test
    void onePutIfAbsentWinsEachRound() throws Exception {
        for (int round = 0; round < 20; round++) {
            String key = "round" + round;
            List<Boolean> won = race(racers(), i -> () -> client(i).putIfAbsent(Region.CLAIMS, key, "racer " + i, LONG));
            assertEquals(1, won.stream().filter(w -> w).count(), "round " + round + ": " + won);
            String stored = store.get(Region.CLAIMS, key);
            assertEquals("racer " + won.indexOf(true), stored, "the winner's value is stored");
        }
    }

    @Test
    void oneReplaceWinsEachRound() throws Exception {
        store.putIfAbsent(Region.HOLDERS, "k", "v0", LONG);
        for (int round = 0; round < 20; round++) {
            String expected = "v" + round;
            int r = round;
            List<Boolean> won = race(racers(), i -> () -> client(i).replace(Region.HOLDERS, "k", expected,
                    "v" + (r + 1) + (i == 0 ? "" : "/" + i), LONG));
            assertEquals(1, won.stream().filter(w -> w).count(), "round " + round + ": " + won);
            // The winner's value becomes the next round's: put it back in the plain form.
            String now = store.get(Region.HOLDERS, "k");
            if (!now.equals("v" + (round + 1))) {
                assertTrue(store.replace(Region.HOLDERS, "k", now, "v" + (round + 1), LONG));
            }
        }
    }

    @Test
    void countersChangedByReplaceLoopsLoseNothing() throws Exception {
        int each = 200;
        store.putIfAbsent(Region.LIMITS, "counter", "0", LONG);
        race(racers(), i -> () -> {
            KeyValueStore s = client(i);
            for (int n = 0; n < each; n++) {
                while (true) {
                    String old = s.get(Region.LIMITS, "counter");
                    if (s.replace(Region.LIMITS, "counter", old, String.valueOf(Long.parseLong(old) + 1), LONG)) {
                        break;
                    }
                }
            }
            return true;
        });
        assertEquals(String.valueOf((long) racers() * each), store.get(Region.LIMITS, "counter"));
    }

    @Test
    void getAllReadsThePresentKeysOfOneRegion() {
        store.putIfAbsent(Region.HOLDERS, "h1", "one", LONG);
        store.putIfAbsent(Region.HOLDERS, "h2", "two", LONG);
        store.putIfAbsent(Region.USERS, "h3", "other region", LONG);
        Map<String, String> read = store.getAll(Region.HOLDERS, Set.of("h1", "h2", "h3", "h4"));
        assertEquals(Map.of("h1", "one", "h2", "two"), read);
    }

    @Test
    void forEachVisitsTheEntriesOfOneRegion() {
        store.putIfAbsent(Region.CLAIMS, "a", "1", LONG);
        store.putIfAbsent(Region.CLAIMS, "b", "2", LONG);
        store.putIfAbsent(Region.LOCKS, "c", "3", LONG);
        Map<String, String> seen = new HashMap<>();
        store.forEach(Region.CLAIMS, seen::put);
        if (forEachVisitsEntries()) {
            assertEquals(Map.of("a", "1", "b", "2"), seen);
        } else {
            seen.forEach((k, v) -> assertEquals(Map.of("a", "1", "b", "2").get(k), v, "only this region's, as stored"));
        }
    }

    @Test
    void anUnreachableBackendFailsWithApprovalStoreException() {
        store.putIfAbsent(Region.GRANTS, "k", "v", LONG);
        makeUnreachable(store);
        assertThrows(ApprovalStoreException.class, () -> store.get(Region.GRANTS, "k"));
        assertThrows(ApprovalStoreException.class, () -> store.getAll(Region.GRANTS, Set.of("k")));
        assertThrows(ApprovalStoreException.class, () -> store.putIfAbsent(Region.GRANTS, "l", "v", LONG));
        assertThrows(ApprovalStoreException.class, () -> store.replace(Region.GRANTS, "k", "v", "w", LONG));
        assertThrows(ApprovalStoreException.class, () -> store.remove(Region.GRANTS, "k", "v"));
    }

    // --- the library's rules on this backend ---

    private StoreRules rules(KeyValueStore s) {
        return StoreRules.over(s, "nl3", SEAL_KEY, 10, Clock.systemUTC());
    }

    private static GrantKey key(String user, String scope) {
        return new GrantKey(user, "ADMIN_ACCESS", scope);
    }

    @Test
    void aSingleUseGrantPassesOnceAcrossTwoNodes() throws Exception {
        StoreRules[] nodes = {rules(store), rules(track(sameBackend(store)))};
        for (int round = 0; round < 5; round++) {
            GrantKey k = key("alice", "POST /pay #" + round);
            nodes[round % 2].putGrant(k, new Grant(Instant.now().plus(LONG), 1));
            List<Boolean> passed = race(racers(), i -> () -> nodes[i % 2].useGrant(k, Instant.now()));
            assertEquals(1, passed.stream().filter(p -> p).count(), "round " + round + ": " + passed);
            assertFalse(nodes[0].useGrant(k, Instant.now()), "used up");
        }
    }

    @Test
    void aGrantOfThreeUsesGivesExactlyThree() throws Exception {
        StoreRules[] nodes = {rules(store), rules(track(sameBackend(store)))};
        GrantKey k = key("alice", "three");
        nodes[0].putGrant(k, new Grant(Instant.now().plus(LONG), 3));
        List<Boolean> passed = race(Math.max(racers(), 6), i -> () -> nodes[i % 2].useGrant(k, Instant.now()));
        assertEquals(3, passed.stream().filter(p -> p).count(), "" + passed);
    }

    @Test
    void requestTokensAreSharedByEveryNode() throws Exception {
        StoreRules[] nodes = {rules(store), rules(track(sameBackend(store)))};
        Instant now = Instant.now();
        Duration window = Duration.ofMinutes(3);
        List<Boolean> taken = race(12, i -> () -> nodes[i % 2].takeRequestToken("alice", 3, window, now).isZero());
        assertEquals(3, taken.stream().filter(t -> t).count(), "three tokens for everyone together: " + taken);
        assertEquals(Duration.ofMinutes(1), nodes[0].takeRequestToken("alice", 3, window, now));
        nodes[1].returnRequestToken("alice", 3, window, now);
        assertEquals(Duration.ZERO, nodes[0].takeRequestToken("alice", 3, window, now), "the returned token");
        assertEquals(Duration.ZERO, nodes[1].takeRequestToken("bob", 3, window, now), "per user");
    }

    @Test
    void aClaimIsExclusiveUntilItEndsOrIsReleased() throws Exception {
        StoreRules[] nodes = {rules(store), rules(track(sameBackend(store)))};
        GrantKey k = key("alice", "claimed");
        Instant now = Instant.now();
        List<Boolean> claimed = race(racers(), i -> () -> nodes[i % 2].claimRequest(k, "node" + i, now, now.plusSeconds(60)));
        assertEquals(1, claimed.stream().filter(c -> c).count(), "" + claimed);
        String winner = "node" + claimed.indexOf(true);
        nodes[0].releaseRequest(k, "somebody else");
        assertFalse(nodes[1].claimRequest(k, "late", now, now.plusSeconds(60)), "another's release does not free it");
        nodes[1].releaseRequest(k, winner);
        assertTrue(nodes[0].claimRequest(k, "next", now, now.plusSeconds(60)), "released");
        assertTrue(nodes[1].claimRequest(k, "after it ended", now.plusSeconds(61), now.plusSeconds(120)),
                "an ended claim may be taken over");
    }

    @Test
    void aValueCopiedUnderAnotherKeyReadsAsAbsent() {
        StoreRules node = rules(store);
        GrantKey mine = key("mallory", "");
        GrantKey theirs = key("alice", "");
        node.putGrant(mine, new Grant(Instant.now().plus(LONG), Grant.UNLIMITED));
        String genuine = store.get(Region.GRANTS, storedKey(mine));
        assertNotNull(genuine, "the library keeps a grant under its key's stable form");
        assertTrue(store.putIfAbsent(Region.GRANTS, storedKey(theirs), genuine, LONG));
        assertFalse(node.useGrant(theirs, Instant.now()), "a copy under another key is no grant");
        assertTrue(node.rejectedEntries() > 0, "and it was counted");
        assertTrue(node.useGrant(mine, Instant.now()), "the genuine one still works");
        String altered = genuine.substring(0, genuine.length() - 1) + (genuine.endsWith("1") ? "2" : "1");
        assertTrue(store.replace(Region.GRANTS, storedKey(mine), genuine, altered, LONG));
        assertFalse(node.useGrant(mine, Instant.now()), "an altered value is no grant");
    }

    @Test
    void aRevokedUserHoldsNothingOnAnyNode() {
        StoreRules[] nodes = {rules(store), rules(track(sameBackend(store)))};
        nodes[0].putGrant(key("alice", "a"), new Grant(Instant.now().plus(LONG), Grant.UNLIMITED));
        nodes[1].putGrant(key("alice", "b"), new Grant(Instant.now().plus(LONG), 1));
        nodes[1].putGrant(key("bob", "a"), new Grant(Instant.now().plus(LONG), Grant.UNLIMITED));
        assertEquals(Set.of("alice", "bob"), nodes[0].usersWithGrants(Instant.now()));
        assertEquals(2, nodes[1].revokeUser("alice"));
        assertFalse(nodes[0].useGrant(key("alice", "a"), Instant.now()));
        assertTrue(nodes[0].useGrant(key("bob", "a"), Instant.now()));
        assertEquals(Set.of("bob"), nodes[1].usersWithGrants(Instant.now()));
    }

    /** A grant key as the library stores it: each part prefixed by its length ({@code 5:alice12:ADMIN_ACCESS0:}). */
    private static String storedKey(GrantKey k) {
        return k.user().length() + ":" + k.user() + k.approvalKey().length() + ":" + k.approvalKey() + k.scope().length()
                + ":" + k.scope();
    }

    // --- racing ---

    private final Map<Integer, KeyValueStore> clients = new HashMap<>();

    /** Racer {@code i}'s client: even racers use the store, odd ones another client of the same backend. */
    private synchronized KeyValueStore client(int i) {
        if (i % 2 == 0) {
            return store;
        }
        return clients.computeIfAbsent(0, n -> {
            KeyValueStore other = sameBackend(store);
            return other == store ? store : track(other);
        });
    }

    /** Runs {@code n} tasks released at once; their results in racer order. */
    protected static <T> List<T> race(int n, java.util.function.IntFunction<Callable<T>> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Callable<T> c = task.apply(i);
                all.add(pool.submit(() -> {
                    go.await();
                    return c.call();
                }));
            }
            go.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : all) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
