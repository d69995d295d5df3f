package dev.nl3jit.sandbox;

import java.time.Clock;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that starts a {@link Sandbox} on a free port for a test class and resets it before
 * each test. Either register it on a static field,
 *
 * <pre>{@code
 * @RegisterExtension
 * static SandboxExtension nl3 = SandboxExtension.withSeed(Seed.defaults());
 * ... nl3.sandbox().baseUri() ...
 * }</pre>
 *
 * or use {@code @ExtendWith(SandboxExtension.class)} and take a {@link Sandbox} parameter.
 */
public final class SandboxExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        ParameterResolver {
    private final Seed seed;
    private final Clock clock;
    private boolean resetBeforeEach = true;
    private Sandbox sandbox;

    /** With the built-in demo seed and the system clock. */
    public SandboxExtension() {
        this(Seed.defaults(), Clock.systemUTC());
    }

    private SandboxExtension(Seed seed, Clock clock) {
        this.seed = seed;
        this.clock = clock;
    }

    public static SandboxExtension withSeed(Seed seed) {
        return new SandboxExtension(seed, Clock.systemUTC());
    }

    public SandboxExtension withClock(Clock value) {
        return new SandboxExtension(seed, value).resetBeforeEach(resetBeforeEach);
    }

    /** Whether each test starts from the seed (default true). */
    public SandboxExtension resetBeforeEach(boolean value) {
        this.resetBeforeEach = value;
        return this;
    }

    /** The running sandbox (after the class started). */
    public Sandbox sandbox() {
        if (sandbox == null) {
            throw new IllegalStateException("the sandbox starts before the first test: register the extension on a static field");
        }
        return sandbox;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (sandbox == null) {
            sandbox = Sandbox.builder().seed(seed).clock(clock).port(0).start();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        beforeAll(context);
        if (resetBeforeEach) {
            sandbox.reset();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (sandbox != null) {
            sandbox.close();
            sandbox = null;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == Sandbox.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        beforeAll(extensionContext);
        return sandbox;
    }
}
