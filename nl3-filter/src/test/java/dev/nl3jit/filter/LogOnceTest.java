package dev.nl3jit.filter;

import dev.nl3jit.filter.internal.util.LogOnce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The once-per-cause log holds a bounded number of causes, whatever comes in. */
class LogOnceTest {

    @Test
    void twoHundredCausesAreToldApartUpToTheBoundThenReportedTogether() {
        String name = "dev.nl3jit.test.LogOnceTest";
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(new java.util.logging.SimpleFormatter().formatMessage(r));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger jul = Logger.getLogger(name);
        jul.addHandler(capture);
        try {
            LogOnce once = new LogOnce(System.getLogger(name), Duration.ofHours(1));
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 200; i++) {
                    once.warn("cause-" + i, "failure {0}", i);
                }
            }
            assertEquals(LogOnce.MAX_CAUSES + 1, lines.size(), "one line per cause told apart, one for all the others: " + lines);
            assertEquals(LogOnce.MAX_CAUSES + 1, once.causes(), "the causes held");
            assertTrue(lines.get(LogOnce.MAX_CAUSES).startsWith("failure 64 (over 64 causes seen"), lines.get(LogOnce.MAX_CAUSES));
        } finally {
            jul.removeHandler(capture);
        }
    }
}
