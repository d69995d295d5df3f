package dev.nl3jit.sandbox;

/**
 * Makes invisible characters visible: every control character (C0 including tab, CR and LF, DEL, C1 including
 * U+0085), format character (bidi controls and isolates, zero-width characters, U+FEFF, the soft hyphen…), line
 * and paragraph separator (U+2028, U+2029) and lone surrogate becomes {@code [U+XXXX]}, four or more upper-case
 * hex digits ({@code [U+202E]}, {@code [U+000A]}, {@code [U+1D173]}). An approver then sees a value as it is: it
 * cannot reorder the text around it, hide part of itself or start what looks like a line of its own.
 */
final class Visible {
    private Visible() {
    }

    /** {@code text} with every invisible character escaped; null as the empty string. */
    static String escape(String text) {
        return escape(text, false);
    }

    /**
     * {@code text} with every invisible character escaped except {@code \n}: for rendered template text, whose own
     * line breaks are the template's (its substituted values were escaped whole, see {@link State}).
     */
    static String escapeKeepingLineFeeds(String text) {
        return escape(text, true);
    }

    private static String escape(String text, boolean keepLineFeeds) {
        if (text == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length();) {
            int cp = text.codePointAt(i);
            int n = Character.charCount(cp);
            if (invisible(cp) && !(keepLineFeeds && cp == '\n')) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                out.append("[U+").append(String.format("%04X", cp)).append(']');
            } else if (out != null) {
                out.appendCodePoint(cp);
            }
            i += n;
        }
        return out == null ? text : out.toString();
    }

    /** Whether {@code cp} is shown as an escape. A surrogate code point here is a lone one. */
    static boolean invisible(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE -> true;
            default -> false;
        };
    }
}
