package dev.nl3jit.filter.internal.util;

import java.util.List;
import java.util.Map;

/**
 * Writes JSON: what the library stores, logs as audit events, renders into its docs and sends to NL3. Every control,
 * format and separator character is escaped, so an audit event stays one line for any line reader.
 */
public final class Json {
    private Json() {
    }

    /**
     * One JSON object as text: strings, numbers, booleans, {@code null}, maps (keys as text) and lists or arrays, nested;
     * anything else as its text. Besides what JSON requires, {@code <}, {@code >}, {@code &}, U+2028 and U+2029 are
     * escaped, so the text is safe inside HTML and script too. It runs on every answer and audit line: one pass, no
     * intermediate copies.
     */
    public static String write(Map<String, ?> map) {
        StringBuilder out = new StringBuilder(256);
        value(out, map);
        return out.toString();
    }

    /** One value (a string, number, boolean, map or list) as JSON. */
    public static String writeValue(Object v) {
        StringBuilder out = new StringBuilder();
        value(out, v);
        return out.toString();
    }

    private static void value(StringBuilder out, Object v) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof CharSequence || v instanceof Character || v instanceof Enum<?>) {
            string(out, v.toString());
        } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Short
                || v instanceof Byte) {
            out.append(v);
        } else if (v instanceof Number n) {
            out.append(Double.isFinite(n.doubleValue()) ? n.toString() : "null");
        } else if (v instanceof Map<?, ?> m) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(out, String.valueOf(e.getKey()));
                out.append(':');
                value(out, e.getValue());
            }
            out.append('}');
        } else if (v instanceof Iterable<?> items) {
            out.append('[');
            boolean first = true;
            for (Object o : items) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                value(out, o);
            }
            out.append(']');
        } else if (v instanceof Object[] array) {
            value(out, java.util.Arrays.asList(array));
        } else {
            string(out, v.toString());
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static void string(StringBuilder out, String s) {
        out.append('"');
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x7f ? c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
                    : c >= 0xa0 && !Character.isSurrogate(c) && !Shown.escaped(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                    && !Shown.escaped(s.codePointAt(i))) {
                i++;
                continue;
            }
            out.append(s, from, i);
            from = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf])
                        .append(HEX[c & 0xf]);
            }
        }
        out.append(s, from, s.length()).append('"');
    }
}
