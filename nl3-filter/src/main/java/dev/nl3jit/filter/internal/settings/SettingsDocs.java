package dev.nl3jit.filter.internal.settings;

import dev.nl3jit.filter.internal.util.Json;

import dev.nl3jit.filter.Setting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders settings' documentation from their descriptions ({@link Setting}): the README's Markdown table, the HTML table
 * of a Javadoc comment, and Spring Boot's configuration metadata. The build's tests compare each rendering with the
 * file that carries it (between {@code <!-- settings:NAME …-->} and {@code <!-- /settings:NAME -->} markers) and fail
 * on any difference; run them with {@code -Dnl3.docs.write=true} to write the renderings instead. For a store backend's
 * docs too; applications do not need it.
 */
public final class SettingsDocs {
    /** The system property that makes {@link #sync} write the renderings instead of comparing. */
    public static final String WRITE = "nl3.docs.write";

    private static final Pattern CODE = Pattern.compile("`([^`]*)`");

    private SettingsDocs() {
    }

    /** A Markdown table (name, default, meaning) and a blank line. */
    public static String markdown(List<Setting<?>> settings) {
        StringBuilder b = new StringBuilder("| name | default | meaning |\n|---|---|---|\n");
        for (Setting<?> s : settings) {
            b.append("| `").append(s.name()).append("` | ").append(s.shownDefault()).append(" | ").append(s.description())
                    .append(" |\n");
        }
        return b.append('\n').toString();
    }

    /** An HTML table for a Javadoc comment, each line starting with {@code " * "}. */
    public static String javadoc(List<Setting<?>> settings, String caption) {
        StringBuilder b = new StringBuilder(" * <table>\n * <caption>").append(caption)
                .append("</caption>\n * <tr><th>name</th><th>default</th><th>meaning</th></tr>\n");
        for (Setting<?> s : settings) {
            b.append(" * <tr><td>{@code ").append(s.name()).append("}</td><td>").append(javadoc(s.shownDefault()))
                    .append("</td><td>").append(javadoc(s.description())).append("</td></tr>\n");
        }
        return b.append(" * </table>\n").toString();
    }

    /** Markdown text as Javadoc HTML: {@code `code`} becomes {@code {@code code}}, the rest is escaped. */
    public static String javadoc(String markdown) {
        StringBuilder b = new StringBuilder();
        Matcher m = CODE.matcher(markdown);
        int at = 0;
        while (m.find()) {
            b.append(escape(markdown.substring(at, m.start()))).append("{@code ").append(m.group(1)).append('}');
            at = m.end();
        }
        return b.append(escape(markdown.substring(at))).toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("@", "&#64;");
    }

    /** Markdown text as plain text: code marks dropped, the first letter upper case, a full stop at the end. */
    public static String plain(String markdown) {
        String t = CODE.matcher(markdown).replaceAll("$1").replace(" – ", " - ");
        t = t.isEmpty() ? t : t.substring(0, 1).toUpperCase(Locale.ROOT) + t.substring(1);
        return t.endsWith(".") ? t : t + ".";
    }

    /**
     * Spring Boot's {@code META-INF/spring-configuration-metadata.json}: every setting with its type, description and
     * default, under one group when {@code group} is not {@code null}.
     *
     * @param group            the group's name, e.g. {@code nl3}, or {@code null} for none
     * @param groupDescription its description
     */
    public static String springMetadata(List<Setting<?>> settings, String group, String groupDescription) {
        Map<String, Object> root = new LinkedHashMap<>();
        if (group != null) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("name", group);
            g.put("description", groupDescription);
            root.put("groups", List.of(g));
        }
        List<Object> properties = new ArrayList<>();
        for (Setting<?> s : settings) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", s.name());
            p.put("type", s.type());
            p.put("description", plain(s.description()));
            if (s.defaultText() != null && !s.defaultText().isEmpty()) {
                p.put("defaultValue", switch (s.type()) {
                    case "java.lang.Integer" -> Integer.valueOf(s.defaultText());
                    case "java.lang.Boolean" -> Boolean.valueOf(s.defaultText());
                    default -> s.defaultText();
                });
            }
            properties.add(p);
        }
        root.put("properties", properties);
        return pretty(root, "") + "\n";
    }

    /** JSON with two spaces of indentation, one member per line. */
    private static String pretty(Object v, String indent) {
        String in = indent + "  ";
        if (v instanceof Map<?, ?> m) {
            List<String> members = new ArrayList<>();
            m.forEach((k, x) -> members.add(in + Json.writeValue(String.valueOf(k)) + ": " + pretty(x, in)));
            return "{\n" + String.join(",\n", members) + "\n" + indent + "}";
        }
        if (v instanceof List<?> l) {
            List<String> items = new ArrayList<>();
            l.forEach(x -> items.add(in + pretty(x, in)));
            return "[\n" + String.join(",\n", items) + "\n" + indent + "]";
        }
        return Json.writeValue(v);
    }

    /**
     * {@code text} with what stands between {@code <!-- settings:NAME …-->} and {@code <!-- /settings:NAME -->} replaced
     * by {@code rendering} (the marker lines kept).
     *
     * @throws IllegalArgumentException when the markers are missing
     */
    public static String replaceSection(String text, String name, String rendering) {
        Matcher m = Pattern.compile("(<!-- settings:" + Pattern.quote(name) + "[ ][^\\n]*\\n)(.*?)(^[^\\n]*<!-- /settings:"
                + Pattern.quote(name) + " -->)", Pattern.DOTALL | Pattern.MULTILINE).matcher(text);
        if (!m.find()) {
            throw new IllegalArgumentException("no <!-- settings:" + name + " --> … <!-- /settings:" + name + " --> section");
        }
        return text.substring(0, m.end(1)) + rendering + text.substring(m.start(3));
    }

    /**
     * Compares {@code file} with what it should be, {@code expected}; with {@code -D}{@value #WRITE}{@code =true},
     * writes it instead.
     *
     * @return {@code null} when the file is as expected (or was written), else the first line that differs
     */
    public static String sync(Path file, String expected) {
        try {
            String actual = Files.readString(file, StandardCharsets.UTF_8);
            if (actual.equals(expected)) {
                return null;
            }
            if (Boolean.getBoolean(WRITE)) {
                Files.writeString(file, expected, StandardCharsets.UTF_8);
                return null;
            }
            String[] a = actual.split("\n", -1);
            String[] e = expected.split("\n", -1);
            for (int i = 0; i < Math.max(a.length, e.length); i++) {
                String x = i < a.length ? a[i] : "(end of file)";
                String y = i < e.length ? e[i] : "(end of file)";
                if (!x.equals(y)) {
                    return file + " line " + (i + 1) + " differs from the settings' descriptions (run the test with -D" + WRITE
                            + "=true to write it):\n  file:     " + x + "\n  expected: " + y;
                }
            }
            return file + " differs";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
