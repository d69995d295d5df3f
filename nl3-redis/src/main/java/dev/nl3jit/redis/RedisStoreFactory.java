package dev.nl3jit.redis;

import dev.nl3jit.filter.Nl3Settings;
import dev.nl3jit.filter.spi.KeyValueStore;
import dev.nl3jit.filter.spi.KeyValueStoreFactory;
import java.time.Clock;

/**
 * {@code nl3.store=redis}: a {@link RedisKeyValueStore} on the Redis {@code nl3.redis-uri} names, signed in as
 * {@code nl3.redis-user} with {@code nl3.redis-password}, its keys under {@code nl3.redis-key-prefix} (default
 * {@code nl3:<nl3.store-name>:}), every call within {@code nl3.store-timeout}. A malformed URI or refused credentials
 * fail the deployment, listing every problem; the password is never shown. The library seals every entry with a key
 * derived from the signing key: every node with the same key reads them. Installed through
 * {@link java.util.ServiceLoader}; applications do not call it.
 */
public final class RedisStoreFactory implements KeyValueStoreFactory {

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public KeyValueStore create(Nl3Settings settings, Clock clock, ClassLoader loader) {
        return RedisKeyValueStore.open(settings(settings));
    }

    /** This module's settings out of the library's. */
    public static RedisSettings settings(Nl3Settings settings) {
        return RedisSettings.read(name -> switch (name) {
            case RedisSettings.URI_SETTING -> settings.redisUri();
            case RedisSettings.USER_SETTING -> settings.redisUser();
            case RedisSettings.PASSWORD_SETTING -> settings.redisPassword();
            case RedisSettings.KEY_PREFIX_SETTING -> settings.redisKeyPrefix();
            default -> null;
        }, settings.storeName(), settings.storeTimeout());
    }
}
