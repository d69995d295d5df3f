package dev.nl3jit.filter.spi;

import dev.nl3jit.filter.Setting;
import java.util.List;

import dev.nl3jit.filter.Nl3Settings;
import java.time.Clock;

/**
 * Makes the {@link KeyValueStore} that {@code nl3.store} names, found with {@link java.util.ServiceLoader} in the web
 * application's class loader (a {@code META-INF/services/dev.nl3jit.filter.spi.KeyValueStoreFactory} entry). nl3-jcache
 * installs {@code jcache}; {@code memory} is built in and is not a factory. The library seals, versions and bounds what
 * it writes; a factory only opens the backend.
 */
public interface KeyValueStoreFactory {

    /** The value of {@code nl3.store} that selects this factory, e.g. {@code jcache}. */
    String name();

    /**
     * The settings of this store alone (e.g. nl3-jcache's {@code nl3.store-provider}, {@code nl3.store-uri},
     * {@code nl3.store-name}), each described once: every source reads them, unknown-name detection knows them, a bad
     * value is a deployment problem like any other, and one set while {@code nl3.store} names another store is one too.
     * Their values are read with {@link Nl3Settings#get(Setting)}; the docs are rendered from these descriptions.
     */
    default List<Setting<?>> settings() {
        return List.of();
    }

    /**
     * What tells this application's store apart from others in the same backend, the same on every node (nl3-jcache:
     * {@code nl3.store-name}): bound into every entry's seal, so an entry copied from another store does not verify.
     */
    default String storeName(Nl3Settings settings) {
        return name();
    }

    /**
     * Opens the backend these settings describe (its own {@link #settings()}, {@code nl3.store-timeout} for its calls).
     *
     * @throws dev.nl3jit.filter.InvalidSettingsException the settings do not describe a store that can be opened
     * @throws ApprovalStoreException                     the backend cannot be reached
     */
    KeyValueStore create(Nl3Settings settings, Clock clock, ClassLoader loader);
}
