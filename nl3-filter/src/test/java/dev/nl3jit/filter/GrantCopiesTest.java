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
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * Two nodes over one shared backend: node B keeps copies of unlimited grants, so its grant path reads nothing; a lock
 * or a revoke on node A still ends node B's access within {@code nl3.lock-recheck} of the last lock answer, a lock
 * learned or a revoke made on B ends it at once, counted grants are never copied, and a failing backend ends every copy.
 */
class GrantCopiesTest {
    private static final Duration RECHECK = Duration.ofSeconds(30);
    private static final byte[] SEAL = "a seal key of thirty-two bytes or more!!".getBytes(StandardCharsets.UTF_8);

    private final MovableClock clock = new MovableClock();
    private final ObservedStore backend = new ObservedStore(KeyValueStore.inMemory());
    private final Ledger a = Ledger.over(backend, "copies", SEAL, 20, clock).withGrantCopies(RECHECK, true, 1000);
    private final Ledger b = Ledger.over(backend, "copies", SEAL, 20, clock).withGrantCopies(RECHECK, true, 1000);
    private final GrantKey key = new GrantKey("alice", "ADMIN_ACCESS", "");

    private Instant now() {
        return clock.instant();
    }

    @Test
    void aCopyAnswersWithoutReadingAndALockOnAnotherNodeEndsItWithinTheRecheckOfTheLastAnswer() {
        a.putGrant(key, new Grant(now().plus(Duration.ofHours(1)), Grant.UNLIMITED));
        a.putLockState("alice", new LockState(false, now().plus(RECHECK), now()));
        assertTrue(b.useGrant(key, now()));
        long reads = backend.reads;
        for (int i = 0; i < 100; i++) {
            assertTrue(b.useGrant(key, now()));
        }
        assertEquals(reads, backend.reads, "the grant path of a copied unlimited grant reads nothing from the backend");
        assertEquals(1, b.grantCopies());

        // 10 s after the answer, NL3 locks alice; node A learns it at its next re-check and revokes in the backend.
        clock.advance(Duration.ofSeconds(10));
        a.putLockState("alice", new LockState(true, now().plus(RECHECK), now()));
        assertEquals(1, a.revokeUser("alice"));
        assertTrue(b.useGrant(key, now()), "B still relies on the answer it copied with, asked 10 s ago");
        clock.advance(Duration.ofSeconds(20)); // 30 s after that answer: B relies on it no longer
        assertFalse(b.useGrant(key, now()), "B's copy ended with the answer's interval: the lock bound holds");
    }

    @Test
    void aLockLearnedOrARevokeOnTheSameNodeEndsItsCopiesAtOnce() {
        a.putGrant(key, new Grant(now().plus(Duration.ofHours(1)), Grant.UNLIMITED));
        a.putLockState("alice", new LockState(false, now().plus(RECHECK), now()));
        assertTrue(b.useGrant(key, now()));
        b.putLockState("alice", new LockState(true, now().plus(RECHECK), now()));
        assertEquals(0, b.grantCopies(), "a lock learned here ends the copies first");
        b.putLockState("alice", new LockState(false, now().plus(RECHECK), now()));
        assertTrue(b.useGrant(key, now()));
        b.revokeUser("alice");
        assertFalse(b.useGrant(key, now()));
    }

    @Test
    void noCopyWithoutALockAnswerNorOfACountedGrantNorPastTheGrantsEnd() {
        a.putGrant(key, new Grant(now().plus(Duration.ofHours(1)), Grant.UNLIMITED));
        assertTrue(b.useGrant(key, now()));
        assertEquals(0, b.grantCopies(), "nothing known of the lock: read from the backend until the re-check knows");

        GrantKey once = new GrantKey("alice", "PAYMENT", "digest");
        a.putLockState("alice", new LockState(false, now().plus(RECHECK), now()));
        a.putGrant(once, new Grant(now().plus(Duration.ofHours(1)), 1));
        assertTrue(b.useGrant(once, now()));
        assertFalse(a.useGrant(once, now()), "a single-use grant is used in the backend: once across both nodes");

        GrantKey shortOne = new GrantKey("alice", "SHORT", "");
        a.putGrant(shortOne, new Grant(now().plus(Duration.ofSeconds(5)), Grant.UNLIMITED));
        assertTrue(b.useGrant(shortOne, now()));
        clock.advance(Duration.ofSeconds(5));
        assertFalse(b.useGrant(shortOne, now()), "a copy never outlives its grant");
    }

    @Test
    void aFailingBackendEndsEveryCopyAtTheNextLookOfTheLockRecheck() {
        a.putGrant(key, new Grant(now().plus(Duration.ofHours(1)), Grant.UNLIMITED));
        a.putLockState("alice", new LockState(false, now().plus(RECHECK), now()));
        assertTrue(b.useGrant(key, now()));
        backend.down = true;
        assertTrue(b.useGrant(key, now()), "until something notices, the copy answers");
        assertThrows(ApprovalStoreException.class, () -> b.usersWithGrants(now()), "the re-check's look fails");
        assertEquals(0, b.grantCopies());
        assertThrows(ApprovalStoreException.class, () -> b.useGrant(key, now()), "then the grant path fails closed");
    }
}
