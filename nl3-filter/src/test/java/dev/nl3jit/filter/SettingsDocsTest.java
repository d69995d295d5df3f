package dev.nl3jit.filter;

import dev.nl3jit.filter.internal.settings.SettingsDocs;
import dev.nl3jit.filter.internal.settings.SettingsTable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's settings table and {@link Nl3ApprovalFilter}'s Javadoc table are the renderings of the settings'
 * descriptions, row for row: a setting added, removed or reworded in {@link SettingsTable} and not in the docs (or the
 * other way round) fails here. {@code -Dnl3.docs.write=true} writes the renderings.
 */
class SettingsDocsTest {
    @Test
    void theReadmeTableIsRenderedFromTheDescriptions() throws Exception {
        Path readme = Path.of("../README.md");
        String expected = SettingsDocs.replaceSection(Files.readString(readme), "nl3-filter", SettingsDocs.markdown(SettingsTable.ALL));
        String difference = SettingsDocs.sync(readme, expected);
        assertNull(difference, difference);
    }

    @Test
    void theFilterJavadocTableIsRenderedFromTheDescriptions() throws Exception {
        Path source = Path.of("src/main/java/dev/nl3jit/filter/Nl3ApprovalFilter.java");
        String expected = SettingsDocs.replaceSection(Files.readString(source), "nl3-filter",
                SettingsDocs.javadoc(SettingsTable.ALL, "Settings"));
        String difference = SettingsDocs.sync(source, expected);
        assertNull(difference, difference);
    }

    @Test
    void everySettingIsDescribed() {
        for (Setting<?> s : SettingsTable.ALL) {
            assertTrue(s.description().length() > 5 && !s.description().contains("{range}"), s.name());
        }
    }

    @Test
    void markdownBecomesJavadocAndPlainText() {
        assertEquals("{@code a<b} &amp; x &lt; y it's", SettingsDocs.javadoc("`a<b` & x < y it's"));
        assertEquals("Exp = iat + ttl (10 s - 1 h).", SettingsDocs.plain("`exp = iat + ttl` (10 s – 1 h)"));
        assertEquals("10 s – 1 h", SettingsTable.TOKEN_TTL.description().replaceAll(".*\\((.*)\\)", "$1"));
        assertEquals(List.of("0", "100 ms", "1 min", "7 d"), List.of(SettingsTable.spoken(java.time.Duration.ZERO),
                SettingsTable.spoken(java.time.Duration.ofMillis(100)), SettingsTable.spoken(java.time.Duration.ofMinutes(1)),
                SettingsTable.spoken(java.time.Duration.ofDays(7))));
    }
}
