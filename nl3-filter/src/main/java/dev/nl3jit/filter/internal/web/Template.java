package dev.nl3jit.filter.internal.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A page or part of a page, from a resource beside this class ({@code pages/NAME}), read once. The one way the library
 * fills markup with values: {@code {{name}}} is always HTML-escaped; {@code {{{name}}}} inserts a {@link Markup}
 * (markup made by a template, or a constant), and nothing else. A missing or unexpected value, or a plain string for
 * {@code {{{name}}}}, is a programming error, thrown at once. In {@code .html} resources a line break and the
 * indentation after it are dropped, so the files can be laid out for people without changing the page.
 */
public final class Template {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\{)?([A-Za-z][A-Za-z0-9]*)(})?}}");

    /** Markup that is already safe: rendered by a template, or a constant of the library. */
    public record Markup(String html) {
        static final Markup NONE = new Markup("");

        public Markup {
            Objects.requireNonNull(html, "html");
        }

        @Override
        public String toString() {
            return html;
        }
    }

    /** Literal text, then placeholder names; {@code raw[i]} says whether placeholder i is {@code {{{…}}}}. */
    private final String name;
    private final List<String> literals = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final List<Boolean> raw = new ArrayList<>();

    private Template(String name, String text) {
        this.name = name;
        Matcher m = PLACEHOLDER.matcher(text);
        int at = 0;
        while (m.find()) {
            boolean open = m.group(1) != null;
            if (open != (m.group(3) != null)) {
                throw new IllegalStateException(name + ": unbalanced braces at " + m.group());
            }
            literals.add(text.substring(at, m.start()));
            names.add(m.group(2));
            raw.add(open);
            at = m.end();
        }
        literals.add(text.substring(at));
    }

    /** The resource {@code pages/NAME} beside this class, read now. */
    static Template load(String name) {
        return new Template(name, name.endsWith(".html") ? text(name).replaceAll("\\n[ \\t]*", "") : text(name));
    }

    /** The resource {@code pages/NAME} as it is, e.g. a stylesheet or a script, as markup. */
    static Markup resource(String name) {
        return new Markup(text(name));
    }

    private static String text(String name) {
        try (InputStream in = Template.class.getResourceAsStream("pages/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource pages/" + name + " beside " + Template.class.getName());
            }
            String t = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return t.endsWith("\n") ? t.substring(0, t.length() - 1) : t;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Fills every placeholder: {@code nameAndValues} is name, value, name, value, … A value for {@code {{name}}} is
     * escaped ({@link String#valueOf}); one for {@code {{{name}}}} must be {@link Markup}.
     */
    Markup render(Object... nameAndValues) {
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < nameAndValues.length; i += 2) {
            values.put((String) nameAndValues[i], nameAndValues[i + 1]);
        }
        if (!values.keySet().equals(new java.util.HashSet<>(names))) {
            throw new IllegalArgumentException(name + " takes " + new java.util.TreeSet<>(names) + ", was given "
                    + new java.util.TreeSet<>(values.keySet()));
        }
        StringBuilder out = new StringBuilder(literals.get(0).length() * 2);
        for (int i = 0; i < names.size(); i++) {
            out.append(literals.get(i));
            Object v = values.get(names.get(i));
            if (raw.get(i)) {
                if (!(v instanceof Markup markup)) {
                    throw new IllegalArgumentException(name + ": {{{" + names.get(i) + "}}} takes Markup, not " + v);
                }
                out.append(markup.html());
            } else {
                if (v instanceof Markup) {
                    throw new IllegalArgumentException(name + ": {{" + names.get(i) + "}} escapes; Markup goes in {{{…}}}");
                }
                out.append(Html.escape(v == null ? null : String.valueOf(v)));
            }
        }
        return new Markup(out.append(literals.get(names.size())).toString());
    }
}
