package dev.nl3jit.filter;

import dev.nl3jit.sandbox.MovableClock;
import dev.nl3jit.sandbox.Sandbox;
import dev.nl3jit.sandbox.SandboxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A sandbox on a free port (reset before each test) and, per test, an application on embedded Jetty pointed at it. */
abstract class AppTestBase {
    /** Shared by the sandbox and the filters, so both see time moved forward. */
    static final MovableClock CLOCK = new MovableClock();

    @RegisterExtension
    static SandboxExtension nl3 = new SandboxExtension().withClock(CLOCK);

    protected Sandbox sandbox;
    protected AppServer app;

    @BeforeEach
    void startApplication() throws Exception {
        sandbox = nl3.sandbox();
        app = application();
    }

    /** The application of a test; by default /admin/* under ADMIN_ACCESS and /payments/* under PAYMENT_APPROVAL. */
    protected AppServer application() throws Exception {
        return Fixtures.app(sandbox, CLOCK);
    }

    @AfterEach
    void stopApplication() throws Exception {
        if (app != null) {
            app.close();
        }
    }
}
