package dev.nl3jit.filter.internal.settings;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One setting, described once: its name, its default (as text, the way a user would write it), how its text is
 * parsed into a value, and which values are allowed. Every source (init-params, context-params, system
 * properties, environment, MicroProfile Config, annotations, the builder) goes through the same description, so
 * a rule and its error text exist in exactly one place. See {@link SettingsTable} for the table itself.
 *
 * @param <T> the setting's type
 */
public final class Setting<T> {
    /** Parses a setting's text; throws {@link IllegalArgumentException} whose message says what was expected. */
    @FunctionalInterface
    interface Parser<T> {
        T parse(String text);
    }

    private final String name;
    private final String fallback;
    private final Parser<T> parser;
    private final Function<T, String> check;

    /**
     * @param fallback the default as text, or {@code null} when the setting has none
     * @param check    the problem with a parsed value (without the name), or {@code null} when it is allowed
     */
    Setting(String name, String fallback, Parser<T> parser, Function<T, String> check) {
        this.name = name;
        this.fallback = fallback;
        this.parser = parser;
        this.check = check;
    }

    public String name() {
        return name;
    }

    /** The environment variable that carries it: {@code nl3.api-base-url} → {@code NL3_API_BASE_URL}. */
    public String envName() {
        return envName(name);
    }

    public static String envName(String name) {
        return name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The default value, or {@code null} when there is none. */
    public T defaultValue() {
        return fallback == null ? null : parser.parse(fallback);
    }

    /**
     * The value of {@code text} (blank or {@code null}: the default). A text that does not parse adds one problem
     * and yields the default, so that a later range check does not report the same setting twice.
     */
    public T read(String text, List<String> problems) {
        if (text == null || text.isBlank()) {
            return defaultValue();
        }
        try {
            return parser.parse(text.strip());
        } catch (IllegalArgumentException e) {
            problems.add(name + ": " + e.getMessage());
            return defaultValue();
        }
    }

    /** Parses {@code text} and checks the result; the problem, without the setting's name, is thrown. */
    public T parseChecked(String text) {
        T value = parser.parse(text.strip());
        String problem = check.apply(value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return value;
    }

    /** Adds the problem with {@code value}, if it has one. */
    public void check(T value, List<String> problems) {
        String problem = check.apply(value);
        if (problem != null) {
            problems.add(name + ": " + problem);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
