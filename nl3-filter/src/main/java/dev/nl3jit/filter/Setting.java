package dev.nl3jit.filter;

import dev.nl3jit.filter.internal.settings.SettingsDocs;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * One setting, described once: its name, its default (as text, the way a user would write it), how its text is
 * parsed into a value, which values are allowed (with the error text), its allowed range and its description. Every
 * source (init-params, context-params, system properties, environment, MicroProfile Config, Spring, annotations, the
 * builder) goes through the same description, so a rule and its error text exist in exactly one place, and the
 * README's table, the filter's Javadoc and the Spring Boot metadata are rendered from it ({@link SettingsDocs}).
 * The library's own settings are listed by {@link Nl3Settings#settings()}; a store backend brings its own through
 * {@link dev.nl3jit.filter.spi.KeyValueStoreFactory#settings()}. Values are read with {@link Nl3Settings#get(Setting)}. Immutable.
 *
 * @param <T> the setting's type
 */
public final class Setting<T> {
    /** Parses a setting's text; throws {@link IllegalArgumentException} whose message says what was expected. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(String text);
    }

    private final String name;
    private final String fallback;
    private final Parser<T> parser;
    private final Function<T, String> check;
    private final String range;
    private final String shownDefault;
    private final String description;
    private final String store;
    private final String type;

    private Setting(String name, String fallback, Parser<T> parser, Function<T, String> check, String range,
            String shownDefault, String description, String store, String type) {
        this.name = Objects.requireNonNull(name, "name");
        this.fallback = fallback;
        this.parser = Objects.requireNonNull(parser, "parser");
        this.check = check == null ? v -> null : check;
        this.range = range;
        this.shownDefault = shownDefault;
        this.description = description;
        this.store = store;
        this.type = type;
    }

    /**
     * A setting without documentation yet (add it with {@link #described(String, String)}).
     *
     * @param name     e.g. {@code nl3.store-name}
     * @param fallback the default as text, or {@code null} when the setting has none
     * @param parser   text to value; its exception's message says what was expected
     * @param check    the problem with a parsed value (without the name, e.g. {@code "'x'; expected …"}), or
     *                 {@code null} when it is allowed; {@code null}: every parsed value is allowed
     */
    public static <T> Setting<T> of(String name, String fallback, Parser<T> parser, Function<T, String> check) {
        return new Setting<>(name, fallback, parser, check, null, null, null, null, "java.lang.String");
    }

    /**
     * This setting with its documentation.
     *
     * @param shownDefault the default as the docs show it (Markdown), or {@code null}: the default text in code
     *                     style, or {@code none}
     * @param description  one line of Markdown (code in backticks); {@code {range}} stands for the allowed range
     */
    public Setting<T> described(String shownDefault, String description) {
        return new Setting<>(name, fallback, parser, check, range, shownDefault, description, store, type);
    }

    /** This setting as one of the store named {@code storeName} (e.g. {@code jcache}): meaningless for any other. */
    public Setting<T> ofStore(String storeName) {
        return new Setting<>(name, fallback, parser, check, range, shownDefault, description, storeName, type);
    }

    /** With the allowed range as the docs show it, e.g. {@code 10 s – 1 h}. */
    public Setting<T> withRange(String text) {
        return new Setting<>(name, fallback, parser, check, text, shownDefault, description, store, type);
    }

    /** With the Java type that describes its text to IDEs (Spring Boot metadata), e.g. {@code java.lang.Integer}. */
    public Setting<T> withType(String javaType) {
        return new Setting<>(name, fallback, parser, check, range, shownDefault, description, store, javaType);
    }

    public String name() {
        return name;
    }

    /** The default as text, or {@code null} when there is none. */
    public String defaultText() {
        return fallback;
    }

    /** The default as the docs show it (Markdown). */
    public String shownDefault() {
        return shownDefault != null ? shownDefault : fallback == null || fallback.isEmpty() ? "none" : "`" + fallback + "`";
    }

    /** What it means, one line of Markdown, with the allowed range filled in. */
    public String description() {
        String d = description == null ? "" : description;
        return range == null ? d : d.replace("{range}", range);
    }

    /** The store this setting belongs to, or {@code null} for a setting of the library itself. */
    public String store() {
        return store;
    }

    /** The Java type that describes its text to IDEs, e.g. {@code java.lang.String}. */
    public String type() {
        return type;
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

    /** {@link #check(Object, List)} of a value whose type the caller knows only by the setting. */
    @SuppressWarnings("unchecked")
    void checkAny(Object value, List<String> problems) {
        check((T) value, problems);
    }

    @Override
    public String toString() {
        return name;
    }
}
