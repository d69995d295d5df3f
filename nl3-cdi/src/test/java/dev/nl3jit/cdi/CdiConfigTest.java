package dev.nl3jit.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.filter.Nl3Settings;
import dev.nl3jit.filter.TokenMinter;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.util.Map;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldJunit5Extension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Where nl3-cdi's configuration comes from, in a real Weld SE container. */
@ExtendWith(WeldJunit5Extension.class)
class CdiConfigTest {
    private static final String KEY = "c2FuZGJveC1kZW1vLWtleS1ub3QtZm9yLXByb2R1Y3Q=";

    @AfterEach
    void clearProperties() {
        for (String name : new String[] {"nl3.signing-key", "nl3.app-uri", "nl3.grant-duration", "nl3.read-timeout",
            "nl3.approval-failure"}) {
            System.clearProperty(name);
        }
    }

    private static Weld weld(Class<?>... extra) {
        Weld weld = WeldInitiator.createWeld().addBeanClasses(Nl3Producers.class, NoCallerOutsideHttp.class)
                .addExtension(new Nl3Extension());
        for (Class<?> c : extra) {
            weld.addBeanClass(c);
        }
        return weld;
    }

    @Test
    void settingsFromMicroProfileConfig() {
        System.setProperty("nl3.app-uri", "from-system.example.com");
        try (MpConfig mp = MpConfig.use(Map.of("nl3.signing-key", KEY, "nl3.app-uri", "from-mp.example.com",
                "nl3.grant-duration", "45m")); WeldContainer c = weld().initialize()) {
            Nl3Settings s = c.select(Nl3Settings.class).get();
            assertEquals("from-mp.example.com", s.issuer(), "MicroProfile Config comes first");
            assertEquals(Duration.ofMinutes(45), s.grantDuration());
            assertTrue(c.select(TokenMinter.class).get().mint("alice").split("\\.").length == 3);
        }
    }

    @Test
    void settingsFromSystemProperties() {
        System.setProperty("nl3.signing-key", KEY);
        System.setProperty("nl3.app-uri", "from-system.example.com");
        System.setProperty("nl3.approval-failure", "open");
        try (MpConfig mp = MpConfig.use(Map.of()); WeldContainer c = weld().initialize()) {
            Nl3Settings s = c.select(Nl3Settings.class).get();
            assertEquals("from-system.example.com", s.issuer());
            assertEquals(dev.nl3jit.filter.FailurePolicy.OPEN, s.approvalFailure());
        }
    }

    /** An application's own settings, enabled as an alternative. */
    @Alternative
    @Priority(Interceptor.Priority.APPLICATION)
    @jakarta.enterprise.context.Dependent
    static class AppSettings {
        @Produces
        @Singleton
        Nl3Settings settings() {
            return Nl3Settings.fromMap(Map.of("nl3.signing-key", KEY, "nl3.app-uri", "from-producer.example.com"));
        }
    }

    @Test
    void applicationProducerOverrides() {
        // The default sources are broken; the application's producer wins and the container starts.
        System.setProperty("nl3.read-timeout", "forever");
        try (MpConfig mp = MpConfig.use(Map.of()); WeldContainer c = weld(AppSettings.class).initialize()) {
            assertEquals("from-producer.example.com", c.select(Nl3Settings.class).get().issuer());
        }
    }

    @Test
    void badSettingFailsContainerStartWithTheListedMessage() {
        System.setProperty("nl3.signing-key", "not base64 at all!");
        System.setProperty("nl3.read-timeout", "forever");
        try (MpConfig mp = MpConfig.use(Map.of("nl3.app-uri", "app.example.com"))) {
            Exception e = assertThrows(Exception.class, () -> weld().initialize().close());
            String message = chain(e);
            assertTrue(message.contains("nl3.signing-key: (value hidden) is not valid Base64"), message);
            assertTrue(message.contains("nl3.read-timeout: 'forever' is not a duration"), message);
            assertFalse(message.contains("not base64 at all"), "the key was echoed");
        }
    }

    @Test
    void unknownNamesInMicroProfileConfigAndSystemPropertiesFailTheStart() {
        System.setProperty("nl3.pol-interval", "1s");
        try (MpConfig mp = MpConfig.use(Map.of("nl3.signing-key", KEY, "nl3.app-uri", "app.example.com", "nl3.aproval-key", "X"))) {
            Exception e = assertThrows(Exception.class, () -> weld().initialize().close());
            String message = chain(e);
            assertTrue(message.contains("nl3.aproval-key (MicroProfile Config): unknown setting; did you mean nl3.approval-key?"),
                    message);
            assertTrue(message.contains("nl3.pol-interval (system property): unknown setting; did you mean nl3.poll-interval?"),
                    message);
        } finally {
            System.clearProperty("nl3.pol-interval");
        }
    }

    private static String chain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c.getMessage()).append('\n');
        }
        return b.toString();
    }
}
