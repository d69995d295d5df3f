package dev.nl3jit.filter.internal.store;

import dev.nl3jit.filter.internal.settings.SettingsTable;
import dev.nl3jit.filter.internal.util.Loaders;
import dev.nl3jit.filter.Setting;

import dev.nl3jit.filter.spi.KeyValueStoreFactory;
import dev.nl3jit.filter.InvalidSettingsException;
import dev.nl3jit.filter.Nl3Settings;

import java.time.Clock;
import java.util.List;
import java.util.ServiceLoader;

/** Opens the store {@code nl3.store} names: the built-in {@code memory}, or an installed {@link KeyValueStoreFactory}. */
public final class Stores {
    public static final String MEMORY = "memory";

    private Stores() {
    }

    /**
     * What identifies one store: settings that name the same store with the same values of its own settings share it
     * within an application.
     */
    public static String spec(Nl3Settings s) {
        StringBuilder b = new StringBuilder(s.store());
        for (Setting<?> setting : SettingsTable.installed(Loaders.application())) {
            if (s.store().equals(setting.store())) {
                b.append('|').append(setting.name()).append('=').append(s.get(setting));
            }
        }
        return b.toString();
    }


    /**
     * @throws InvalidSettingsException the named store is not installed, or cannot be opened with these settings
     */
    public static Ledger open(Nl3Settings settings, Clock clock, ClassLoader loader) {
        if (MEMORY.equals(settings.store())) {
            return Ledger.inMemory(settings.maxEntries(), settings.maxEntriesPerUser(), clock);
        }
        List<String> installed = new java.util.ArrayList<>();
        for (KeyValueStoreFactory f : ServiceLoader.load(KeyValueStoreFactory.class, loader)) {
            if (f.name().equals(settings.store())) {
                return Ledger.over(f.create(settings, clock, loader), f.storeName(settings), settings.storeSealKey(),
                        settings.maxEntriesPerUser(), clock);
            }
            installed.add(f.name());
        }
        throw new InvalidSettingsException(List.of("nl3.store: '" + settings.store() + "' is not installed (installed: memory"
                + (installed.isEmpty() ? "" : ", " + String.join(", ", installed)) + "); for jcache add dev.nl3jit:nl3-jcache and "
                + "a JCache provider such as com.hazelcast:hazelcast to the application (WEB-INF/lib), for redis dev.nl3jit:nl3-redis"));
    }


    /**
     * The name an application's store is sealed under (the same on every node): what the installed factory named by
     * {@code nl3.store} says ({@link KeyValueStoreFactory#storeName}), or {@code nl3} for a store given directly.
     */
    public static String storeName(Nl3Settings settings, ClassLoader loader) {
        for (KeyValueStoreFactory f : ServiceLoader.load(KeyValueStoreFactory.class, loader)) {
            if (f.name().equals(settings.store())) {
                return f.storeName(settings);
            }
        }
        return "nl3";
    }
}
