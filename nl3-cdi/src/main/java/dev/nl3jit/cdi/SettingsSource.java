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

    /**
     * Every {@code nl3.*} name MicroProfile Config holds that is not a system property (those are checked as system
     * properties), so that a typo in microprofile-config.properties fails the deployment; empty without it.
     */
    static java.util.Collection<String> microProfileNames() {
        if (!microProfileConfigPresent()) {
            return java.util.List.of();
        }
        return MicroProfile.names();
    }

    /** Touches the MicroProfile Config API only when it is present. */
    private static final class MicroProfile {
        static java.util.Collection<String> names() {
            try {
                java.util.List<String> out = new java.util.ArrayList<>();
                for (String name : ConfigProvider.getConfig().getPropertyNames()) {
                    if (name.startsWith("nl3.") && System.getProperty(name) == null) {
                        out.add(name);
                    }
                }
                return out;
            } catch (IllegalStateException | java.util.ServiceConfigurationError e) {
                return java.util.List.of();
            }
        }

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
