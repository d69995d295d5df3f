package dev.nl3jit.filter;

/**
 * Reads the settings from this process's system properties and environment and prints the outcome; run in a child
 * process by {@code MisconfigurationIT}, since a test cannot change its own environment. Not a test.
 */
public final class SettingsCheck {
    private SettingsCheck() {
    }

    public static void main(String[] args) {
        try {
            System.out.println("OK " + Nl3Settings.fromSources(name -> null).issuer());
        } catch (InvalidSettingsException e) {
            System.out.println(e.getMessage());
        }
    }
}
