package dev.nl3jit.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class VisibleTest {
    @Test
    void everyControlFormatSeparatorAndLoneSurrogateIsAnEscape() {
        String[][] cases = {
            {"a\tb\rc\nd", "a[U+0009]b[U+000D]c[U+000A]d"},
            {"\u0000\u001B\u007F", "[U+0000][U+001B][U+007F]"},
            {"x\u0085y\u009Bz", "x[U+0085]y[U+009B]z"},
            {"\u202A\u202B\u202C\u202D\u202E", "[U+202A][U+202B][U+202C][U+202D][U+202E]"},
            {"\u2066\u2067\u2068\u2069", "[U+2066][U+2067][U+2068][U+2069]"},
            {"\u200E\u200F\u061C", "[U+200E][U+200F][U+061C]"},
            {"zero\u200Bwidth\u200C\u200D\u2060\uFEFF", "zero[U+200B]width[U+200C][U+200D][U+2060][U+FEFF]"},
            {"soft\u00ADhyphen", "soft[U+00AD]hyphen"},
            {"line\u2028para\u2029", "line[U+2028]para[U+2029]"},
            {"beam \uD834\uDD73 tag \uDB40\uDC41", "beam [U+1D173] tag [U+E0041]"},
            {"lone \uD800 and \uDC00 end\uD83D", "lone [U+D800] and [U+DC00] end[U+D83D]"},
        };
        for (String[] c : cases) {
            assertEquals(c[1], Visible.escape(c[0]), c[1]);
        }
    }

    @Test
    void visibleTextIsLeftAsItIs() {
        for (String s : new String[] {"", "EUR 1,200.00 to ACME Supplies Ltd", "Zoë Ünal – ½ € \u00A0nbsp",
            "\u05E9\u05DC\u05D5\u05DD \u0627\u0644\u0633\u0644\u0627\u0645", "\uD83D\uDE00 \u4E2D\u6587", "[U+202E] typed as text"}) {
            assertEquals(s, Visible.escape(s));
        }
        assertEquals("", Visible.escape(null));
    }

    @Test
    void renderedTemplateTextKeepsOnlyItsLineFeeds() {
        assertEquals("one\ntwo[U+000D]\nthree[U+2028][U+0085]", Visible.escapeKeepingLineFeeds("one\ntwo\r\nthree\u2028\u0085"));
    }
}
