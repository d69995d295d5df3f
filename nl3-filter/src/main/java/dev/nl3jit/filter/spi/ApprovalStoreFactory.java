package dev.nl3jit.filter.spi;

import dev.nl3jit.filter.Setting;
import dev.nl3jit.filter.internal.settings.SettingsDocs;

import dev.nl3jit.filter.internal.store.ApprovalStore;
import dev.nl3jit.filter.InvalidSettingsException;
import dev.nl3jit.filter.Nl3Settings;

import java.time.Clock;
import java.util.List;

/**
 * Makes the store that {@code nl3.store} names, found with {@link java.util.ServiceLoader} in the web application's
 * class loader. nl3-jcache installs {@code jcache}; {@code memory} is built in.
 */
public interface ApprovalStoreFactory {

    /** The value of {@code nl3.store} that selects this factory, e.g. {@code jcache}. */
    String name();

    /**
     * The settings of this store alone (e.g. nl3-jcache's {@code nl3.store-provider}, {@code nl3.store-uri},
     * {@code nl3.store-name}), each described once: every source reads them, unknown-name detection knows them, a bad
     * value is a deployment problem like any other, and one set while {@code nl3.store} names another store is one too.
     * Their values are read with {@link Nl3Settings#get(Setting)}; their docs are rendered by {@link SettingsDocs}.
     */
    default List<Setting<?>> settings() {
        return List.of();
    }

    /**
     * Opens the store these settings describe (its own {@link #settings()}, {@code nl3.max-entries-per-user},
     * {@link Nl3Settings#storeSealKey()}).
     *
     * @throws InvalidSettingsException the settings do not describe a store that can be opened
     */
    ApprovalStore create(Nl3Settings settings, Clock clock, ClassLoader loader);
}
