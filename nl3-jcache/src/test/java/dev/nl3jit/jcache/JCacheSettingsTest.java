package dev.nl3jit.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.filter.InvalidSettingsException;
import dev.nl3jit.filter.Nl3Settings;
import dev.nl3jit.filter.internal.settings.SettingsDocs;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * nl3-jcache's settings are described here, by its factory, and the library treats them as its own: read from every
 * source, checked, known to the unknown-name detection, refused when set for another store; and their docs (the
 * README's table, this factory's Javadoc, the Spring Boot metadata) are rendered from the descriptions
 * ({@code -Dnl3.docs.write=true} writes them).
 */
class JCacheSettingsTest {
    private static final String KEY = "c2FuZGJveC1kZW1vLWtleS1ub3QtZm9yLXByb2R1Y3Q=";

    private static Map<String, String> minimal() {
        return new HashMap<>(Map.of("nl3.signing-key", KEY, "nl3.app-uri", "app.example.com"));
    }

    @Test
    void itsSettingsAreReadCheckedAndKnown() {
        Map<String, String> m = minimal();
        m.put("nl3.store", "jcache");
        m.put("nl3.store-uri", "classpath:hazelcast.xml");
        m.put("nl3.store-name", "ops-console");
        Nl3Settings s = Nl3Settings.fromMap(m);
        assertEquals(URI.create("classpath:hazelcast.xml"), s.get(JCacheStoreFactory.URI_SETTING));
        assertEquals("ops-console", s.get(JCacheStoreFactory.NAME));
        assertNull(s.get(JCacheStoreFactory.PROVIDER), "no provider: the only one on the class path");
        assertEquals("nl3", Nl3Settings.fromMap(minimal()).get(JCacheStoreFactory.NAME), "the default");
        assertEquals("ops-console", s.toBuilder().build().get(JCacheStoreFactory.NAME), "a copy keeps them");

        m.put("nl3.store-name", "ops console");
        m.put("nl3.store-provider", "not a class");
        assertEquals(List.of("nl3.store-provider: 'not a class'; expected a JCache CachingProvider class name, e.g. "
                + "com.hazelcast.cache.HazelcastMemberCachingProvider", "nl3.store-name: 'ops console'; expected letters, "
                + "digits, '.', '_' or '-' (the prefix of the store's cache names)"),
                assertThrows(InvalidSettingsException.class, () -> Nl3Settings.fromMap(m)).problems());

        Map<String, String> typo = minimal();
        typo.put("nl3.store-ur", "classpath:hazelcast.xml");
        assertEquals(List.of("nl3.store-ur (map): unknown setting; did you mean nl3.store-uri?"),
                assertThrows(InvalidSettingsException.class, () -> Nl3Settings.fromMap(typo)).problems());
        assertTrue(Nl3Settings.builder().set("nl3.store-name", "x").set("nl3.store", "jcache").signingKey(KEY)
                .appUri("app.example.com").build().get(JCacheStoreFactory.NAME).equals("x"), "the builder knows them by name");
    }

    @Test
    void aStoreSettingWithoutItsStoreIsAProblem() {
        Map<String, String> m = minimal();
        m.put("nl3.store-uri", "classpath:hazelcast.xml");
        assertEquals(List.of("nl3.store-uri: set, but nl3.store is memory, which does not use it (a setting of the jcache "
                + "store); set nl3.store=jcache to share grants across nodes, or remove nl3.store-uri"),
                assertThrows(InvalidSettingsException.class, () -> Nl3Settings.fromMap(m)).problems());
        m.put("nl3.store", "jcache");
        assertEquals("jcache", Nl3Settings.fromMap(m).store());
    }

    @Test
    void theDocsAreRenderedFromTheDescriptions() throws Exception {
        var settings = new JCacheStoreFactory().settings();
        Path readme = Path.of("../README.md");
        assertNull(SettingsDocs.sync(readme, SettingsDocs.replaceSection(Files.readString(readme), "nl3-jcache",
                SettingsDocs.markdown(settings))));
        Path source = Path.of("src/main/java/dev/nl3jit/jcache/JCacheStoreFactory.java");
        assertNull(SettingsDocs.sync(source, SettingsDocs.replaceSection(Files.readString(source), "nl3-jcache",
                SettingsDocs.javadoc(settings, "Settings of nl3-jcache"))));
        Path metadata = Path.of("src/main/resources/META-INF/spring-configuration-metadata.json");
        String difference = SettingsDocs.sync(metadata, SettingsDocs.springMetadata(settings, null, null));
        assertNull(difference, difference);
    }
}
