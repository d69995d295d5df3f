package dev.nl3jit.filter;

import dev.nl3jit.filter.spi.ApprovalStoreException;
import dev.nl3jit.jcache.JCacheKeyValueStore;
import dev.nl3jit.jcache.Members;
import dev.nl3jit.jcache.Race;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store's atomic operations across two real Hazelcast members (TCP on 127.0.0.1): each operation is raced from
 * both members at once and must decide exactly as the in-memory store does on one JVM.
 */
class JCacheLedgerTest {
    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");
    private static final java.time.Clock CLOCK = java.time.Clock.fixed(NOW, java.time.ZoneOffset.UTC);
    /** The seal key both members' stores share, as nodes with one signing key do. */
    static final byte[] KEY = "a seal key of the test, 32 bytes".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static Members members;
    private static final AtomicInteger STORES = new AtomicInteger();
    private Ledger a;
    private Ledger b;

    @BeforeAll
    static void cluster() {
        members = Members.start(2, 0);
    }

    @AfterAll
    static void stop() {
        members.close();
    }

    /** Fresh caches per test: a store name of its own. */
    @BeforeEach
    void stores() {
        String name = "t" + STORES.incrementAndGet();
        a = Ledger.over(JCacheKeyValueStore.open(members.cacheManager(0), name), name, KEY, 3, CLOCK);
        b = Ledger.over(JCacheKeyValueStore.open(members.cacheManager(1), name), name, KEY, 3, CLOCK);
    }

    @Test
    void aGrantPutOnOneMemberIsSeenOnTheOther() {
        GrantKey key = new GrantKey("alice", "ADMIN_ACCESS", "");
        a.putGrant(key, new Grant(NOW.plusSeconds(60), Grant.UNLIMITED));
        assertEquals(NOW.plusSeconds(60), b.peekGrant(key).orElseThrow().until());
        assertTrue(b.useGrant(key, NOW));
        assertTrue(b.useGrant(key, NOW), "unlimited");
        assertFalse(b.useGrant(key, NOW.plusSeconds(61)), "ended");
        assertTrue(a.peekGrant(key).isEmpty(), "an ended grant is gone once found ended");
    }

    @Test
    void aSingleUseGrantIsUsedOnceUnderTwentyRacersOnTwoMembers() throws Exception {
        GrantKey key = new GrantKey("alice", "PAYMENT", "POST /pay #abc");
        a.putGrant(key, new Grant(NOW.plusSeconds(60), 1));
        List<Boolean> used = Race.of(20, i -> () -> (i % 2 == 0 ? a : b).useGrant(key, NOW));
        assertEquals(1, used.stream().filter(u -> u).count(), "uses: " + used);
    }

    @Test
    void aGrantOfThreeUsesGivesExactlyThree() throws Exception {
        GrantKey key = new GrantKey("alice", "PAYMENT", "");
        b.putGrant(key, new Grant(NOW.plusSeconds(60), 3));
        List<Boolean> used = Race.of(12, i -> () -> (i % 2 == 0 ? a : b).useGrant(key, NOW));
        assertEquals(3, used.stream().filter(u -> u).count(), "uses: " + used);
    }

    @Test
    void exactlyOneClaimOfANewRequestWinsAcrossMembers() throws Exception {
        GrantKey key = new GrantKey("alice", "ADMIN_ACCESS", "");
        List<Boolean> won = Race.of(10, i -> () -> (i % 2 == 0 ? a : b).claimRequest(key, "c" + i, NOW, NOW.plusSeconds(5)));
        assertEquals(1, won.stream().filter(w -> w).count(), "claims: " + won);
        int winner = won.indexOf(true);
        assertFalse(a.claimRequest(key, "late", NOW.plusSeconds(1), NOW.plusSeconds(6)), "held");
        b.releaseRequest(key, "someone else");
        assertFalse(a.claimRequest(key, "late", NOW.plusSeconds(1), NOW.plusSeconds(6)), "only its claimant releases it");
        a.releaseRequest(key, "c" + winner);
        assertTrue(b.claimRequest(key, "next", NOW.plusSeconds(1), NOW.plusSeconds(6)));
        assertTrue(a.claimRequest(key, "after-end", NOW.plusSeconds(7), NOW.plusSeconds(12)), "an ended claim is taken over");
    }

    @Test
    void requestLimitsCountAcrossMembers() throws Exception {
        List<Duration> waits = Race.of(10, i -> () -> (i % 2 == 0 ? a : b).takeRequestToken("mallory", 4, Duration.ofMinutes(10), NOW));
        assertEquals(4, waits.stream().filter(Duration::isZero).count(), "tokens: " + waits);
        assertEquals(Duration.ZERO, a.takeRequestToken("erin", 4, Duration.ofMinutes(10), NOW), "per user");
        b.returnRequestToken("mallory", 4, Duration.ofMinutes(10), NOW);
        assertEquals(Duration.ZERO, a.takeRequestToken("mallory", 4, Duration.ofMinutes(10), NOW), "a returned token, on any member");
        assertFalse(b.takeRequestToken("mallory", 4, Duration.ofMinutes(10), NOW).isZero(), "and only that one");
        for (int i = 0; i < 6; i++) {
            a.returnRequestToken("mallory", 4, Duration.ofMinutes(10), NOW);
        }
        assertEquals(4, Race.of(6, i -> () -> b.takeRequestToken("mallory", 4, Duration.ofMinutes(10), NOW)).stream()
                .filter(Duration::isZero).count(), "never more than the capacity");
    }

