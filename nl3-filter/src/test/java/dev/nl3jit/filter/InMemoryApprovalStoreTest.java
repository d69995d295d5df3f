package dev.nl3jit.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.sandbox.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InMemoryApprovalStoreTest {
    private final MovableClock clock = new MovableClock();
    private final ApprovalStore store = ApprovalStore.inMemory(10, 3, clock);

    private static GrantKey key(String user, String scope) {
        return new GrantKey(user, "ADMIN_ACCESS", scope);
    }

    private Grant grant(Duration lasting, int uses) {
        return new Grant(clock.instant().plus(lasting), uses);
    }

    private PendingApproval ticket(String user, String scope) {
        Instant now = clock.instant();
        return PendingApproval.create(d -> {
            d.ticket = Tickets.next("t");
            d.key = key(user, scope);
            d.requestId = "r-" + user + scope;
            d.approvalType = ApprovalType.APPROVE;
            d.createdAt = now;
            d.expiresAt = now.plus(Duration.ofMinutes(10));
            d.method = "GET";
            d.target = "/admin" + scope;
            d.grantFor = Duration.ofMinutes(15);
        });
    }

    @Test
    void aSingleUseGrantPassesOnceUnderConcurrency() throws Exception {
        GrantKey k = key("alice", "POST /pay #d");
        store.putGrant(k, grant(Duration.ofMinutes(5), 1));
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> uses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            uses.add(pool.submit(() -> {
                go.await();
                return store.useGrant(k, clock.instant());
            }));
        }
        go.countDown();
        int passed = 0;
        for (Future<Boolean> f : uses) {
            passed += f.get(5, TimeUnit.SECONDS) ? 1 : 0;
        }
        pool.shutdownNow();
        assertEquals(1, passed);
        assertTrue(store.grant(k).isEmpty(), "a used-up grant is gone");
    }

    @Test
    void countedAndUnlimitedGrants() {
        GrantKey two = key("alice", "a");
        store.putGrant(two, grant(Duration.ofMinutes(5), 2));
        assertTrue(store.useGrant(two, clock.instant()));
        assertEquals(1, store.grant(two).orElseThrow().usesLeft());
        assertTrue(store.useGrant(two, clock.instant()));
        assertFalse(store.useGrant(two, clock.instant()));

        GrantKey unlimited = key("alice", "b");
        store.putGrant(unlimited, grant(Duration.ofMinutes(5), Grant.UNLIMITED));
        for (int i = 0; i < 5; i++) {
            assertTrue(store.useGrant(unlimited, clock.instant()));
        }
        clock.advance(Duration.ofMinutes(5));
        assertFalse(store.useGrant(unlimited, clock.instant()), "a grant ends at its end");
        assertTrue(store.grant(unlimited).isEmpty());
    }

    @Test
    void aUserAtTheirCapGivesUpTheirOwnEntryFirst() {
        PendingApproval erin = ticket("erin", "/y");
        store.putPending(erin);
        for (int i = 0; i < 20; i++) {
            store.putPending(ticket("mallory", "/m" + i));
        }
        assertTrue(store.pendingByTicket(erin.ticket()).isPresent(), "another user's ticket stays");
        assertEquals(3, countPending("mallory"), "mallory holds her cap, no more");
    }

    @Test
    void aFullStoreTakesFromTheLargestUserAndEndedEntriesGoFirst() {
        ApprovalStore roomy = ApprovalStore.inMemory(10, 20, clock);
        GrantKey alice = key("alice", "x");
        roomy.putGrant(alice, grant(Duration.ofMinutes(1), Grant.UNLIMITED));
        GrantKey carolEnded = key("carol", "x");
        roomy.putGrant(carolEnded, grant(Duration.ofSeconds(1), Grant.UNLIMITED));
        clock.advance(Duration.ofSeconds(2));
        for (int i = 0; i < 30; i++) {
            roomy.putGrant(key("mallory", "m" + i), grant(Duration.ofMinutes(10), Grant.UNLIMITED));
        }
        assertTrue(roomy.grant(alice).isPresent(), "alice's live grant stays, although it ends before mallory's");
        assertTrue(roomy.grant(carolEnded).isEmpty(), "an ended grant went first");
        assertEquals(Set.of("alice", "mallory"), roomy.usersWithGrants(clock.instant()));
    }

    @Test
    void aLockRevokesEverythingOfTheUser() {
        store.putGrant(key("alice", "a"), grant(Duration.ofMinutes(5), Grant.UNLIMITED));
        store.putGrant(key("alice", "b"), grant(Duration.ofMinutes(5), 1));
        PendingApproval ticket = ticket("alice", "/c");
        store.putPending(ticket);
        store.putGrant(key("bob", "a"), grant(Duration.ofMinutes(5), Grant.UNLIMITED));
        assertEquals(3, store.revokeUser("alice"));
        assertFalse(store.useGrant(key("alice", "a"), clock.instant()));
        assertTrue(store.pendingByTicket(ticket.ticket()).isEmpty());
        assertTrue(store.useGrant(key("bob", "a"), clock.instant()));
        assertEquals(Set.of("bob"), store.usersWithGrants(clock.instant()));
    }

    @Test
    void replaceIsACompareAndSet() {
        PendingApproval p = ticket("alice", "/a");
        store.putPending(p);
        PendingApproval sent = p.with(d -> d.sendToken = "x");
        assertTrue(store.replacePending(p, sent));
        assertFalse(store.replacePending(p, p.with(d -> d.sendToken = "y")), "the stored value changed since");
        assertEquals("x", store.pendingByTicket(p.ticket()).orElseThrow().sendToken());
    }

    @Test
    void requestTokensRefillOverTheWindow() {
        Instant now = Instant.parse("2026-01-01T10:00:00Z");
        for (int i = 0; i < 3; i++) {
            assertEquals(Duration.ZERO, store.takeRequestToken("alice", 3, Duration.ofMinutes(3), now));
        }
        Duration wait = store.takeRequestToken("alice", 3, Duration.ofMinutes(3), now);
        assertEquals(Duration.ofMinutes(1), wait, "one token comes back every minute");
        assertEquals(Duration.ZERO, store.takeRequestToken("bob", 3, Duration.ofMinutes(3), now), "per user");
        assertEquals(Duration.ZERO, store.takeRequestToken("alice", 3, Duration.ofMinutes(3), now.plus(Duration.ofMinutes(1))));
        assertEquals(Duration.ofMinutes(1), store.takeRequestToken("alice", 3, Duration.ofMinutes(3), now.plus(Duration.ofMinutes(1))));
    }

    private int countPending(String user) {
        int n = 0;
        for (int i = 0; i < 20; i++) {
            if (store.pending(key(user, "/m" + i)).isPresent()) {
                n++;
            }
        }
        return n;
    }
}
