package dev.nl3jit.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.filter.internal.nl3.Nl3Budget;
import dev.nl3jit.filter.internal.nl3.Nl3Budget.Use;
import dev.nl3jit.filter.internal.nl3.Nl3Budgets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The NL3 budget on a hand-moved clock: the limit in every second, and who yields when it is short. */
class Nl3BudgetTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);

    private void advanceMillis(long millis) {
        nanos.addAndGet(millis * 1_000_000L);
    }

    /** Takes as many calls for {@code use} as the budget gives now. */
    private static int drain(Nl3Budget b, Use use) {
        int n = 0;
        while (b.tryTake(use)) {
            n++;
        }
        return n;
    }

    @Test
    void afterAQuietSpellNoMoreThanTheLimitGoesOutInAnySecond() {
        Nl3Budget b = new Nl3Budget(500, nanos::get);
        advanceMillis(60_000); // a quiet minute: the old token bucket had saved a whole second's worth by now
        int inFirstInstant = drain(b, Use.USER);
        assertEquals(500, inFirstInstant);
        // Every 10 ms for two seconds: whatever the window, never more than 500 in one second.
        int[] takenAt = new int[200];
        for (int step = 0; step < 200; step++) {
            advanceMillis(10);
            takenAt[step] = drain(b, Use.USER);
        }
        for (int from = 0; from + 100 <= 200; from++) {
            int inWindow = 0;
            for (int i = from; i < from + 100; i++) {
                inWindow += takenAt[i];
            }
            assertTrue(inWindow <= 500, inWindow + " calls in the second from step " + from);
        }
        // The first burst leaves the window after one second, and the budget is used again, not lost.
        assertEquals(500, takenAt[99] + java.util.Arrays.stream(takenAt, 0, 99).sum());
    }

    @Test
    void usersOwnCallsMayUseTheWholeBudgetBackgroundWorkYields() {
        Nl3Budget b = new Nl3Budget(100, nanos::get);
        b.expectLockRechecks(this, 30);
        assertEquals(100, b.limit(Use.USER));
        assertEquals(80, b.limit(Use.LOCK_RECHECK), "a tenth is kept for users' own calls, a tenth for status checks");
        assertEquals(60, b.limit(Use.STATUS), "what the lock re-checks need is kept from status checks");
        assertEquals(60, drain(b, Use.STATUS));
        assertEquals(30, drain(b, Use.LOCK_RECHECK), "the re-checks get what they said they need");
        assertFalse(b.tryTake(Use.STATUS));
        assertEquals(10, drain(b, Use.USER), "users get the rest, status checks and re-checks having used theirs");
        assertEquals(100, b.inLastSecond());
    }

    @Test
    void lockRechecksNeverTakeTheWholeBudgetStatusChecksKeepAFloor() {
        Nl3Budget b = new Nl3Budget(500, nanos::get);
        b.expectLockRechecks(this, 10_000);
        assertEquals(400, b.lockRecheckShare(), "all but the users' tenth and the status checks' tenth");
        assertEquals(50, b.limit(Use.STATUS));
        assertEquals(10_000, b.lockRecheckNeed());
        // Re-checks behind their schedule take all they may, first: the status checks still get their tenth, users theirs.
        assertEquals(400, drain(b, Use.LOCK_RECHECK));
        assertEquals(50, drain(b, Use.STATUS));
        assertEquals(50, drain(b, Use.USER));
        advanceMillis(1000);
        assertEquals(50, drain(b, Use.STATUS), "a new second: status checks first this time, still within their limit");
        assertEquals(400, drain(b, Use.LOCK_RECHECK));
    }

    @Test
    void aUsersCallWaitsForRoomAtMostASecondThenFails() {
        Nl3Budget b = new Nl3Budget(2, System::nanoTime);
        assertTrue(b.take(Use.USER, 0));
        assertTrue(b.take(Use.USER, 0));
        assertFalse(b.take(Use.USER, 0), "no room and no wait");
        assertTrue(b.take(Use.USER, Nl3Budget.USER_WAIT_NANOS), "room comes within a second");
    }
    @Test
    void theEnginesOfOneApplicationShareOneBudgetTheSmallestLimitWinsAndItEndsWithTheLast() {
        String nl3 = "http://127.0.0.1:1/nl3-budgets-test";
        try (Nl3Budgets.Lease a = Nl3Budgets.lease(nl3, "app.example", 500);
                Nl3Budgets.Lease b = Nl3Budgets.lease(nl3, "app.example", 200);
                Nl3Budgets.Lease other = Nl3Budgets.lease(nl3, "other.example", 300)) {
            assertSame(a.budget(), b.budget(), "one application, one NL3: one budget");
            assertEquals(200, a.budget().perSecond(), "configured apart: the smallest wins");
            assertEquals(200, drain(a.budget(), Use.USER) + drain(b.budget(), Use.USER), "calls of both count against it");
            assertNotSame(a.budget(), other.budget(), "another application calls NL3 as itself");
            assertEquals(300, other.budget().perSecond());
            a.budget().expectLockRechecks("engine a", 50);
            b.budget().expectLockRechecks("engine b", 70);
            assertEquals(120, a.budget().lockRecheckNeed(), "what every engine's re-checks need together");
            b.budget().expectLockRechecks("engine b", 0);
            assertEquals(50, a.budget().lockRecheckNeed(), "an engine that closes needs none");
        }
        try (Nl3Budgets.Lease again = Nl3Budgets.lease(nl3, "app.example", 400)) {
            assertEquals(400, again.budget().perSecond(), "the last engine closed: a new budget with the new limit");
        }
    }
}
