package dev.nl3jit.filter;

import dev.nl3jit.filter.internal.store.Ledger;
import dev.nl3jit.filter.internal.store.StoredApproval;

import dev.nl3jit.filter.internal.store.Grant;

import dev.nl3jit.filter.internal.engine.Tickets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

class InMemoryLedgerTest {
    private final MovableClock clock = new MovableClock();
    private final Ledger store = Ledger.inMemory(10, 3, clock);

    private static GrantKey key(String user, String scope) {
        return new GrantKey(user, "ADMIN_ACCESS", scope);
    }

    private Grant grant(Duration lasting, int uses) {
        return new Grant(clock.instant().plus(lasting), uses);
    }

    private StoredApproval ticket(String user, String scope) {
        Instant now = clock.instant();
        return StoredApproval.create(d -> {
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
    void aRequestThatEndedWithoutApprovalStaysAMinuteAfterItsWaitSoItsPageCanSaySo() {
        StoredApproval p = ticket("alice", "");
        store.putPending(p.with(d -> {
            d.status = ApprovalStatus.EXPIRED;
            d.decidedAt = p.expiresAt();
        }));
        clock.advance(Duration.ofMinutes(10).plusSeconds(30));
        store.putPending(ticket("bob", "")); // a put drops what ended
        assertEquals(ApprovalStatus.EXPIRED, store.pendingByTicket(p.ticket()).orElseThrow().status(),
                "30 s after the wait its page can still say it expired");
        clock.advance(Duration.ofSeconds(31));
        store.putPending(ticket("carol", ""));
        assertTrue(store.pendingByTicket(p.ticket()).isEmpty(), "a minute after the wait it is gone");
        assertTrue(store.pending(p.key()).isEmpty());
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
        assertTrue(store.peekGrant(k).isEmpty(), "a used-up grant is gone");
    }

    @Test
    void countedAndUnlimitedGrants() {
        GrantKey two = key("alice", "a");
        store.putGrant(two, grant(Duration.ofMinutes(5), 2));
        assertTrue(store.useGrant(two, clock.instant()));
        assertEquals(1, store.peekGrant(two).orElseThrow().usesLeft());
        assertTrue(store.useGrant(two, clock.instant()));
        assertFalse(store.useGrant(two, clock.instant()));

        GrantKey unlimited = key("alice", "b");
        store.putGrant(unlimited, grant(Duration.ofMinutes(5), Grant.UNLIMITED));
        for (int i = 0; i < 5; i++) {
            assertTrue(store.useGrant(unlimited, clock.instant()));
        }
        clock.advance(Duration.ofMinutes(5));
        assertFalse(store.useGrant(unlimited, clock.instant()), "a grant ends at its end");
        assertTrue(store.peekGrant(unlimited).isEmpty());
    }

    @Test
    void aUserAtTheirCapGivesUpTheirOwnEntryFirst() {
        StoredApproval erin = ticket("erin", "/y");
        store.putPending(erin);
        for (int i = 0; i < 20; i++) {
            store.putPending(ticket("mallory", "/m" + i));
        }
        assertTrue(store.pendingByTicket(erin.ticket()).isPresent(), "another user's ticket stays");
        assertEquals(3, countPending("mallory"), "mallory holds her cap, no more");
    }

    @Test
    void aFullStoreTakesFromTheLargestUserAndEndedEntriesGoFirst() {
        Ledger roomy = Ledger.inMemory(10, 20, clock);
        GrantKey alice = key("alice", "x");
        roomy.putGrant(alice, grant(Duration.ofMinutes(1), Grant.UNLIMITED));
        GrantKey carolEnded = key("carol", "x");
        roomy.putGrant(carolEnded, grant(Duration.ofSeconds(1), Grant.UNLIMITED));
        clock.advance(Duration.ofSeconds(2));
        for (int i = 0; i < 30; i++) {
            roomy.putGrant(key("mallory", "m" + i), grant(Duration.ofMinutes(10), Grant.UNLIMITED));
        }
        assertTrue(roomy.peekGrant(alice).isPresent(), "alice's live grant stays, although it ends before mallory's");
        assertTrue(roomy.peekGrant(carolEnded).isEmpty(), "an ended grant went first");
        assertEquals(Set.of("alice", "mallory"), roomy.usersWithGrants(clock.instant()));
    }

    @Test
    void aLockRevokesEverythingOfTheUser() {
        store.putGrant(key("alice", "a"), grant(Duration.ofMinutes(5), Grant.UNLIMITED));
        store.putGrant(key("alice", "b"), grant(Duration.ofMinutes(5), 1));
        StoredApproval ticket = ticket("alice", "/c");
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
        StoredApproval p = ticket("alice", "/a");
        store.putPending(p);
        StoredApproval sent = p.with(d -> d.sendToken = "x");
        assertTrue(store.replacePending(p, sent));
        assertFalse(store.replacePending(p, p.with(d -> d.sendToken = "y")), "the stored value changed since");
        assertEquals("x", store.pendingByTicket(p.ticket()).orElseThrow().sendToken());
        StoredApproval stored = store.pendingByTicket(p.ticket()).orElseThrow();
        assertThrows(IllegalArgumentException.class, () -> store.replacePending(stored, stored.with(d -> d.key = key("bob", "/a"))),
                "a replacement keeps its grant key (and so its user)");
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

    @Test
    void aReturnedRequestTokenCanBeTakenAgainButNeverOverfillsTheBucket() {
        Instant now = Instant.parse("2026-01-01T10:00:00Z");
        Duration window = Duration.ofMinutes(3);
        for (int i = 0; i < 3; i++) {
            assertEquals(Duration.ZERO, store.takeRequestToken("alice", 3, window, now));
        }
        store.returnRequestToken("alice", 3, window, now);
        assertEquals(Duration.ZERO, store.takeRequestToken("alice", 3, window, now), "the returned token");
        assertEquals(Duration.ofMinutes(1), store.takeRequestToken("alice", 3, window, now), "and no more");
        for (int i = 0; i < 5; i++) {
            store.returnRequestToken("alice", 3, window, now);
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(Duration.ZERO, store.takeRequestToken("alice", 3, window, now));
        }
        assertEquals(Duration.ofMinutes(1), store.takeRequestToken("alice", 3, window, now), "at most the capacity");
        store.returnRequestToken("bob", 3, window, now);
        assertEquals(Duration.ZERO, store.takeRequestToken("bob", 3, window, now), "a user who took none starts full");
    }

    @Test
    void theNewestEntryIsNeverTheOneGivenUpAlthoughItEndsSoonest() {
        Ledger roomy = Ledger.inMemory(4, 10, clock);
        for (int i = 0; i < 4; i++) {
            roomy.putGrant(key("mallory", "m" + i), grant(Duration.ofMinutes(10), Grant.UNLIMITED));
        }
        GrantKey shortOne = key("mallory", "short");
        roomy.putGrant(shortOne, grant(Duration.ofMinutes(1), 1));
        assertTrue(roomy.peekGrant(shortOne).isPresent(), "the grant just recorded stays");
        assertTrue(roomy.peekGrant(key("mallory", "m0")).isEmpty(), "her oldest grant that ends soonest went instead");
        assertEquals(4, roomy.grantCount());
    }

    @Test
    void atCapacityTheUserWhoPutGivesUpTheirOwnEntryWhenTheyAreAmongThoseHoldingTheMost() {
        Ledger full = Ledger.inMemory(5, 10, clock);
        for (int i = 0; i < 3; i++) {
            full.putGrant(key("bob", "b" + i), grant(Duration.ofMinutes(5 + i), Grant.UNLIMITED));
        }
        full.putGrant(key("alice", "a0"), grant(Duration.ofMinutes(10), Grant.UNLIMITED));
        full.putGrant(key("alice", "a1"), grant(Duration.ofMinutes(11), Grant.UNLIMITED));
        // Full. Alice's third grant makes her hold as many as bob, who has held that many longer: her own goes.
        full.putGrant(key("alice", "a2"), grant(Duration.ofMinutes(12), Grant.UNLIMITED));
        assertEquals(5, full.grantCount());
        for (int i = 0; i < 3; i++) {
            assertTrue(full.peekGrant(key("bob", "b" + i)).isPresent(), "bob's grants stay: b" + i);
        }
        assertTrue(full.peekGrant(key("alice", "a0")).isEmpty(), "her soonest-ending grant went");
        assertTrue(full.peekGrant(key("alice", "a2")).isPresent(), "never the one just put");
        // Carol's first grant: she is not among those holding the most (bob, three), so bob's soonest-ending goes.
        full.putGrant(key("carol", "c0"), grant(Duration.ofMinutes(20), Grant.UNLIMITED));
        assertTrue(full.peekGrant(key("carol", "c0")).isPresent());
        assertTrue(full.peekGrant(key("bob", "b0")).isEmpty(), "bob holds the most: his soonest-ending grant went");
    }

    /**
     * Many threads putting, using, removing and revoking the entries of many users at once, no store-wide lock: once
     * they are done the store holds at most its bound, no user more than their cap, every ticket is found by its key
     * and its key's ticket is itself, and the users with grants are exactly those whose grants are found.
     */
    @Test
    void concurrentChangesKeepEveryBoundAndEveryIndexTrue() throws Exception {
        int max = 50;
        int cap = 4;
        Ledger shared = Ledger.inMemory(max, cap, clock);
        int threads = 8;
        int users = 30;
        int scopes = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long seed = t;
            done.add(pool.submit(() -> {
                java.util.Random random = new java.util.Random(seed);
                go.await();
                for (int i = 0; i < 20_000; i++) {
                    String user = "u" + random.nextInt(users);
                    GrantKey k = key(user, "s" + random.nextInt(scopes));
                    switch (random.nextInt(10)) {
                        case 0, 1, 2 -> shared.putGrant(k, new Grant(clock.instant().plusSeconds(random.nextInt(600) - 30),
                                random.nextBoolean() ? Grant.UNLIMITED : 1 + random.nextInt(2)));
                        case 3, 4 -> shared.useGrant(k, clock.instant());
                        case 5 -> shared.useGrant(k, clock.instant().plusSeconds(random.nextInt(600)));
                        case 6, 7 -> shared.putPending(ticket(user, k.scope()));
                        case 8 -> shared.pending(k).ifPresent(p -> {
                            if (random.nextBoolean()) {
                                shared.removePending(p);
                            } else {
                                shared.replacePending(p, p.with(d -> d.sendToken = "s" + random.nextInt()));
                            }
                        });
                        default -> {
                            if (random.nextInt(20) == 0) {
                                shared.revokeUser(user);
                            }
                        }
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdownNow();
        assertTrue(shared.grantCount() <= max, "grants: " + shared.grantCount());
        assertTrue(shared.pendingCount() <= max, "tickets: " + shared.pendingCount());
        Set<String> holding = new java.util.HashSet<>();
        int grantsFound = 0;
        int ticketsFound = 0;
        for (int u = 0; u < users; u++) {
            String user = "u" + u;
            int userGrants = 0;
            int userTickets = 0;
            for (int s = 0; s < scopes; s++) {
                GrantKey k = key(user, "s" + s);
                if (shared.peekGrant(k).isPresent()) {
                    userGrants++;
                    if (shared.peekGrant(k).orElseThrow().liveAt(clock.instant())) {
                        holding.add(user);
                    }
                }
                java.util.Optional<StoredApproval> p = shared.pending(k);
                if (p.isPresent()) {
                    userTickets++;
                    assertEquals(p.get(), shared.pendingByTicket(p.get().ticket()).orElseThrow(), "a key's ticket is found by itself");
                }
            }
            assertTrue(userGrants <= cap, user + " holds " + userGrants + " grants");
            assertTrue(userTickets <= cap, user + " holds " + userTickets + " tickets");
            grantsFound += userGrants;
            ticketsFound += userTickets;
        }
        assertEquals(shared.grantCount(), grantsFound, "no grant outside the keys put");
        assertEquals(shared.pendingCount(), ticketsFound, "every ticket held is its key's");
        assertEquals(holding, shared.usersWithGrants(clock.instant()));
        // The index's count agrees with the map: filling it with new users ends exactly at the bound.
        for (int i = 0; i < max; i++) {
            shared.putGrant(key("fresh" + i, "x"), grant(Duration.ofMinutes(30), Grant.UNLIMITED));
        }
        assertEquals(max, shared.grantCount(), "after filling with new users the store is exactly full: its count is true");
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
