package dev.nl3jit.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.nl3jit.filter.Nl3Settings;
import dev.nl3jit.filter.Setting;
import dev.nl3jit.filter.internal.settings.SettingsDocs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The IDE metadata is the rendering of the settings' descriptions (nl3-filter's, and this module's
 * {@code nl3.boot.url-patterns}): a setting added or reworded there and not here fails. {@code -Dnl3.docs.write=true}
 * writes it. nl3-jcache ships the metadata of its own settings.
 */
class ConfigurationMetadataTest {
    @Test
    void theMetadataIsRenderedFromTheSettingsDescriptions() {
        List<Setting<?>> all = new ArrayList<>(Nl3Settings.settings());
        all.add(Nl3AutoConfiguration.URL_PATTERNS_SETTING);
        String expected = SettingsDocs.springMetadata(all, "nl3", "NL3 just-in-time approvals (nl3-filter settings; see its README).");
        String difference = SettingsDocs.sync(Path.of("src/main/resources/META-INF/spring-configuration-metadata.json"), expected);
        assertNull(difference, difference);
        assertEquals(Nl3Settings.settings().size() + 1, all.size());
    }
}
