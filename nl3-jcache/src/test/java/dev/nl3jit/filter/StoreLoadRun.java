package dev.nl3jit.filter;

import dev.nl3jit.jcache.JCacheApprovalStore;
import dev.nl3jit.jcache.Members;
import dev.nl3jit.sandbox.MovableClock;
import dev.nl3jit.sandbox.Sandbox;
import java.time.Clock;
import java.util.List;

/**
 * The grant path on a given store, for {@code benchmarks/grant-path-store.sh}: like nl3-filter's LoadRun
 * ({@code /public/*} without the filter, {@code /admin/*} behind it with a live grant for alice), with the store named
 * by the first argument: {@code memory}, or {@code jcache} (a cluster of two Hazelcast members in this JVM, the
 * application on the first; it says whether the grant's partition is owned by that member or by the other). Not a
 * test; it stops at end of input.
 */
public final class StoreLoadRun {
    private StoreLoadRun() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args.length > 0 ? args[0] : "memory";
        MovableClock clock = new MovableClock();
        Members members = kind.equals("jcache") ? Members.start(2, 0) : null;
        ApprovalStore store = members == null ? ApprovalStore.inMemory(100_000, 20, clock)
                : JCacheApprovalStore.open(members.cacheManager(0), "load", 20, Clock.systemUTC());
        try (Sandbox sandbox = Sandbox.builder().clock(clock).port(0).start();
                AppServer app = AppServer.start(new AppServer.Mapping("nl3-admin", new Nl3ApprovalFilter(
                        Nl3Settings.fromMap(Fixtures.settings(sandbox, "ADMIN_ACCESS", "nl3.grant-duration", "7d",
                                "nl3.lock-recheck", "1s")), store, UsernameMapper.PRINCIPAL_NAME, clock, e -> { }),
                        List.of("/admin/*", "/nl3-approval/*")))) {
            Client alice = Client.as("alice");
            String pending = alice.get(app.uri("/admin/users")).location();
            sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob");
            alice.get(app.uri("/nl3-approval/status?p=" + Fixtures.ticket(pending) + "&wait=5"), "Accept", "application/json");
            if (alice.get(app.uri("/admin/users")).status() != 200) {
                throw new IllegalStateException("no grant");
            }
            if (members != null) {
                String key = "5:alice12:ADMIN_ACCESS0:";
                boolean local = members.get(0).getPartitionService().getPartition(key).getOwner().localMember();
                System.out.println("grant partition: " + (local ? "owned by the application's member" : "owned by the other member"));
            }
            sandbox.clearCalls();
            System.out.println("unfiltered: " + app.uri("/public/users"));
            System.out.println("granted:    " + app.uri("/admin/users"));
            System.out.println("press Enter to stop");
            System.in.read();
            System.out.println("NL3 calls during the run: " + sandbox.calls().size());
        } finally {
            if (members != null) {
                members.close();
            }
        }
    }
}
