package dev.nl3jit.filter;

import dev.nl3jit.filter.internal.store.Ledger;
import dev.nl3jit.filter.internal.store.LockState;

import dev.nl3jit.filter.internal.engine.Events;
import dev.nl3jit.filter.internal.store.Grant;

import dev.nl3jit.filter.internal.engine.LockWatch;
import dev.nl3jit.filter.internal.nl3.Nl3Client;
import dev.nl3jit.filter.internal.nl3.Nl3Http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.sandbox.Fault;
import dev.nl3jit.sandbox.MovableClock;
import dev.nl3jit.sandbox.Sandbox;
import dev.nl3jit.sandbox.SandboxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Which users one look of the lock re-check asks NL3 about, with time moved by hand: the real NL3 client against the
 * sandbox over HTTP, the in-memory store, the default interval (30 s, a look every 3 s), no background thread.
 */
class LockWatchTest {
    private static final MovableClock CLOCK = new MovableClock();
    private static final String CHECK = "/nl3/api/v1/accountProtectionCheck";

    @RegisterExtension
    static SandboxExtension nl3 = new SandboxExtension().withClock(CLOCK);

    private Sandbox sandbox;
    private Nl3Http http;
    private Ledger store;
    private final List<ApprovalEvent> events = new ArrayList<>();
    private LockWatch watch;

    @BeforeEach
    void setUp() {
        sandbox = nl3.sandbox();
        CLOCK.resetOffset();
        Nl3Settings settings = Nl3Settings.fromMap(Fixtures.settings(sandbox, "ADMIN_ACCESS"));
        http = Nl3Client.newHttp(settings);
        Nl3Client client = new Nl3Client(settings, new TokenMinter(settings, CLOCK), http);
        store = Ledger.inMemory(1000, 10, CLOCK);
        watch = new LockWatch(store, client, CLOCK, settings, new Events(events::add, CLOCK));
    }

    @AfterEach
    void tearDown() {
        watch.close();
        http.close();
    }

    private void grant(String user) {
        store.putGrant(new GrantKey(user, "ADMIN_ACCESS", ""), new Grant(CLOCK.instant().plus(Duration.ofHours(1)), Grant.UNLIMITED));
    }

    private long checks() {
        return sandbox.calls().stream().filter(c -> c.path().equals(CHECK)).count();
    }

    @Test
    void aUserIsAskedAtTheLastLookBeforeTheNewestAnswerIsOneIntervalOld() {
        grant("alice");
        Instant asked = CLOCK.instant();
        watch.learn("alice", false, asked);
        CLOCK.advance(Duration.ofMillis(26_500));
        watch.recheck();
        assertEquals(0, checks(), "the answer is good beyond the next look (29.5 s)");
        CLOCK.advance(Duration.ofMillis(1_000));
        watch.recheck();
        assertEquals(1, checks(), "27.5 s: the next look (30.5 s) would be too late");
        assertFalse(store.lockState("alice", CLOCK.instant()).orElseThrow().checkedAt().isBefore(asked.plusMillis(27_500)),
                "the new answer is stored with the moment it was asked");
    }

    @Test
    void anAnswerOfAnEngineWithALongerIntervalIsReliedOnForThisEnginesInterval() {
        grant("alice");
        Instant asked = CLOCK.instant();
        store.putLockState("alice", new LockState(false, asked.plus(Duration.ofHours(1)), asked));
        assertTrue(watch.knownUnlocked("alice"));
        CLOCK.advance(Duration.ofMillis(27_500));
        watch.recheck();
        assertEquals(1, checks(), "asked before this engine's 30 s, whatever the other engine's hour says");
        CLOCK.advance(Duration.ofSeconds(31));
        store.putLockState("alice", new LockState(false, CLOCK.instant().plus(Duration.ofHours(1)),
                CLOCK.instant().minusSeconds(31)));
        assertFalse(watch.knownUnlocked("alice"), "the request path does not rely on it either");
    }

