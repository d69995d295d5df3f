package dev.nl3jit.filter;

import dev.nl3jit.filter.internal.store.Grant;
import dev.nl3jit.filter.internal.store.StoreRules;
import dev.nl3jit.filter.internal.store.StoredApproval;
import java.time.Clock;
import java.time.Duration;
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
 * Adding to the in-memory store in every shape it meets, below capacity and at it ({@code nl3.max-entries} reached:
 * every add makes room first), at the library's per-user cap (20), filled afresh for every iteration so that each
 * iteration's adds (hundreds of thousands) show whether making room slows down as it goes:
 * <ul>
 * <li>{@code grant-new-user-1each}: 100,000 users with one grant each; each add is a new user's first grant;</li>
 * <li>{@code grant-new-user-10each}: 10,000 users with 10 grants each; each add is a new user's first grant;</li>
 * <li>{@code grant-old-user-10each}: the same store; each add is one more grant of a user who holds 10;</li>
 * <li>{@code ticket-new-user}: 100,000 users with one pending approval each; each add is a new user's first request.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StoreShapesBench {
    private static final int ENTRIES = 100_000;
    private static final int PER_USER_CAP = 20;

    @Param({"grant-new-user-1each", "grant-new-user-10each", "grant-old-user-10each", "ticket-new-user"})
    public String shape;

    @Param({"below", "at"})
    public String capacity;

    private StoreRules store;
    private Instant now;
    private int users;
    private long fresh;

    @Setup(Level.Iteration)
    public void fill() {
        now = Instant.now();
        int perUser = shape.endsWith("10each") ? 10 : 1;
        users = ENTRIES / perUser;
        store = StoreRules.inMemory(capacity.equals("at") ? ENTRIES : Integer.MAX_VALUE, PER_USER_CAP, Clock.systemUTC());
        for (int i = 0; i < ENTRIES; i++) {
            String user = "user" + (i % users);
            if (shape.startsWith("ticket")) {
                store.putPending(ticket(user, i));
            } else {
                store.putGrant(new GrantKey(user, "ADMIN_ACCESS", "key" + (i / users)),
                        new Grant(now.plusSeconds(7 * 86_400 + i % 1000), Grant.UNLIMITED));
            }
        }
        fresh = 0;
    }

    private StoredApproval ticket(String user, long n) {
        return StoredApproval.create(d -> {
            d.ticket = "t-" + user + "-" + n;
            d.key = new GrantKey(user, "ADMIN_ACCESS", "");
            d.requestId = "r-" + n;
            d.approvalType = ApprovalType.APPROVE;
            d.createdAt = now;
            d.expiresAt = now.plus(Duration.ofMinutes(10));
            d.method = "GET";
            d.target = "/admin";
            d.grantFor = Duration.ofMinutes(15);
        });
    }

    /** One add in the iteration's shape. */
    @Benchmark
    public void add() {
        fresh++;
        switch (shape) {
            case "grant-old-user-10each" -> store.putGrant(new GrantKey("user" + (fresh % users), "ADMIN_ACCESS", "new" + fresh),
                    new Grant(now.plusSeconds(86_400 + fresh % 1000), Grant.UNLIMITED));
            case "ticket-new-user" -> store.putPending(ticket("new" + fresh, fresh));
            default -> store.putGrant(new GrantKey("new" + fresh, "ADMIN_ACCESS", ""),
                    new Grant(now.plusSeconds(86_400 + fresh % 1000), Grant.UNLIMITED));
        }
    }
}
