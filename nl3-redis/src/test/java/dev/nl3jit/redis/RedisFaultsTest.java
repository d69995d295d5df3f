package dev.nl3jit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.filter.spi.ApprovalStoreException;
import dev.nl3jit.filter.spi.KeyValueStore.Region;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.AfterEach;

/**
 * Real faults, each on its own redis-server: the process stopped, or frozen with SIGSTOP (its socket still accepts, it
 * answers nothing). Every operation fails with ApprovalStoreException within the store's deadline (a frozen server:
 * within the deadline and one second), and the store works again once Redis does.
 */
class RedisFaultsTest {
    private static final Duration DEADLINE = Duration.ofMillis(700);
    private static final Duration TTL = Duration.ofMinutes(1);

    private RedisServer server;
    private RedisKeyValueStore store;

    @BeforeEach
    void start() {
        Assumptions.assumeTrue(RedisServer.installed(), RedisServer.BINARY + " is not installed (apt-get install redis-server)");
        server = RedisServer.start();
        store = RedisKeyValueStore.open(Stores.settings(server, "f:", DEADLINE));
        assertTrue(store.putIfAbsent(Region.GRANTS, "k", "v", TTL), "a pooled connection before the fault");
    }

    @AfterEach
    void stop() {
        if (store != null) {
            store.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static final Map<String, Consumer<RedisKeyValueStore>> OPS = Map.of(
            "get", s -> s.get(Region.GRANTS, "k"),
            "getAll", s -> s.getAll(Region.GRANTS, Set.of("k", "j")),
            "putIfAbsent", s -> s.putIfAbsent(Region.GRANTS, "n", "v", TTL),
            "replace", s -> s.replace(Region.GRANTS, "k", "v", "w", TTL),
            "remove", s -> s.remove(Region.GRANTS, "k", "v"),
            "forEach", s -> s.forEach(Region.GRANTS, (k, v) -> { }));

    /** Each operation fails with ApprovalStoreException naming it, within {@code bound}. */
    private void everyOperationFailsWithin(Duration bound) {
        for (Map.Entry<String, Consumer<RedisKeyValueStore>> op : OPS.entrySet()) {
            long start = System.nanoTime();
            ApprovalStoreException e = assertThrows(ApprovalStoreException.class, () -> op.getValue().accept(store), op.getKey());
            long took = (System.nanoTime() - start) / 1_000_000;
            assertTrue(took <= bound.toMillis(), op.getKey() + " failed after " + took + " ms, bound " + bound.toMillis() + " ms");
            assertTrue(e.getMessage().contains("Redis store " + op.getKey()), e.getMessage());
            assertTrue(e.getMessage().contains(server.uri()), e.getMessage());
        }
    }

    @Test
    void aStoppedRedisFailsEveryCallWithinTheDeadline() {
        server.stop();
        everyOperationFailsWithin(DEADLINE);
    }

    @Test
    void aFrozenRedisFailsEveryCallWithinTheDeadlinePlusASecond() {
        server.pause();
        try {
            everyOperationFailsWithin(DEADLINE.plusSeconds(1));
        } finally {
            server.resume();
        }
    }

    @Test
    void readsRecoverOnTheFirstCallAfterARestartAndWritesOnTheNext() {
        server.restart();
        // The pooled connection broke with the old process: a read is retried once on a fresh connection.
        assertEquals(null, store.get(Region.GRANTS, "k"), "the restarted server is empty");
        assertTrue(store.putIfAbsent(Region.GRANTS, "k", "v2", TTL));
        assertEquals("v2", store.get(Region.GRANTS, "k"));
    }

    @Test
    void aFrozenRedisThatWakesServesAgain() {
        server.pause();
        assertThrows(ApprovalStoreException.class, () -> store.get(Region.GRANTS, "k"));
        server.resume();
        // The timed-out connection was dropped (its late reply must never answer the next command); fresh ones serve.
        assertEquals("v", store.get(Region.GRANTS, "k"));
        assertTrue(store.replace(Region.GRANTS, "k", "v", "w", TTL));
        assertEquals("w", store.get(Region.GRANTS, "k"));
        assertFalse(store.remove(Region.GRANTS, "k", "v"));
    }
}
