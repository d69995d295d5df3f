package dev.nl3jit.jcache;

import dev.nl3jit.filter.spi.ApprovalStoreException;
import dev.nl3jit.filter.spi.KeyValueStore;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.ModifiedExpiryPolicy;

/**
 * A {@link KeyValueStore} on the standard JCache API (JSR-107), so every node of a cluster sees the same entries. Works
 * with any provider; tested with Hazelcast members. Each operation is one operation of the cache ({@code get},
 * {@code getAll}, {@code putIfAbsent}, {@code replace(k, old, new)}, {@code remove(k, old)}), so nothing needs code
 * deployed on the cluster's members (a Hazelcast client works as well as an embedded member).
 *
 * <p>One cache per region, all {@code String} to {@code String}, named {@code <name>.<region>}: {@code .grants},
 * {@code .pending}, {@code .pending-keys}, {@code .users}, {@code .holders}, {@code .limits}, {@code .claims},
 * {@code .locks}. A cache the application's configuration already defines (with backups, a near cache, split-brain
 * protection) is used as it is; a missing one is created with entries expiring {@value #SAFETY_NET_DAYS} days after
 * their last change. The library keeps its own deadline in every value; the per-entry time to live asked for is not
 * passed to the cache (JCache sets expiry per cache, not per call), so every entry is kept at least as long as asked.
 */
public final class JCacheKeyValueStore implements KeyValueStore {
    static final int SAFETY_NET_DAYS = 8;

    private final CacheManager manager;
    private final boolean ownsManager;
    private final String name;
    private final Map<Region, Cache<String, String>> caches = new EnumMap<>(Region.class);

    private JCacheKeyValueStore(CacheManager manager, boolean ownsManager, String name) {
        this.manager = manager;
        this.ownsManager = ownsManager;
        this.name = name;
        for (Region r : Region.values()) {
            caches.put(r, cache(manager, name + "." + r.id()));
        }
        SplitBrain.warnIfUnprotected(name, caches.get(Region.GRANTS));
    }

    /**
     * A store in {@code manager}'s caches, which the caller keeps open and closes.
     *
     * @param name the prefix of the cache names, the same on every node of one application ({@code nl3.store-name})
     */
    public static JCacheKeyValueStore open(CacheManager manager, String name) {
        return open(manager, false, name);
    }

    static JCacheKeyValueStore open(CacheManager manager, boolean ownsManager, String name) {
        Objects.requireNonNull(manager, "manager");
        Objects.requireNonNull(name, "name");
        try {
            return new JCacheKeyValueStore(manager, ownsManager, name);
        } catch (RuntimeException e) {
            throw new ApprovalStoreException("cannot open the JCache caches " + name + ".*: " + e.getMessage(), e);
        }
    }

    private static Cache<String, String> cache(CacheManager manager, String name) {
        Cache<String, String> c = manager.getCache(name, String.class, String.class);
        if (c != null) {
            return c;
        }
        MutableConfiguration<String, String> config = new MutableConfiguration<String, String>()
                .setTypes(String.class, String.class)
                .setStoreByValue(true)
                .setExpiryPolicyFactory(ModifiedExpiryPolicy.factoryOf(
                        new javax.cache.expiry.Duration(TimeUnit.DAYS, SAFETY_NET_DAYS)));
        try {
            return manager.createCache(name, config);
        } catch (CacheException e) {
            // Another node created it a moment ago.
            c = manager.getCache(name, String.class, String.class);
            if (c == null) {
                throw e;
            }
            return c;
        }
    }

    /** Any failure of the cache is an {@link ApprovalStoreException}. */
    private static <T> T guard(Supplier<T> op) {
        try {
            return op.get();
        } catch (ApprovalStoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ApprovalStoreException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private Cache<String, String> cache(Region region) {
        return caches.get(Objects.requireNonNull(region, "region"));
    }

    @Override
    public String get(Region region, String key) {
        return guard(() -> cache(region).get(key));
    }

    @Override
    public Map<String, String> getAll(Region region, Set<String> keys) {
        return guard(() -> new HashMap<>(cache(region).getAll(keys)));
    }

    @Override
    public boolean putIfAbsent(Region region, String key, String value, Duration ttl) {
        return guard(() -> cache(region).putIfAbsent(key, value));
    }

    @Override
    public boolean replace(Region region, String key, String expected, String value, Duration ttl) {
        return guard(() -> cache(region).replace(key, expected, value));
    }

    @Override
    public boolean remove(Region region, String key, String expected) {
        return guard(() -> cache(region).remove(key, expected));
    }

    @Override
    public void forEach(Region region, BiConsumer<String, String> each) {
        guard(() -> {
            for (Cache.Entry<String, String> e : cache(region)) {
                each.accept(e.getKey(), e.getValue());
            }
            return null;
        });
    }

    /** Closes the cache manager when this store opened it ({@code nl3.store=jcache}); else leaves it to its owner. */
    @Override
    public void close() {
        if (ownsManager) {
            try {
                Object instance = providerInstance(manager);
                manager.close();
                manager.getCachingProvider().close();
                if (instance != null) {
                    // A member or client the provider started from nl3.store-uri is the store's own: it leaves with it,
                    // so a redeploy does not find a second member of its own JVM still in the cluster.
                    Object lifecycle = instance.getClass().getMethod("getLifecycleService").invoke(instance);
                    lifecycle.getClass().getMethod("shutdown").invoke(lifecycle);
                }
            } catch (RuntimeException | ReflectiveOperationException e) {
                System.getLogger(JCacheKeyValueStore.class.getName()).log(System.Logger.Level.DEBUG,
                        "closing the cache manager failed: {0}", e.toString());
            }
        }
    }

    /** Hazelcast's cache manager names the instance it runs on; other providers close theirs with the provider. */
    private static Object providerInstance(CacheManager manager) {
        try {
            java.lang.reflect.Method m = manager.getClass().getMethod("getHazelcastInstance");
            m.setAccessible(true);
            return m.invoke(manager);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "JCacheKeyValueStore[" + manager.getURI() + ", " + name + ".*]";
    }
}
