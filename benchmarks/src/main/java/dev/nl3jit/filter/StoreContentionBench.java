package dev.nl3jit.filter;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * The store at capacity (100,000 grants of 10,000 users) changed from two threads at once:
 * <ul>
 * <li>{@code twoPutters}: two threads adding grants, each for users of its own (as requests of different users do). With a
 * store-wide lock they take turns; without one they run side by side. Compare its time per put with
 * {@code StoreBench.put(at)}, one thread alone.</li>
 * <li>{@code putWhileListing}: one thread adding grants while another lists the users who hold grants, as the background
 * lock re-check does every few seconds. With a store-wide lock each put can wait for a whole listing; compare
 * {@code putWhileListing:putAlongside} with {@code StoreBench.put(at)}.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StoreContentionBench {
    private static final int USERS = 10_000;
    private static final int GRANTS = USERS * 10;

    private StoreRules store;
    private Instant now;
    private final AtomicInteger threads = new AtomicInteger();

    @Setup(Level.Iteration)
    public void fill() {
        now = Instant.now();
        Grant grant = new Grant(now.plusSeconds(7 * 86_400), Grant.UNLIMITED);
        store = StoreRules.inMemory(GRANTS, 10_000, Clock.systemUTC());
        for (int i = 0; i < GRANTS; i++) {
            store.putGrant(new GrantKey("user" + (i % USERS), "ADMIN_ACCESS", "key" + (i / USERS)), grant);
        }
    }

    /** One thread's own users (half of them) and counter. */
    @State(Scope.Thread)
    public static class Putter {
        int half;
        long fresh;

        @Setup(Level.Trial)
        public void pick(StoreContentionBench bench) {
            half = bench.threads.getAndIncrement() % 2;
        }
    }

    @Benchmark
    @Threads(2)
    public void twoPutters(Putter p) {
        putOne(p);
    }

    @Benchmark
    @Group("putWhileListing")
    @GroupThreads(1)
    public void putAlongside(Putter p) {
        putOne(p);
    }

    @Benchmark
    @Group("putWhileListing")
    @GroupThreads(1)
    public int listUsers() {
        return store.usersWithGrants(now).size();
    }

    private void putOne(Putter p) {
        p.fresh++;
        long user = (p.fresh % (USERS / 2)) * 2 + p.half;
        store.putGrant(new GrantKey("user" + user, "ADMIN_ACCESS", "new" + p.half + "-" + p.fresh),
                new Grant(now.plusSeconds(86_400 + p.fresh % 1000), Grant.UNLIMITED));
    }
}
