package dev.nl3jit.filter;

import dev.nl3jit.filter.internal.store.Grant;
import dev.nl3jit.filter.internal.store.Ledger;
import dev.nl3jit.filter.internal.store.LockState;
import dev.nl3jit.redis.RedisKeyValueStore;
import dev.nl3jit.redis.RedisServer;
import dev.nl3jit.redis.RedisSettings;
import dev.nl3jit.redis.RedisStoreFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The cost of the store's atomic operations through the library's rules (sealed), in-memory against Redis (a
 * redis-server on 127.0.0.1 started here, one pool): microseconds per operation, the median of {@code rounds} rounds of
 * {@code ops} operations each, with min and max; the same operations as nl3-jcache's StoreOpsRun. Not a test:
 * {@code benchmarks/grant-path-store.sh} runs it.
 */
public final class RedisStoreOpsRun {
    private static final byte[] KEY = "a seal key of the run, 32 bytes!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private RedisStoreOpsRun() {
    }

    interface Op {
        void run(Ledger s, int i);
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int ops = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        Instant now = Instant.now();
        try (RedisServer server = RedisServer.start()) {
            Map<String, String> m = Map.of(RedisStoreFactory.URI_SETTING.name(), server.uri(), RedisStoreFactory.KEY_PREFIX.name(), "ops:");
            RedisKeyValueStore kv = RedisKeyValueStore.open(RedisSettings.read(m::get, Duration.ofSeconds(2)));
            Ledger memory = Ledger.inMemory(1_000_000, 20, Clock.systemUTC());
            Ledger redis = Ledger.over(kv, "ops", KEY, 20, Clock.systemUTC());
            List<String> names = List.of("useGrant (unlimited: a read)", "putGrant + useGrant (single use)",
                    "claimRequest + releaseRequest", "takeRequestToken", "lockState (read)");
            List<Op> all = List.of(
                    (s, i) -> s.useGrant(new GrantKey("u" + (i % 200), "K", ""), now),
                    (s, i) -> {
                        GrantKey k = new GrantKey("v" + i, "K", "");
                        s.putGrant(k, new Grant(now.plusSeconds(600), 1));
                        s.useGrant(k, now);
                    },
                    (s, i) -> {
                        GrantKey k = new GrantKey("c" + i, "K", "");
                        s.claimRequest(k, "me", now, now.plusSeconds(5));
                        s.releaseRequest(k, "me");
                    },
                    (s, i) -> s.takeRequestToken("t" + (i % 500), 1000, Duration.ofMinutes(10), now),
                    (s, i) -> s.lockState("u" + (i % 200), now));
            for (Ledger s : List.of(memory, redis)) {
                for (int i = 0; i < 200; i++) {
                    s.putGrant(new GrantKey("u" + i, "K", ""), new Grant(now.plusSeconds(600), Grant.UNLIMITED));
                    s.putLockState("u" + i, new LockState(false, now.plusSeconds(600)));
                }
            }
            System.out.println("| operation | in-memory µs/op | Redis (redis-server on loopback) µs/op | ratio |");
            System.out.println("|---|---|---|---|");
            for (int o = 0; o < all.size(); o++) {
                double[] mem = new double[rounds];
                double[] rd = new double[rounds];
                int offset = 0;
                time(memory, all.get(o), ops, -1_000_000);
                time(redis, all.get(o), ops, -2_000_000);
                for (int r = 0; r < rounds; r++) {
                    offset += ops;
                    mem[r] = time(memory, all.get(o), ops, offset + 10_000_000 * (o + 1));
                    rd[r] = time(redis, all.get(o), ops, offset + 20_000_000 * (o + 1));
                }
                System.out.printf("| %s | %s | %s | %.0f× |%n", names.get(o), spread(mem), spread(rd), median(rd) / median(mem));
            }
            System.out.println("(" + rounds + " rounds of " + ops + " operations each, interleaved; median (min–max))");
            kv.close();
        }
    }

    private static double time(Ledger s, Op op, int n, int offset) {
        long t = System.nanoTime();
        for (int i = 0; i < n; i++) {
            op.run(s, offset + i);
        }
        return (System.nanoTime() - t) / 1000.0 / n;
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static String spread(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return String.format("%.2f (%.2f–%.2f)", c[c.length / 2], c[0], c[c.length - 1]);
    }
}
