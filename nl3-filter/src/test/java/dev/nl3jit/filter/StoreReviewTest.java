package dev.nl3jit.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.filter.internal.store.Grant;
import dev.nl3jit.filter.internal.store.Ledger;
import dev.nl3jit.filter.internal.store.LockState;
import dev.nl3jit.filter.spi.ApprovalStoreException;
import dev.nl3jit.filter.spi.KeyValueStore;
import dev.nl3jit.sandbox.MovableClock;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/** Review of ff38b48: grant copies on shared stores and the in-memory per-user record. */
class StoreReviewTest {
    private static final Duration RECHECK = Duration.ofSeconds(30);
    private static final Duration SLACK = Duration.ofSeconds(1);
    private static final byte[] SEAL = "a seal key of thirty-two bytes or more!!".getBytes(StandardCharsets.UTF_8);
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
    private final GrantKey key = new GrantKey("alice", "ADMIN_ACCESS", "");

    /**
     * Node A's clock runs 5 s ahead. A asks NL3 at real T0 (its clock: T0+5 s) and stores the answer; B copies alice's
     * grant with it. NL3 locks alice at T0+0.5 s. A learns it at its next re-check, 30 s after its answer by its own
     * clock (real T0+25 s), and revokes in the backend. B must refuse by L + lock-recheck + 1 s = T0+31.5 s; its copy
     * is relied on until A's checkedAt + 30 s = real T0+35 s.
     */
    @Test
    void aCopyKeepsTheLockBoundWhenTheNodeThatAnsweredHasAClockAhead() {
        MovableClock real = new MovableClock(Clock.fixed(T0, ZoneOffset.UTC));
        MovableClock aheadA = new MovableClock(Clock.fixed(T0.plusSeconds(5), ZoneOffset.UTC));
        KeyValueStore backend = KeyValueStore.inMemory();
        Ledger a = Ledger.over(backend, "skew", SEAL, 20, aheadA).withGrantCopies(RECHECK, true, 1000);
        Ledger b = Ledger.over(backend, "skew", SEAL, 20, real).withGrantCopies(RECHECK, true, 1000);

        a.putGrant(key, new Grant(T0.plus(Duration.ofHours(1)), Grant.UNLIMITED));
        a.putLockState("alice", new LockState(false, aheadA.instant().plus(RECHECK), aheadA.instant()));
        assertTrue(b.useGrant(key, real.instant()));

        Instant lockedAt = T0.plusMillis(500);
        // A's re-check asks again when its answer is 30 s old on its clock: real T0+25 s. It learns the lock and revokes.
        real.advance(Duration.ofSeconds(25));
        aheadA.advance(Duration.ofSeconds(25));
        a.putLockState("alice", new LockState(true, aheadA.instant().plus(RECHECK), aheadA.instant()));
        a.revokeUser("alice");

        real.advance(Duration.between(real.instant(), lockedAt.plus(RECHECK).plus(SLACK)));
        assertFalse(b.useGrant(key, real.instant()),
                "a lock ends access on every node within nl3.lock-recheck + 1 s; B's copy trusts A's clock");
    }

    /**
     * With nl3.lock-check=false no re-check runs; the purge is the operation that notices a failing backend, yet the
     * copy keeps answering through the outage (DESIGN: "a failing backend ends every copy at the first operation that
     * notices").
     */
    @Test
    void aPurgeThatNoticesAFailingBackendEndsEveryCopy() {
        MovableClock clock = new MovableClock(Clock.fixed(T0, ZoneOffset.UTC));
        ObservedStore backend = new ObservedStore(KeyValueStore.inMemory());
        Ledger a = Ledger.over(backend, "outage", SEAL, 20, clock).withGrantCopies(RECHECK, false, 1000);
        Ledger b = Ledger.over(backend, "outage", SEAL, 20, clock).withGrantCopies(RECHECK, false, 1000);
        a.putGrant(key, new Grant(T0.plus(Duration.ofHours(1)), Grant.UNLIMITED));
        assertTrue(b.useGrant(key, clock.instant()));
        assertEquals(1, b.grantCopies());

        backend.down = true;
        assertThrows(ApprovalStoreException.class, () -> b.purge(clock.instant()), "the purge notices the outage");
        clock.advance(Duration.ofSeconds(1));
        assertThrows(ApprovalStoreException.class, () -> b.useGrant(key, clock.instant()),
                "after an operation noticed the failing backend, the grant path fails closed");
    }

    /**
     * B's grant path reads alice's unlimited grant and then the lock state (still the old "unlocked" answer); between
     * that read and the copy, B's lock re-check learns the lock (putLockState forgets the copies) and revokes. The copy
     * is made afterwards, from the stale answer, and answers for up to lock-recheck although this node knows the lock
     * (DESIGN: "A lock learned, a revoke or a new grant on this node end its copies at once").
     */
    @Test
    void aLockLearnedHereWhileAGrantIsBeingCopiedLeavesNoCopy() {
        MovableClock clock = new MovableClock(Clock.fixed(T0, ZoneOffset.UTC));
        ObservedStore backend = new ObservedStore(KeyValueStore.inMemory());
        Ledger a = Ledger.over(backend, "race", SEAL, 20, clock).withGrantCopies(RECHECK, true, 1000);
        Ledger b = Ledger.over(backend, "race", SEAL, 20, clock).withGrantCopies(RECHECK, true, 1000);
        a.putGrant(key, new Grant(T0.plus(Duration.ofHours(1)), Grant.UNLIMITED));
        a.putLockState("alice", new LockState(false, T0.plus(RECHECK), T0));
        clock.advance(Duration.ofSeconds(5));

        // Runs on B's request thread right after its lock-state read returned: stands for B's re-check thread.
        backend.afterLockRead.set(() -> {
            b.putLockState("alice", new LockState(true, clock.instant().plus(RECHECK), clock.instant()));
            b.revokeUser("alice");
        });
        assertTrue(b.useGrant(key, clock.instant()), "this request was let through before the lock was learned");

        assertFalse(b.useGrant(key, clock.instant()), "the lock is learned and revoked on this node: no copy answers");
    }
}
