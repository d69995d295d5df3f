package dev.nl3jit.cdi;

import java.util.Optional;
import java.util.function.Function;
import org.eclipse.microprofile.config.ConfigProvider;

/** Where the CDI producer reads settings: MicroProfile Config when the server has it, then system properties and environment. */
final class SettingsSource {
    private SettingsSource() {
    }

    static boolean microProfileConfigPresent() {
        try {
            Class.forName("org.eclipse.microprofile.config.ConfigProvider", false, SettingsSource.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Name to value from MicroProfile Config, or {@code name -> null} without it. */
    static Function<String, String> microProfile() {
        if (!microProfileConfigPresent()) {
            return name -> null;
        }
        return MicroProfile.lookup();
    }

    /** Touches the MicroProfile Config API only when it is present. */
    private static final class MicroProfile {
        static Function<String, String> lookup() {
            try {
                org.eclipse.microprofile.config.Config config = ConfigProvider.getConfig();
                return name -> {
                    Optional<String> v = config.getOptionalValue(name, String.class);
                    return v.orElse(null);
                };
            } catch (IllegalStateException | java.util.ServiceConfigurationError e) {
                // The API without an implementation.
                return name -> null;
            }
        }
    }
}