    @Test
    void aLockRevokesTheUsersGrantsAndTicketsEverywhereAndIsKnownEverywhere() {
        GrantKey admin = new GrantKey("alice", "ADMIN_ACCESS", "");
        GrantKey pay = new GrantKey("alice", "PAYMENT", "");
        GrantKey bob = new GrantKey("bob", "ADMIN_ACCESS", "");
        a.putGrant(admin, new Grant(NOW.plusSeconds(60), Grant.UNLIMITED));
        b.putGrant(pay, new Grant(NOW.plusSeconds(60), 1));
        a.putGrant(bob, new Grant(NOW.plusSeconds(60), 1));
        assertEquals(Set.of("alice", "bob"), b.usersWithGrants(NOW));
        assertEquals(2, b.revokeUser("alice"));
        assertFalse(a.useGrant(admin, NOW));
        assertFalse(a.useGrant(pay, NOW));
        assertTrue(a.useGrant(bob, NOW), "another user's grant stays");

        a.putLockState("alice", new LockState(true, NOW.plusSeconds(30)));
        assertTrue(b.lockState("alice", NOW).orElseThrow().locked());
        assertTrue(b.lockState("alice", NOW.plusSeconds(30)).isEmpty(), "too old to rely on");
        a.putLockState("alice", new LockState(false, NOW.plusSeconds(3600), NOW));
        assertEquals(new LockState(false, NOW.plusSeconds(3600), NOW), b.lockState("alice", NOW).orElseThrow(),
                "when NL3 was asked travels with the answer");
    }

    @Test
    void aUsersGrantsAreCappedSoonestEndingFirst() {
        for (int i = 1; i <= 5; i++) {
            (i % 2 == 0 ? a : b).putGrant(new GrantKey("mallory", "K" + i, ""), new Grant(NOW.plusSeconds(100 + i), 1));
        }
        int live = 0;
        for (int i = 1; i <= 5; i++) {
            live += a.peekGrant(new GrantKey("mallory", "K" + i, "")).isPresent() ? 1 : 0;
        }
        assertEquals(3, live, "at most 3 per user");
        assertTrue(a.peekGrant(new GrantKey("mallory", "K5", "")).isPresent(), "the latest stays");
        assertTrue(a.peekGrant(new GrantKey("mallory", "K1", "")).isEmpty(), "the soonest-ending went");
    }

    @Test
    void purgeDropsWhatEndedOnEveryMember() {
        GrantKey key = new GrantKey("alice", "ADMIN_ACCESS", "");
        a.putGrant(key, new Grant(NOW.plusSeconds(5), Grant.UNLIMITED));
        a.claimRequest(key, "c", NOW, NOW.plusSeconds(5));
        a.putLockState("alice", new LockState(false, NOW.plusSeconds(5)));
        b.purge(NOW.plusSeconds(10));
        assertTrue(a.peekGrant(key).isEmpty());
        assertTrue(b.usersWithGrants(NOW).isEmpty(), "the index went with it");
        assertTrue(a.claimRequest(key, "d", NOW.plusSeconds(10), NOW.plusSeconds(15)));
    }

    @Test
    void aStoreOnCachesWithoutSplitBrainProtectionSaysSo() {
        List<java.util.logging.LogRecord> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel() == java.util.logging.Level.WARNING) {
                    warnings.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(JCacheKeyValueStore.class.getName());
        log.addHandler(h);
        try {
            Ledger.over(JCacheKeyValueStore.open(members.cacheManager(0), "unprotected"), "unprotected", KEY, 3, CLOCK);
        } finally {
            log.removeHandler(h);
        }
        assertEquals(1, warnings.size(), "warnings: " + warnings);
        assertTrue(warnings.get(0).getMessage().contains("have no split-brain protection"), warnings.get(0).getMessage());
        assertEquals("unprotected", warnings.get(0).getParameters()[0]);
    }

    @Test
    void anUnreachableStoreIsAnApprovalStoreException() {
        Members lone = Members.start(1, 0);
        Ledger s = Ledger.over(JCacheKeyValueStore.open(lone.cacheManager(0), "gone"), "gone", KEY, 3, CLOCK);
        GrantKey key = new GrantKey("alice", "ADMIN_ACCESS", "");
        s.putGrant(key, new Grant(NOW.plusSeconds(60), 1));
        lone.get(0).getLifecycleService().terminate();
        ApprovalStoreException e = assertThrows(ApprovalStoreException.class, () -> s.useGrant(key, NOW));
        assertTrue(e.getMessage().length() > 0);
        lone.close();
    }
}
