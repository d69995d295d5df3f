package dev.nl3jit.jcache;

import dev.nl3jit.filter.InvalidSettingsException;
import dev.nl3jit.filter.Nl3Settings;
import dev.nl3jit.filter.spi.KeyValueStore;
import dev.nl3jit.filter.spi.KeyValueStoreFactory;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.spi.CachingProvider;

/**
 * {@code nl3.store=jcache}: opens a cache manager of {@code nl3.store-provider} (default: the only JCache provider on
 * the class path) at {@code nl3.store-uri} (default: the provider's own) and keeps the store's caches in it, named
 * {@code nl3.store-name}{@code .*}. The provider is instantiated for this store alone and closed with it. The
 * manager is asked for with the provider's default class loader, so every node names the caches alike. The library
 * seals every entry with {@link Nl3Settings#storeSealKey()}, derived from the signing key: every node with the same
 * key reads them.
 * Installed through {@link java.util.ServiceLoader}; applications do not call it.
 */
public final class JCacheStoreFactory implements KeyValueStoreFactory {

    @Override
    public String name() {
        return "jcache";
    }

    @Override
    public KeyValueStore create(Nl3Settings settings, Clock clock, ClassLoader loader) {
        CachingProvider provider = provider(settings.storeProvider(), loader);
        URI uri = settings.storeUri() != null ? settings.storeUri() : provider.getDefaultURI();
        CacheManager manager;
        try {
            manager = provider.getCacheManager(uri, provider.getDefaultClassLoader());
        } catch (RuntimeException e) {
            provider.close();
            throw new InvalidSettingsException(List.of("nl3.store-uri: the JCache provider " + provider.getClass().getName()
                    + " cannot open a cache manager at " + uri + ": " + causes(e)));
        }
        try {
            return JCacheKeyValueStore.open(manager, true, settings.storeName());
        } catch (RuntimeException e) {
            provider.close();
            throw e;
        }
    }

    /** Each cause's message once, outermost first: providers often wrap the useful one. */
    private static String causes(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (b.indexOf(m) < 0) {
                b.append(b.length() == 0 ? "" : "; ").append(m);
            }
        }
        return b.toString();
    }

    private static CachingProvider provider(String className, ClassLoader loader) {
        if (className == null) {
            try {
                return Caching.getCachingProvider(loader);
            } catch (RuntimeException e) {
                throw new InvalidSettingsException(List.of("nl3.store-provider: not set, and no single JCache provider is on the "
                        + "class path (" + e.getMessage() + "); add one, e.g. com.hazelcast:hazelcast, and name its CachingProvider "
                        + "class, e.g. com.hazelcast.cache.HazelcastMemberCachingProvider"));
            }
        }
        try {
            Class<?> type = Class.forName(className, true, loader);
            if (!CachingProvider.class.isAssignableFrom(type)) {
                throw new InvalidSettingsException(List.of("nl3.store-provider: " + className
                        + " is not a javax.cache.spi.CachingProvider"));
            }
            return (CachingProvider) type.getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException | LinkageError e) {
            throw new InvalidSettingsException(List.of("nl3.store-provider: " + className + " is not on the application's class "
                    + "path; add its jar (for Hazelcast: com.hazelcast:hazelcast) to WEB-INF/lib"));
        } catch (ReflectiveOperationException e) {
            throw new InvalidSettingsException(List.of("nl3.store-provider: " + className + " cannot be created: " + e));
        }
    }
}
