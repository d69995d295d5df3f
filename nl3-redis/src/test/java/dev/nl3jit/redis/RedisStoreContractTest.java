package dev.nl3jit.redis;

import dev.nl3jit.filter.spi.KeyValueStore;
import dev.nl3jit.testkit.ApprovalStoreContract;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store contract on a real redis-server: each test's store has a key prefix of its own; the second client of the
 * backend is another pool on the same server, as another node has it; unreachable is the server process stopped (it is
 * started again, empty, on the same port for the next test).
 */
class RedisStoreContractTest extends ApprovalStoreContract {
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    private final Map<KeyValueStore, String> prefixes = new IdentityHashMap<>();
    private static boolean stopped;

    private RedisKeyValueStore open(String prefix) {
        RedisKeyValueStore s = RedisKeyValueStore.open(Stores.settings(redis.server(), prefix, Duration.ofSeconds(2)));
        prefixes.put(s, prefix);
        return s;
    }

    @Override
    protected KeyValueStore newStore() {
        if (stopped) {
            redis.server().restart();
            stopped = false;
        }
        return open("contract" + PREFIXES.incrementAndGet() + ":");
    }

    @Override
    protected KeyValueStore sameBackend(KeyValueStore store) {
        return open(prefixes.get(store));
    }

    @Override
    protected void makeUnreachable(KeyValueStore store) {
        stopped = true;
        redis.server().stop();
    }
}
