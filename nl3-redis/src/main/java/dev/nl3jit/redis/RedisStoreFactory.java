package dev.nl3jit.redis;

import dev.nl3jit.filter.Nl3Settings;
import dev.nl3jit.filter.Setting;
import dev.nl3jit.filter.spi.KeyValueStore;
import dev.nl3jit.filter.spi.KeyValueStoreFactory;
import java.time.Clock;
import java.util.List;

/**
 * {@code nl3.store=redis}: a {@link RedisKeyValueStore} on the Redis {@code nl3.redis-uri} names, signed in as
 * {@code nl3.redis-user} with {@code nl3.redis-password}, its keys under {@code nl3.redis-key-prefix} (default
 * {@code nl3:}), every call within {@code nl3.store-timeout}. A malformed URI or refused credentials fail the
 * deployment, listing every problem; the password is never shown. The library seals every entry with a key derived
 * from the signing key, bound to the key prefix: every node with the same key and prefix reads them.
 * Installed through {@link java.util.ServiceLoader}; applications do not call it.
 *
 * <p>Its settings, described here once ({@link #settings()}); the library reads, checks and documents them like its own:
 * <!-- settings:nl3-redis -->
 * <table>
 * <caption>Settings of nl3-redis</caption>
 * <tr><th>name</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code nl3.redis-uri}</td><td>none</td><td>where Redis is, required with {@code nl3.store=redis}: {@code redis://host:port/db}, or {@code rediss://host:port/db} for TLS; a password inside it is masked wherever it is shown</td></tr>
 * <tr><td>{@code nl3.redis-user}</td><td>Redis's {@code default} user</td><td>the Redis ACL user</td></tr>
 * <tr><td>{@code nl3.redis-password}</td><td>none</td><td>the ACL user's password (or {@code requirepass}); never logged, shown or put in an error</td></tr>
 * <tr><td>{@code nl3.redis-key-prefix}</td><td>{@code nl3:}</td><td>put before every Redis key ({@code <prefix><region>:<key>}), so several applications share one Redis; bound into every entry's seal</td></tr>
 * </table>
 * <!-- /settings:nl3-redis -->
 */
public final class RedisStoreFactory implements KeyValueStoreFactory {

    /** {@code nl3.redis-uri}: {@code redis://host:port/db} or {@code rediss://host:port/db} (TLS); may carry credentials. */
    public static final Setting<String> URI_SETTING = Setting.<String>of("nl3.redis-uri", null, String::strip, RedisSettings::uriProblem)
            .described("none", "where Redis is, required with `nl3.store=redis`: `redis://host:port/db`, or "
                    + "`rediss://host:port/db` for TLS; a password inside it is masked wherever it is shown")
            .ofStore("redis");
    /** {@code nl3.redis-user}: the ACL user, or {@code null} for Redis's {@code default} user. */
    public static final Setting<String> USER = Setting.<String>of("nl3.redis-user", null, String::strip, null)
            .described("Redis's `default` user", "the Redis ACL user")
            .ofStore("redis");
    /** {@code nl3.redis-password}: the ACL password (or {@code requirepass}); never shown, so no rule here repeats it. */
    public static final Setting<String> PASSWORD = Setting.<String>of("nl3.redis-password", null, s -> s, null)
            .described(null, "the ACL user's password (or `requirepass`); never logged, shown or put in an error")
            .ofStore("redis");
    /** {@code nl3.redis-key-prefix}: put before every key, so several applications share one Redis. */
    public static final Setting<String> KEY_PREFIX = Setting.<String>of("nl3.redis-key-prefix", "nl3:", s -> s,
            RedisSettings::prefixProblem)
            .described(null, "put before every Redis key (`<prefix><region>:<key>`), so several applications share one Redis; "
                    + "bound into every entry's seal")
            .ofStore("redis");

    static final List<Setting<?>> SETTINGS = List.of(URI_SETTING, USER, PASSWORD, KEY_PREFIX);

    @Override
    public List<Setting<?>> settings() {
        return SETTINGS;
    }

    /**
     * {@code nl3.redis-key-prefix}: it tells this application's entries apart from others in the same Redis, the same
     * on every node (unlike the URI, which may name the same Redis differently from each node); bound into every
     * entry's seal, so an entry copied under another prefix does not verify.
     */
    @Override
    public String storeName(Nl3Settings settings) {
        return settings.get(KEY_PREFIX);
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public KeyValueStore create(Nl3Settings settings, Clock clock, ClassLoader loader) {
        return RedisKeyValueStore.open(RedisSettings.of(settings));
    }
}
