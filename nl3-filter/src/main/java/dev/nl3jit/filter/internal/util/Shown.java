package dev.nl3jit.filter.internal.util;

/**
 * What people are shown of a value someone typed (a request parameter, a method argument, a reason, a browser's
 * name): the whole value, with every control and format character written as a visible escape {@code [U+XXXX]}. So
 * a value can neither start a line of its own, nor reorder, hide or join what follows it, in the approver's text, the
 * console, the pages or the audit line. The escaped characters: C0 and C1 controls (line breaks, tab, U+0085 NEL
 * included), DEL, the line and paragraph separators U+2028 and U+2029, and the format characters (bidirectional
 * controls such as U+202E, zero-width characters, U+FEFF), and unpaired surrogates.
 */
public final class Shown {
    private Shown() {
    }

    /** Whether {@code codePoint} is written as an escape. */
    public static boolean escaped(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE -> true;
            default -> false;
        };
    }

    /** {@code value} as shown: every escaped character as {@code [U+XXXX]}; {@code null} stays {@code null}. */
    public static String text(String value) {
        if (value == null) {
            return null;
        }
        int i = 0;
        int n = value.length();
        while (i < n) {
            char c = value.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                i++;
                continue;
            }
            int cp = value.codePointAt(i);
            if (escaped(cp)) {
                break;
            }
            i += Character.charCount(cp);
        }
        if (i == n) {
            return value;
        }
        StringBuilder out = new StringBuilder(n + 16).append(value, 0, i);
        while (i < n) {
            int cp = value.codePointAt(i);
            if (escaped(cp)) {
                out.append("[U+").append(String.format("%04X", cp)).append(']');
            } else {
                out.appendCodePoint(cp);
            }
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    /** The length of {@code value} in characters as people count them (code points). */
    public static int length(String value) {
        return value.codePointCount(0, value.length());
    }

    /**
     * A value that binds nothing (a browser's name), shown at most {@code max} characters long; a longer one is cut
     * with a visible mark, never silently.
     */
    public static String clipped(String value, int max) {
        if (value == null || length(value) <= max) {
            return text(value);
        }
        return text(value.substring(0, value.offsetByCodePoints(0, max))) + "\u2026 [cut: " + length(value) + " characters]";
    }

    /** A duration as a person reads it: {@code 45 s}, {@code 5 min}, {@code 2 h 30 min}. */
    public static String duration(long seconds) {
        if (seconds >= 3600) {
            return seconds / 3600 + " h " + (seconds % 3600) / 60 + " min";
        }
        if (seconds >= 60) {
            return seconds / 60 + " min";
        }
        return seconds + " s";
    }
}
