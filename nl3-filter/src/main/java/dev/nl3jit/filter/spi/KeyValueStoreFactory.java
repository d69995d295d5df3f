package dev.nl3jit.filter.spi;

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
     * Opens the backend these settings describe ({@code nl3.store-provider}, {@code nl3.store-uri},
     * {@code nl3.store-name}).
     *
     * @throws dev.nl3jit.filter.InvalidSettingsException the settings do not describe a store that can be opened
     * @throws ApprovalStoreException                     the backend cannot be reached
     */
    KeyValueStore create(Nl3Settings settings, Clock clock, ClassLoader loader);
}
