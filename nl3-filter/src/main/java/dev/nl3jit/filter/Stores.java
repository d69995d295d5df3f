package dev.nl3jit.filter;

import dev.nl3jit.filter.spi.KeyValueStore;
import dev.nl3jit.filter.spi.KeyValueStoreFactory;
import java.time.Clock;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Opens the store {@code nl3.store} names: the built-in {@code memory} (typed cells in this JVM), or the
 * {@link KeyValueStore} of an installed {@link KeyValueStoreFactory}, sealed with {@link Nl3Settings#storeSealKey()}.
 */
final class Stores {
    static final String MEMORY = "memory";

    private Stores() {
    }

    /** What identifies one store: settings that name the same store share it within an application. */
    static String spec(Nl3Settings s) {
        return s.store() + "|" + s.storeProvider() + "|" + s.storeUri() + "|" + s.storeName();
    }

    /**
     * @throws InvalidSettingsException the named store is not installed, or cannot be opened with these settings
     */
    static Ledger open(Nl3Settings settings, Clock clock, ClassLoader loader) {
        if (MEMORY.equals(settings.store())) {
            return Ledger.inMemory(settings.maxEntries(), settings.maxEntriesPerUser(), clock);
        }
        List<String> installed = new java.util.ArrayList<>();
        for (KeyValueStoreFactory f : ServiceLoader.load(KeyValueStoreFactory.class, loader)) {
            if (f.name().equals(settings.store())) {
                return Ledger.over(f.create(settings, clock, loader), settings.storeName(), settings.storeSealKey(), settings.maxEntriesPerUser(), clock);
            }
            installed.add(f.name());
        }
        throw new InvalidSettingsException(List.of("nl3.store: '" + settings.store() + "' is not installed (installed: memory"
                + (installed.isEmpty() ? "" : ", " + String.join(", ", installed)) + "); for jcache add dev.nl3jit:nl3-jcache and "
                + "a JCache provider such as com.hazelcast:hazelcast to the application (WEB-INF/lib)"));
    }

    /** The class loader of the application being set up (the thread's context loader during deployment). */
    static ClassLoader loader() {
        ClassLoader l = Thread.currentThread().getContextClassLoader();
        return l != null ? l : Stores.class.getClassLoader();
    }
}
