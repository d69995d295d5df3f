package dev.nl3jit.filter;

import dev.nl3jit.redis.RedisKeyValueStore;
import dev.nl3jit.redis.RedisServer;
import dev.nl3jit.redis.RedisSettings;
import dev.nl3jit.redis.RedisStoreFactory;
import dev.nl3jit.sandbox.MovableClock;
import java.time.Duration;
import java.util.Map;

/**
 * nl3-filter's {@link LoadRun} on the Redis store, for {@code benchmarks/grant-path-store.sh}: a redis-server started on
 * a free port of 127.0.0.1 (or the one at {@code REDIS_URI}), the application's store a pool on it. Not a test; it stops
 * at end of input, and stops the redis-server it started.
 */
public final class RedisStoreLoadRun {
    private RedisStoreLoadRun() {
    }

    public static void main(String[] args) throws Exception {
        String given = System.getenv("REDIS_URI");
        try (RedisServer server = given == null ? RedisServer.start() : null) {
            String uri = given != null ? given : server.uri();
            Map<String, String> m = Map.of(RedisStoreFactory.URI_SETTING.name(), uri, RedisStoreFactory.KEY_PREFIX.name(), "load" + ProcessHandle.current().pid() + ":");
            try (RedisKeyValueStore store = RedisKeyValueStore.open(RedisSettings.read(m::get, Duration.ofSeconds(2)))) {
                LoadRun.serve(store, new MovableClock(), () -> System.out.println("grant partition: owned by the redis-server"));
            }
        }
    }
}
