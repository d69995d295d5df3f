package dev.nl3jit.jcache;

import dev.nl3jit.filter.InvalidSettingsException;
import dev.nl3jit.filter.Nl3Settings;
import dev.nl3jit.filter.Setting;
import dev.nl3jit.filter.spi.KeyValueStore;
import dev.nl3jit.filter.spi.KeyValueStoreFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.List;
import java.util.regex.Pattern;
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
 *
 * <p>Its settings, described here once ({@link #settings()}); the library reads, checks and documents them like its own:
 * <!-- settings:nl3-jcache -->
 * <table>
 * <caption>Settings of nl3-jcache</caption>
 * <tr><th>name</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code nl3.store-provider}</td><td>(the only provider)</td><td>JCache {@code CachingProvider} class, e.g. {@code com.hazelcast.cache.HazelcastMemberCachingProvider} or {@code com.hazelcast.client.cache.HazelcastClientCachingProvider}</td></tr>
 * <tr><td>{@code nl3.store-uri}</td><td>(the provider's default)</td><td>JCache cache manager URI, e.g. {@code classpath:hazelcast-client.xml}</td></tr>
 * <tr><td>{@code nl3.store-name}</td><td>{@code nl3}</td><td>prefix of the store's cache names, so several applications can share one cluster</td></tr>
 * </table>
 * <!-- /settings:nl3-jcache -->
 */
public final class JCacheStoreFactory implements KeyValueStoreFactory {
    private static final Pattern CLASS_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");
    private static final Pattern NAME_FORM = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** {@code nl3.store-provider}: the JCache {@code CachingProvider} class name, or {@code null} for the only one. */
    public static final Setting<String> PROVIDER = Setting.<String>of("nl3.store-provider", null, s -> s,
            v -> v == null || CLASS_NAME.matcher(v).matches() ? null : "'" + v + "'"
                    + "; expected a JCache CachingProvider class name, e.g. com.hazelcast.cache.HazelcastMemberCachingProvider")
            .described("(the only provider)", "JCache `CachingProvider` class, e.g. "
                    + "`com.hazelcast.cache.HazelcastMemberCachingProvider` or `com.hazelcast.client.cache.HazelcastClientCachingProvider`")
            .ofStore("jcache");
    /** {@code nl3.store-uri}: the cache manager URI, or {@code null} for the provider's default. */
    public static final Setting<URI> URI_SETTING = Setting.of("nl3.store-uri", null, JCacheStoreFactory::uri, null)
            .described("(the provider's default)", "JCache cache manager URI, e.g. `classpath:hazelcast-client.xml`")
            .ofStore("jcache");
    /** {@code nl3.store-name}: the prefix of the store's cache names. */
    public static final Setting<String> NAME = Setting.<String>of("nl3.store-name", "nl3", s -> s,
            v -> NAME_FORM.matcher(v).matches() ? null : "'" + v + "'"
                    + "; expected letters, digits, '.', '_' or '-' (the prefix of the store's cache names)")
            .described(null, "prefix of the store's cache names, so several applications can share one cluster")
            .ofStore("jcache");

    /** Any absolute or relative URI, e.g. {@code classpath:hazelcast-client.xml}. */
    private static URI uri(String text) {
        try {
            return new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a URI; expected e.g. classpath:hazelcast.xml or file:/etc/hazelcast.xml");
        }
    }

    @Override
    public List<Setting<?>> settings() {
        return List.of(PROVIDER, URI_SETTING, NAME);
    }

    /** {@code nl3.store-name}: the prefix of the cache names, bound into every entry's seal. */
    @Override
    public String storeName(Nl3Settings settings) {
        return settings.get(NAME);
    }

    @Override
    public String name() {
        return "jcache";
    }

    @Override
    public KeyValueStore create(Nl3Settings settings, Clock clock, ClassLoader loader) {
        CachingProvider provider = provider(settings.get(PROVIDER), loader);
        URI uri = settings.get(URI_SETTING) != null ? settings.get(URI_SETTING) : provider.getDefaultURI();
        CacheManager manager;
        try {
            manager = provider.getCacheManager(uri, provider.getDefaultClassLoader());
        } catch (RuntimeException e) {
            provider.close();
            throw new InvalidSettingsException(List.of("nl3.store-uri: the JCache provider " + provider.getClass().getName()
                    + " cannot open a cache manager at " + uri + ": " + causes(e)));
        }
        try {
            return JCacheKeyValueStore.open(manager, true, settings.get(NAME));
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