    @Test
    void aUserKnownLockedLosesTheirGrantsAtOnceWithoutACall() {
        grant("alice");
        grant("bob");
        watch.learn("bob", false, CLOCK.instant());
        store.putLockState("alice", new LockState(true, CLOCK.instant().plusSeconds(30), CLOCK.instant()));
        watch.recheck();
        assertEquals(0, checks());
        assertFalse(store.useGrant(new GrantKey("alice", "ADMIN_ACCESS", ""), CLOCK.instant()), "revoked");
        assertTrue(store.useGrant(new GrantKey("bob", "ADMIN_ACCESS", ""), CLOCK.instant()), "another user's grant stays");
        assertTrue(events.stream().anyMatch(e -> e.kind() == ApprovalEvent.Kind.LOCKED && e.user().equals("alice")));
    }

    @Test
    void anOutageCostsAFewCallsPerLookNotOnePerUser() {
        for (int i = 0; i < 10; i++) {
            grant("user" + i);
        }
        sandbox.fault(Fault.on(CHECK).withStatus(503));
        watch.recheck();
        assertEquals(LockWatch.FAILURES_PER_LOOK, checks(), "a look stops after failures in a row");
        sandbox.clearFaults().clearCalls();
        watch.recheck();
        assertEquals(10, checks(), "NL3 is back: every user is asked at the next look");
    }

    @Test
    void reChecksOfManyHoldersAreUnderWayAtOnceNotOneAnswerAfterAnother() {
        for (int i = 0; i < 16; i++) {
            grant("user" + i);
        }
        sandbox.fault(Fault.on(CHECK).withDelay(Duration.ofMillis(700)));
        watch.recheck();
        List<Instant> answered = sandbox.calls().stream().filter(c -> c.path().equals(CHECK)).map(c -> c.at()).sorted().toList();
        assertEquals(16, answered.size(), "every holder asked in one look, and the look waited for every answer");
        // Each answer takes 700 ms: calls made one after the other end at least 700 ms apart, so n answers within less
        // than 700 ms were n calls under way at once. The look starts with one and adds one per answer.
        int atOnce = 0;
        for (int i = 0; i < answered.size(); i++) {
            int j = i;
            while (j + 1 < answered.size() && Duration.between(answered.get(i), answered.get(j + 1)).toMillis() < 700) {
                j++;
            }
            atOnce = Math.max(atOnce, j - i + 1);
        }
        assertTrue(atOnce >= 4, "at most " + atOnce + " calls under way at once: " + answered);
        for (int i = 0; i < 16; i++) {
            assertTrue(watch.knownUnlocked("user" + i), "each answer recorded: user" + i);
        }
    }

    @Test
    void aStoreThatDoesNotTakeAnAnswerEndsTheLooksCallsAndSaysSo() throws Exception {
        ObservedStore backend = new ObservedStore(dev.nl3jit.filter.spi.KeyValueStore.inMemory());
        Ledger shared = Ledger.over(backend, "recheck", "a seal key of thirty-two bytes or more!!".getBytes(java.nio.charset.StandardCharsets.UTF_8), 10, CLOCK);
        Nl3Settings settings = Nl3Settings.fromMap(Fixtures.settings(sandbox, "ADMIN_ACCESS"));
        Nl3Client client = new Nl3Client(settings, new TokenMinter(settings, CLOCK), http);
        List<String> warnings = warningsOf(LockWatch.class);
        try (LockWatch look = new LockWatch(shared, client, CLOCK, settings, new Events(events::add, CLOCK))) {
            for (int i = 0; i < 8; i++) {
                shared.putGrant(new GrantKey("user" + i, "ADMIN_ACCESS", ""),
                        new Grant(CLOCK.instant().plus(Duration.ofHours(1)), Grant.UNLIMITED));
            }
            // The store goes down while NL3 is answering the look's first call.
            sandbox.fault(Fault.on(CHECK).withDelay(Duration.ofMillis(300)));
            Thread down = new Thread(() -> {
                while (checks() == 0) {
                    Thread.onSpinWait();
                }
                backend.down = true;
            });
            down.start();
            look.recheck();
            down.join(5_000);
            assertEquals(1, checks(), "no call after the store did not take an answer (8 users were due)");
            assertTrue(warnings.stream().anyMatch(w -> w.contains("the store did not take the answer")
                    && w.contains("backend down") && w.contains("asked again at the next")), "warnings: " + warnings);
            assertFalse(warnings.stream().anyMatch(w -> w.contains("round failed")), "not a failed round: " + warnings);
            backend.down = false;
            sandbox.clearFaults().clearCalls();
            look.recheck();
            assertEquals(8, checks(), "the store is back: every user is asked at the next look");
            for (int i = 0; i < 8; i++) {
                assertTrue(look.knownUnlocked("user" + i), "recorded: user" + i);
            }
        } finally {
            stopWatching(LockWatch.class);
        }
    }

