package dev.nl3jit.filter;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The in-memory store with 100,000 live grants of 10,000 users (10 each), filled afresh for every iteration: the grant
 * path's lookup (an unlimited grant's use), and adding a grant below capacity against at capacity
 * ({@code nl3.max-entries} reached: every put first gives up the soonest-ending entry of the user holding the most).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StoreBench {
    private static final int USERS = 10_000;
    private static final int PER_USER = 10;
    private static final int GRANTS = USERS * PER_USER;

    /** {@code below}: no limit in sight; {@code at}: exactly as many as the store holds, so every put makes room. */
    @Param({"below", "at"})
    public String capacity;

    private StoreRules store;
    private GrantKey[] keys;
    private Instant now;
    private Grant grant;
    private int next;
    private long fresh;

    @Setup(Level.Iteration)
    public void fill() {
        now = Instant.now();
        grant = new Grant(now.plusSeconds(7 * 86_400), Grant.UNLIMITED);
        // The per-user cap out of the way (10,000), so only the store's capacity decides.
        store = StoreRules.inMemory(capacity.equals("at") ? GRANTS : Integer.MAX_VALUE, 10_000, Clock.systemUTC());
        keys = new GrantKey[GRANTS];
        for (int i = 0; i < GRANTS; i++) {
            keys[i] = new GrantKey("user" + (i % USERS), "ADMIN_ACCESS", "key" + (i / USERS));
            store.putGrant(keys[i], grant);
        }
    }

    /** The grant path: one use of a live unlimited grant. */
    @Benchmark
    public boolean lookup() {
        next = (next + 7919) % GRANTS;
        return store.useGrant(keys[next], now);
    }

    /** A new grant for one of the users: below capacity it is added; at capacity room is made first. */
    @Benchmark
    public void put() {
        fresh++;
        store.putGrant(new GrantKey("user" + (fresh % USERS), "ADMIN_ACCESS", "new" + fresh),
                new Grant(now.plusSeconds(86_400 + fresh % 1000), Grant.UNLIMITED));
    }
}
