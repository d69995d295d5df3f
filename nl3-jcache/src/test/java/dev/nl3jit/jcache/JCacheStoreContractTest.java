package dev.nl3jit.jcache;

import dev.nl3jit.filter.spi.KeyValueStore;
import dev.nl3jit.testkit.ApprovalStoreContract;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract on JCache over two real Hazelcast members (TCP on 127.0.0.1): each test's caches have a name of
 * their own; the second client of the backend is the other member's cache manager, as another node has it.
 */
class JCacheStoreContractTest extends ApprovalStoreContract {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static Members members;
    private final Map<KeyValueStore, String> names = new IdentityHashMap<>();

    @BeforeAll
    static void cluster() {
        members = Members.start(2, 0);
    }

    @AfterAll
    static void stop() {
        members.close();
    }

    @Override
    protected KeyValueStore newStore() {
        String name = "contract" + NAMES.incrementAndGet();
        KeyValueStore s = JCacheKeyValueStore.open(members.cacheManager(0), name);
        names.put(s, name);
        return s;
    }

    @Override
    protected KeyValueStore sameBackend(KeyValueStore store) {
        return JCacheKeyValueStore.open(members.cacheManager(1), names.get(store));
    }
}
