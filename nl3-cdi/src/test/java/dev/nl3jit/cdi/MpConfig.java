package dev.nl3jit.cdi;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;

/** Registers a MicroProfile Config (SmallRye) with exactly the given values for this thread's class loader. */
final class MpConfig implements AutoCloseable {
    private final Config config;

    private MpConfig(Config config) {
        this.config = config;
    }

    static MpConfig use(Map<String, String> values) {
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        try {
            resolver.releaseConfig(resolver.getConfig(tccl));
        } catch (IllegalStateException e) {
            // none registered yet
        }
        Config config = new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(values, "test", 500)).build();
        resolver.registerConfig(config, tccl);
        return new MpConfig(config);
    }

    @Override
    public void close() {
        ConfigProviderResolver.instance().releaseConfig(config);
    }
}
