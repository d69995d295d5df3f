package dev.nl3jit.jcache;

import java.lang.reflect.Method;
import javax.cache.Cache;
import javax.cache.configuration.Configuration;

/**
 * Says, when a store opens, that its caches have no split-brain protection, where the provider can tell (Hazelcast's
 * cache configuration names its protection; other providers' are not inspected). Without it each side of a partition
 * serves from its own copy, and a single-use approval may run on both.
 */
final class SplitBrain {
    private static final System.Logger LOG = System.getLogger(JCacheKeyValueStore.class.getName());

    private SplitBrain() {
    }

    /** Logs a warning when {@code cache}'s configuration names no split-brain protection. */
    static void warnIfUnprotected(String name, Cache<?, ?> cache) {
        try {
            @SuppressWarnings("unchecked")
            Object config = cache.getConfiguration(Configuration.class);
            Method protection = config.getClass().getMethod("getSplitBrainProtectionName");
            if (protection.invoke(config) == null) {
                LOG.log(System.Logger.Level.WARNING, "the approval store''s caches {0}.* have no split-brain protection: "
                        + "during a partition each side would serve from its own copy, and a single-use approval could run on "
                        + "both. Declare them in the members'' configuration with a split-brain-protection-ref and a minimum "
                        + "cluster size (README: Partitions)", name);
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // Not a provider that names split-brain protection: nothing to say.
        }
    }
}
