package dev.nl3jit.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The IDE metadata names exactly the settings of the README's table (which nl3-filter's tests hold to the code). */
class ConfigurationMetadataTest {
    @Test
    void theMetadataListsEverySettingAndNoOther() throws Exception {
        Set<String> documented = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `(nl3\\.[a-z-]+)` \\|").matcher(Files.readString(Path.of("../README.md")));
        while (row.find()) {
            documented.add(row.group(1));
        }
        documented.add(Nl3AutoConfiguration.URL_PATTERNS);
        Set<String> described = new TreeSet<>();
        Matcher name = Pattern.compile("\"name\": \"(nl3\\.[a-z.-]+)\"").matcher(Files.readString(
                Path.of("src/main/resources/META-INF/spring-configuration-metadata.json")));
        while (name.find()) {
            described.add(name.group(1));
        }
        assertEquals(documented, described);
        assertEquals(47, described.size(), "46 filter settings and nl3.boot.url-patterns");
    }
}
