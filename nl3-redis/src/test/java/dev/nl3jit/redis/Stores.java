package dev.nl3jit.redis;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Settings for a test store on a test server. */
final class Stores {
    private Stores() {
    }

    static RedisSettings settings(RedisServer server, String prefix, Duration timeout, String... pairs) {
        Map<String, String> m = new HashMap<>();
        m.put(RedisStoreFactory.URI_SETTING.name(), server.uri());
        if (prefix != null) {
            m.put(RedisStoreFactory.KEY_PREFIX.name(), prefix);
        }
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return RedisSettings.read(m::get, timeout);
    }

    static RedisKeyValueStore open(RedisServer server, String prefix) {
        return RedisKeyValueStore.open(settings(server, prefix, Duration.ofSeconds(2)));
    }
}