    private final java.util.Map<String, java.util.logging.Handler> handlers = new java.util.HashMap<>();

    /** The warnings {@code type} logs from now on, formatted. */
    private List<String> warningsOf(Class<?> type) {
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel() == java.util.logging.Level.WARNING) {
                    warnings.add(java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger.getLogger(type.getName()).addHandler(handler);
        handlers.put(type.getName(), handler);
        return warnings;
    }

    private void stopWatching(Class<?> type) {
        java.util.logging.Handler h = handlers.remove(type.getName());
        if (h != null) {
            java.util.logging.Logger.getLogger(type.getName()).removeHandler(h);
        }
    }

    /** A clock that moves only by hand (the shared one also moves with real time, which a slow machine stretches). */
    private static final class HandClock extends java.time.Clock {
        private Instant now;

        HandClock(Instant start) {
            now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void manyGrantsMadeAtOnceAreReCheckedSpreadOverTheIntervalNotAllAtOnce() {
        HandClock hand = new HandClock(CLOCK.instant());
        Nl3Settings settings = Nl3Settings.fromMap(Fixtures.settings(sandbox, "ADMIN_ACCESS"));
        Nl3Client client = new Nl3Client(settings, new TokenMinter(settings, CLOCK), http);
        try (LockWatch spread = new LockWatch(store, client, hand, settings, new Events(events::add, hand))) {
            for (int i = 0; i < 100; i++) {
                grant("user" + i);
                spread.learn("user" + i, false, hand.instant());
            }
            List<Long> perLook = new ArrayList<>();
            long before = 0;
            for (int look = 1; look <= 20; look++) { // two intervals, a look every 3 s
                hand.advance(Duration.ofSeconds(3));
                spread.recheck();
                perLook.add(checks() - before);
                before = checks();
            }
            // The old re-check asked all 100 at the look before their answers turned 30 s old, and again 30 s later.
            assertTrue(perLook.stream().allMatch(n -> n <= 20), "checks per look: " + perLook);
            assertTrue(perLook.subList(10, 20).stream().allMatch(n -> n >= 5 && n <= 20),
                    "after one interval the checks are spread over every look: " + perLook);
            // About one check per user per interval: 10 % more while the spread settles (some are asked a look early).
            assertTrue(before >= 190 && before <= 230, before + " checks of 100 users in two intervals: " + perLook);
        }
    }

    @Test
    void reChecksTakeFromTheBudgetAndSayWhenItCannotGiveWhatTheHoldersNeed() {
        Nl3Settings settings = Nl3Settings.fromMap(Fixtures.settings(sandbox, "ADMIN_ACCESS", "nl3.max-status-calls", "20",
                "nl3.lock-recheck", "1s"));
        Nl3Client client = new Nl3Client(settings, new TokenMinter(settings, CLOCK), http);
        List<String> warnings = warningsOf(LockWatch.class);
        try (LockWatch short1 = new LockWatch(store, client, CLOCK, settings, new Events(events::add, CLOCK))) {
            for (int i = 0; i < 100; i++) {
                grant("user" + i);
            }
            sandbox.clearCalls();
            short1.recheck(); // 100 users due, 20 calls a second of which re-checks get 16: a look takes what fits
            long checks = checks();
            assertTrue(checks >= 10 && checks < 100, checks + " checks in one look");
            int busiest = sandbox.busiestWindow(Duration.ofMillis(800), dev.nl3jit.sandbox.Call.Kind.LOCK_CHECK);
            assertTrue(busiest <= 18, busiest + " lock checks within 800 ms with 20 a second, 2 kept for users");
            assertEquals(112, client.budget().lockRecheckNeed(), "100 users every second, and a tenth to spare");
        } finally {
            stopWatching(LockWatch.class);
        }
        assertTrue(warnings.stream().anyMatch(w -> w.contains("100 users hold grants") && w.contains("nl3.max-status-calls=20")
                && w.contains("raise nl3.max-status-calls to at least 126")), "warnings: " + warnings);
    }
}
