package dev.nl3jit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.filter.spi.ApprovalStoreException;
import dev.nl3jit.filter.spi.KeyValueStore.Region;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store contract's operations against a real redis-server, as the core will call them. */
class RedisKeyValueStoreTest {
    private static final Duration TTL = Duration.ofMinutes(5);
    private static final AtomicInteger N = new AtomicInteger();

    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    private RedisKeyValueStore store;
    private String prefix;

    @BeforeEach
    void open() {
        prefix = "t" + N.incrementAndGet() + ":";
        store = Stores.open(redis.server(), prefix);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void putIfAbsentStoresOnceAndGetReadsItBack() {
        assertNull(store.get(Region.GRANTS, "alice"));
        assertTrue(store.putIfAbsent(Region.GRANTS, "alice", "v1", TTL));
        assertFalse(store.putIfAbsent(Region.GRANTS, "alice", "v2", TTL));
        assertEquals("v1", store.get(Region.GRANTS, "alice"));
        assertEquals("v1", redis.server().cli("GET", prefix + "grants:alice"), "the key is <prefix><region>:<key>");
    }

    @Test
    void theTimeToLiveIsSetOnEveryWrite() {
        store.putIfAbsent(Region.PENDING, "k", "v1", Duration.ofSeconds(100));
        long pttl = Long.parseLong(redis.server().cli("PTTL", prefix + "pending:k"));
        assertTrue(pttl > 90_000 && pttl <= 100_000, "PTTL after put: " + pttl);
        assertTrue(store.replace(Region.PENDING, "k", "v1", "v2", Duration.ofSeconds(300)));
        pttl = Long.parseLong(redis.server().cli("PTTL", prefix + "pending:k"));
        assertTrue(pttl > 290_000 && pttl <= 300_000, "PTTL after replace: " + pttl);
    }

    @Test
    void anEntryIsGoneOnceItsTimeToLiveHasPassed() throws InterruptedException {
        assertTrue(store.putIfAbsent(Region.CLAIMS, "c", "v", Duration.ofMillis(50)));
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (store.get(Region.CLAIMS, "c") != null && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertNull(store.get(Region.CLAIMS, "c"));
        assertTrue(store.putIfAbsent(Region.CLAIMS, "c", "again", TTL), "an expired key can be claimed again");
    }

    @Test
    void replaceSucceedsOnlyFromTheExactExpectedValue() {
        assertFalse(store.replace(Region.GRANTS, "k", "v1", "v2", TTL), "nothing there");
        store.putIfAbsent(Region.GRANTS, "k", "v1", TTL);
        assertFalse(store.replace(Region.GRANTS, "k", "v1 ", "v2", TTL), "values are compared whole");
        assertFalse(store.replace(Region.GRANTS, "k", "v", "v2", TTL), "not a prefix match");
        assertTrue(store.replace(Region.GRANTS, "k", "v1", "v2", TTL));
        assertFalse(store.replace(Region.GRANTS, "k", "v1", "v3", TTL), "v1 is gone");
        assertEquals("v2", store.get(Region.GRANTS, "k"));
    }

    @Test
    void removeSucceedsOnlyForTheExactExpectedValue() {
        assertFalse(store.remove(Region.GRANTS, "k", "v1"));
        store.putIfAbsent(Region.GRANTS, "k", "v1", TTL);
        assertFalse(store.remove(Region.GRANTS, "k", "v2"));
        assertEquals("v1", store.get(Region.GRANTS, "k"));
        assertTrue(store.remove(Region.GRANTS, "k", "v1"));
        assertNull(store.get(Region.GRANTS, "k"));
        assertFalse(store.remove(Region.GRANTS, "k", "v1"));
    }

    @Test
    void regionsAreSeparateKeySpaces() {
        store.putIfAbsent(Region.GRANTS, "same", "g", TTL);
        assertTrue(store.putIfAbsent(Region.PENDING, "same", "p", TTL));
        assertEquals("g", store.get(Region.GRANTS, "same"));
        assertEquals("p", store.get(Region.PENDING, "same"));
        assertNull(store.get(Region.PENDING_KEYS, "same"));
    }

    @Test
    void twoPrefixesOnOneServerAreTwoStores() {
        try (RedisKeyValueStore other = Stores.open(redis.server(), prefix + "other:")) {
            store.putIfAbsent(Region.GRANTS, "k", "mine", TTL);
            assertNull(other.get(Region.GRANTS, "k"));
            assertTrue(other.putIfAbsent(Region.GRANTS, "k", "theirs", TTL));
            Map<String, String> seen = new HashMap<>();
            store.forEach(Region.GRANTS, seen::put);
            assertEquals(Map.of("k", "mine"), seen, "a store's walk does not reach into a longer prefix's keys");
        }
    }

    @Test
    void getAllReadsThePresentOnesInOneGo() {
        store.putIfAbsent(Region.USERS, "a", "1", TTL);
        store.putIfAbsent(Region.USERS, "c", "3", TTL);
        assertEquals(Map.of("a", "1", "c", "3"), store.getAll(Region.USERS, Set.of("a", "b", "c")));
        assertEquals(Map.of(), store.getAll(Region.USERS, Set.of()));
        assertEquals(Map.of(), store.getAll(Region.USERS, Set.of("x")));
    }

    @Test
    void keysAndValuesAreAnyStringsReturnedUnchanged() {
        String key = "ünï*co?de [x] \\ \u0000 :: 😀 " + "k".repeat(200);
        String value = "é😀\n\r\t\"'\u0000" + "x".repeat(64 * 1024 - 20);
        assertTrue(store.putIfAbsent(Region.PENDING, key, value, TTL));
        assertEquals(value, store.get(Region.PENDING, key));
        assertEquals(Map.of(key, value), store.getAll(Region.PENDING, Set.of(key)));
        Map<String, String> seen = new HashMap<>();
        store.forEach(Region.PENDING, seen::put);
        assertEquals(Map.of(key, value), seen);
        assertTrue(store.replace(Region.PENDING, key, value, value + "!", TTL));
        assertTrue(store.remove(Region.PENDING, key, value + "!"));
    }

    @Test
    void forEachVisitsEveryEntryOfTheRegionAndNoOther() {
        Map<String, String> expected = new HashMap<>();
        for (int i = 0; i < 1_200; i++) {
            store.putIfAbsent(Region.HOLDERS, "h" + i, "v" + i, TTL);
            expected.put("h" + i, "v" + i);
        }
        store.putIfAbsent(Region.LOCKS, "h1", "lock", TTL);
        // a key with the region's name but not under the prefix, and one of a prefix with a glob character
        redis.server().cli("SET", "x" + prefix + "holders:zz", "foreign");
        Map<String, String> seen = new HashMap<>();
        store.forEach(Region.HOLDERS, seen::put);
        assertEquals(expected, seen);
    }

    @Test
    void aGlobCharacterInThePrefixMatchesOnlyItself() {
        try (RedisKeyValueStore star = Stores.open(redis.server(), "g*" + prefix);
                RedisKeyValueStore plain = Stores.open(redis.server(), "gX" + prefix)) {
            star.putIfAbsent(Region.LIMITS, "a", "star", TTL);
            plain.putIfAbsent(Region.LIMITS, "b", "plain", TTL);
            Map<String, String> seen = new HashMap<>();
            star.forEach(Region.LIMITS, seen::put);
            assertEquals(Map.of("a", "star"), seen);
        }
    }

    @Test
    void scriptsAreSentAgainWhenTheServerForgotThem() {
        store.putIfAbsent(Region.GRANTS, "k", "v1", TTL);
        assertTrue(store.replace(Region.GRANTS, "k", "v1", "v2", TTL));
        assertEquals("OK", redis.server().cli("SCRIPT", "FLUSH"));
        assertTrue(store.replace(Region.GRANTS, "k", "v2", "v3", TTL), "NOSCRIPT → EVAL");
        assertEquals("OK", redis.server().cli("SCRIPT", "FLUSH"));
        assertTrue(store.remove(Region.GRANTS, "k", "v3"), "NOSCRIPT → EVAL");
    }

    @Test
    void racedConditionalWritesHaveOneWinner() throws Exception {
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 20; round++) {
                String key = "race" + round;
                assertEquals(1, race(pool, threads, i -> store.putIfAbsent(Region.CLAIMS, key, "claim" + i, TTL)), "putIfAbsent");
                String current = store.get(Region.CLAIMS, key);
                assertEquals(1, race(pool, threads, i -> store.replace(Region.CLAIMS, key, current, "next" + i, TTL)), "replace");
                String next = store.get(Region.CLAIMS, key);
                assertEquals(1, race(pool, threads, i -> store.remove(Region.CLAIMS, key, next)), "remove");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    interface Op {
        boolean run(int i);
    }

    private static int race(ExecutorService pool, int threads, Op op) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new java.util.ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int n = i;
            Callable<Boolean> c = () -> {
                go.await();
                return op.run(n);
            };
            results.add(pool.submit(c));
        }
        go.countDown();
        int won = 0;
        for (Future<Boolean> f : results) {
            won += f.get() ? 1 : 0;
        }
        return won;
    }

    @Test
    void closeLeavesNoThreadAndLaterCallsFail() throws InterruptedException {
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        RedisKeyValueStore s = Stores.open(redis.server(), prefix + "c:");
        s.putIfAbsent(Region.GRANTS, "k", "v", TTL);
        s.get(Region.GRANTS, "k");
        s.forEach(Region.GRANTS, (k, v) -> { });
        s.close();
        Set<Thread> after = new HashSet<>(Thread.getAllStackTraces().keySet());
        after.removeAll(before);
        after.removeIf(t -> !t.isAlive());
        assertEquals(Set.of(), names(after), "threads left after close");
        assertThrows(ApprovalStoreException.class, () -> s.get(Region.GRANTS, "k"));
    }

    private static Set<String> names(Set<Thread> threads) {
        Set<String> names = new HashSet<>();
        threads.forEach(t -> names.add(t.getName()));
        return names;
    }

    @Test
    void toStringShowsWhereButNoPassword() {
        assertTrue(store.toString().contains(redis.server().uri()), store.toString());
    }
}
