package dev.nl3jit.filter.spi;

import dev.nl3jit.filter.internal.store.ApprovalStore;
import dev.nl3jit.filter.InvalidSettingsException;
import dev.nl3jit.filter.Nl3Settings;

import java.time.Clock;

/**
 * Makes the store that {@code nl3.store} names, found with {@link java.util.ServiceLoader} in the web application's
 * class loader. nl3-jcache installs {@code jcache}; {@code memory} is built in.
 */
public interface ApprovalStoreFactory {

    /** The value of {@code nl3.store} that selects this factory, e.g. {@code jcache}. */
    String name();

    /**
     * Opens the store these settings describe ({@code nl3.store-provider}, {@code nl3.store-uri},
     * {@code nl3.store-name}, {@code nl3.max-entries-per-user}).
     *
     * @throws InvalidSettingsException the settings do not describe a store that can be opened
     */
    ApprovalStore create(Nl3Settings settings, Clock clock, ClassLoader loader);
}
