package dev.nl3jit.filter;

import dev.nl3jit.filter.spi.KeyValueStore;
import dev.nl3jit.jcache.JCacheKeyValueStore;
import dev.nl3jit.jcache.Members;
import dev.nl3jit.sandbox.MovableClock;

/**
 * nl3-filter's {@link LoadRun} with the store named by the first argument, for {@code benchmarks/grant-path-store.sh}:
 * {@code memory}, or {@code jcache} (a cluster of two Hazelcast members in this JVM, the application on the first; it
 * says whether the grant's partition is owned by that member or by the other). Not a test; it stops at end of input.
 */
public final class StoreLoadRun {
    /** The seal key of the run (a node derives its own from the signing key). */
    private static final byte[] KEY = "a seal key of the run, 32 bytes!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private StoreLoadRun() {
    }

    public static void main(String[] args) throws Exception {
        MovableClock clock = new MovableClock();
        if (!(args.length > 0 && args[0].equals("jcache"))) {
            LoadRun.serve(null, clock, () -> { });
            return;
        }
        try (Members members = Members.start(2, 0)) {
            LoadRun.serve(JCacheKeyValueStore.open(members.cacheManager(0), "load"), clock, () -> {
                boolean local = members.get(0).getPartitionService().getPartition("5:alice12:ADMIN_ACCESS0:").getOwner()
                        .localMember();
                System.out.println("grant partition: " + (local ? "owned by the application's member" : "owned by the other member"));
            });
        }
    }
}
