package dev.nl3jit.redis;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real redis-server for a test class: started before its first test, stopped after its last. Skips the class, saying
 * why, only when Debian's {@code redis-server} is not installed ({@code apt-get install redis-server}; CI installs it).
 * Use as {@code @RegisterExtension static RedisExtension redis = new RedisExtension();}.
 */
public final class RedisExtension implements BeforeAllCallback, AfterAllCallback {
    private final String[] args;
    private RedisServer server;

    public RedisExtension(String... args) {
        this.args = args;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Assumptions.assumeTrue(RedisServer.installed(), RedisServer.BINARY + " is not installed (apt-get install redis-server): "
                + "the Redis store's tests are skipped");
        server = RedisServer.start(args);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
        }
    }

    public RedisServer server() {
        return server;
    }
}
