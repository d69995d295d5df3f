package dev.nl3jit.filter;

import dev.nl3jit.filter.internal.nl3.Nl3Failure;
import dev.nl3jit.filter.internal.util.SingleFlight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SingleFlightTest {
    private final SingleFlight<String, String> flight = new SingleFlight<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Starts {@code n} callers of one key while the leader's work is held, then releases it. */
    private List<Future<String>> concurrent(int n, String key, CountDownLatch release, AtomicInteger runs,
            SingleFlight.Work<String, Exception> after) throws Exception {
        CountDownLatch leaderStarted = new CountDownLatch(1);
        List<Future<String>> out = new ArrayList<>();
        out.add(pool.submit(() -> flight.run(key, Duration.ofSeconds(5), () -> {
            runs.incrementAndGet();
            leaderStarted.countDown();
            release.await();
            return after.run();
        })));
        leaderStarted.await(5, TimeUnit.SECONDS);
        CountDownLatch followersStarted = new CountDownLatch(n - 1);
        for (int i = 1; i < n; i++) {
            out.add(pool.submit(() -> {
                followersStarted.countDown();
                return flight.run(key, Duration.ofSeconds(5), () -> {
                    runs.incrementAndGet();
                    return "ran again";
                });
            }));
        }
        followersStarted.await(5, TimeUnit.SECONDS);
        Thread.sleep(500); // from their start to their wait on the leader's result is a map lookup (slow on a loaded machine)
        release.countDown();
        return out;
    }

    @Test
    void concurrentCallsOfOneKeyShareOneRun() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        List<Future<String>> calls = concurrent(6, "alice/ADMIN", new CountDownLatch(1), runs, () -> "decided");
        for (Future<String> f : calls) {
            assertEquals("decided", f.get(5, TimeUnit.SECONDS));
        }
        assertEquals(1, runs.get());
        assertEquals(0, flight.running(), "nothing stays behind after the call");
    }

    @Test
    void followersGetTheLeadersException() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Nl3Failure failure = new Nl3Failure(Nl3Failure.Reason.TIMEOUT, 0, "no answer");
        List<Future<String>> calls = concurrent(4, "k", new CountDownLatch(1), runs, () -> {
            throw failure;
        });
        for (Future<String> f : calls) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
            assertSame(failure, e.getCause());
        }
        assertEquals(1, runs.get());
        assertEquals(0, flight.running());
    }

    @Test
    void aFollowerGivesUpAfterItsWait() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        Future<String> leader = pool.submit(() -> flight.run("k", Duration.ofSeconds(5), () -> {
            started.countDown();
            release.await();
            return "late";
        }));
        started.await(5, TimeUnit.SECONDS);
        assertThrows(TimeoutException.class, () -> flight.run("k", Duration.ofMillis(50), () -> "never"));
        release.countDown();
        assertEquals("late", leader.get(5, TimeUnit.SECONDS));
        assertEquals(0, flight.running());
    }

    @Test
    void differentKeysDoNotWaitForEachOther() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        Future<String> held = pool.submit(() -> flight.run("a", Duration.ofSeconds(5), () -> {
            started.countDown();
            release.await();
            return "a";
        }));
        started.await(5, TimeUnit.SECONDS);
        assertEquals("b", flight.run("b", Duration.ofMillis(50), () -> "b"));
        release.countDown();
        assertEquals("a", held.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aLaterCallRunsAgain() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        flight.run("k", Duration.ofSeconds(1), () -> "x" + runs.incrementAndGet());
        assertEquals("x2", flight.run("k", Duration.ofSeconds(1), () -> "x" + runs.incrementAndGet()));
    }
}
