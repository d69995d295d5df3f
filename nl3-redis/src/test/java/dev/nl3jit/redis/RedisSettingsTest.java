package dev.nl3jit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.filter.InvalidSettingsException;
import dev.nl3jit.filter.Nl3Settings;
import dev.nl3jit.filter.internal.settings.SettingsDocs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Reading and checking nl3.redis-*: every problem at deploy, the password never shown. The settings are described by
 * {@link RedisStoreFactory}, and the library treats them as its own: read from every source, checked, known to the
 * unknown-name detection, refused when set for another store; their docs (the README's table, the factory's Javadoc,
 * this module's Spring Boot metadata) are rendered from the descriptions ({@code -Dnl3.docs.write=true} writes them).
 */
class RedisSettingsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private static RedisSettings read(String... pairs) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return RedisSettings.read(m::get, TIMEOUT);
    }

    private static String problems(String... pairs) {
        return assertThrows(InvalidSettingsException.class, () -> read(pairs)).getMessage();
    }

    @Test
    void aPlainUriWithDefaults() {
        RedisSettings s = read("nl3.redis-uri", "redis://redis.internal");
        assertEquals("redis.internal", s.host());
        assertEquals(6379, s.port());
        assertEquals(0, s.database());
        assertFalse(s.tls());
        assertNull(s.user());
        assertFalse(s.hasPassword());
        assertEquals("nl3:", s.keyPrefix(), "the default prefix");
        assertEquals(TIMEOUT, s.timeout());
        assertEquals("redis://redis.internal:6379/0", s.address());
    }

    @Test
    void tlsPortDatabaseUserPasswordAndPrefix() {
        RedisSettings s = read("nl3.redis-uri", "rediss://cache.example.com:6380/3", "nl3.redis-user", "nl3app",
                "nl3.redis-password", "s3cr3t", "nl3.redis-key-prefix", "shop:");
        assertTrue(s.tls());
        assertEquals(6380, s.port());
        assertEquals(3, s.database());
        assertEquals("nl3app", s.user());
        assertTrue(s.hasPassword());
        assertEquals("s3cr3t", s.password());
        assertEquals("shop:", s.keyPrefix());
        assertFalse(s.toString().contains("s3cr3t"), s.toString());
        assertTrue(s.toString().contains("password=****"), s.toString());
    }

    @Test
    void credentialsInTheUriAreReadAndMasked() {
        RedisSettings s = read("nl3.redis-uri", "redis://app:p%40ss+word@127.0.0.1:7000/1");
        assertEquals("app", s.user());
        assertEquals("p@ss+word", s.password());
        assertFalse(s.toString().contains("p@ss"), s.toString());
        assertEquals("redis://app:****@h:1/0", RedisSettings.masked("redis://app:hunter2@h:1/0"));
        assertEquals("redis://:****@h:1/0", RedisSettings.masked("redis://:hunter2@h:1/0"));
    }

    @Test
    void aWrongSchemeIsRefusedWithTheExpectedForm() {
        String m = problems("nl3.redis-uri", "http://redis.internal:6379");
        assertTrue(m.contains("nl3.redis-uri: 'http://redis.internal:6379' has scheme http; expected redis://host:port/db"), m);
        m = problems("nl3.redis-uri", "redis-sentinel://a:26379");
        assertTrue(m.contains("has scheme redis-sentinel"), m);
        assertTrue(m.contains("Sentinel and Cluster URIs are not supported"), m);
        m = problems("nl3.redis-uri", "localhost:6379");
        assertTrue(m.contains("nl3.redis-uri: 'localhost:6379'"), m);
    }

    @Test
    void everyProblemAtOnceAndNoPasswordInAny() {
        String m = problems("nl3.redis-uri", "redis://u:hunter2@host:99999/x?timeout=5", "nl3.redis-password", "other-secret",
                "nl3.redis-key-prefix", "has space");
        assertFalse(m.contains("hunter2"), m);
        assertFalse(m.contains("other-secret"), m);
        assertTrue(m.contains("redis://u:****@host:99999/x?timeout=5"), m);
        assertTrue(m.contains("names database 'x'"), m);
        assertTrue(m.contains("has a query or fragment"), m);
        assertTrue(m.contains("give the password once"), m);
        assertTrue(m.contains("nl3.redis-key-prefix: 'has space'"), m);
    }

    @Test
    void anUnparsableUriIsShownMasked() {
        String m = problems("nl3.redis-uri", "redis://u:hun ter2@h st:1/0");
        assertFalse(m.contains("hun ter2"), m);
        assertTrue(m.contains("is not a URI"), m);
    }

    @Test
    void theUriIsRequiredAndAUserNeedsAPassword() {
        assertTrue(problems().contains("nl3.redis-uri: missing; expected redis://host:port/db"));
        String m = problems("nl3.redis-uri", "redis://h:1", "nl3.redis-user", "alice");
        assertTrue(m.contains("nl3.redis-user: alice is set without nl3.redis-password"), m);
    }

    private static final String KEY = "c2FuZGJveC1kZW1vLWtleS1ub3QtZm9yLXByb2R1Y3Q=";

    private static Map<String, String> minimal() {
        return new HashMap<>(Map.of("nl3.signing-key", KEY, "nl3.app-uri", "app.example.com"));
    }

    @Test
    void theLibraryReadsChecksAndKnowsThemWithoutShowingThePassword() {
        Map<String, String> m = minimal();
        m.put("nl3.store", "redis");
        m.put("nl3.redis-uri", "rediss://cache.example.com:6380/3");
        m.put("nl3.redis-user", "nl3app");
        m.put("nl3.redis-password", "pw-10");
        Nl3Settings s = Nl3Settings.fromMap(m);
        assertEquals("rediss://cache.example.com:6380/3", s.get(RedisStoreFactory.URI_SETTING));
        assertEquals("pw-10", s.get(RedisStoreFactory.PASSWORD));
        assertEquals("nl3:", s.get(RedisStoreFactory.KEY_PREFIX), "the default");
        assertEquals("nl3:", new RedisStoreFactory().storeName(s), "the seal is bound to the prefix");
        assertFalse(s.toString().contains("pw-"), "no Redis password in the settings' toString");
        RedisSettings r = RedisSettings.of(s);
        assertEquals("nl3app", r.user());
        assertEquals(3, r.database());
        assertFalse(r.toString().contains("pw-"), r.toString());
        m.put("nl3.redis-key-prefix", "shop:");
        assertEquals("shop:", new RedisStoreFactory().storeName(Nl3Settings.fromMap(m)), "the same on every node");

        m.put("nl3.redis-uri", "http://u:pw-9@redis.internal:6379/0");
        m.put("nl3.redis-key-prefix", "has space");
        List<String> problems = assertThrows(InvalidSettingsException.class, () -> Nl3Settings.fromMap(m)).problems();
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("nl3.redis-uri: 'http://u:****@redis.internal:6379/0' has scheme http; expected "
                + "redis://host:port/db, or rediss://host:port/db for TLS"), problems.get(0));
        assertTrue(problems.get(1).startsWith("nl3.redis-key-prefix: 'has space'; expected up to 128 visible ASCII characters"),
                problems.get(1));
        assertFalse(problems.toString().contains("pw-"), problems.toString());

        Map<String, String> typo = minimal();
        typo.put("nl3.redis-url", "redis://h:1/0");
        assertEquals(List.of("nl3.redis-url (map): unknown setting; did you mean nl3.redis-uri?"),
                assertThrows(InvalidSettingsException.class, () -> Nl3Settings.fromMap(typo)).problems());
        assertEquals("redis://h:1/0", Nl3Settings.builder().set("nl3.redis-uri", "redis://h:1/0").set("nl3.store", "redis")
                .signingKey(KEY).appUri("app.example.com").build().get(RedisStoreFactory.URI_SETTING), "the builder knows them by name");
    }

    @Test
    void aRedisSettingWithoutNl3StoreRedisIsAProblem() {
        Map<String, String> m = minimal();
        m.put("nl3.redis-uri", "redis://u:pw-9@redis.internal:6379/0");
        m.put("nl3.redis-password", "pw-10");
        List<String> problems = assertThrows(InvalidSettingsException.class, () -> Nl3Settings.fromMap(m)).problems();
        assertTrue(problems.contains("nl3.redis-uri: set, but nl3.store is memory, which does not use it (a setting of the redis "
                + "store); set nl3.store=redis to share grants across nodes, or remove nl3.redis-uri"), problems.toString());
        assertFalse(problems.toString().contains("pw-"), problems.toString());
        m.put("nl3.store", "redis");
        assertEquals("redis", Nl3Settings.fromMap(m).store());
    }

    @Test
    void theDocsAreRenderedFromTheDescriptions() throws Exception {
        var settings = new RedisStoreFactory().settings();
        Path readme = Path.of("../README.md");
        assertNull(SettingsDocs.sync(readme, SettingsDocs.replaceSection(Files.readString(readme), "nl3-redis",
                SettingsDocs.markdown(settings))));
        Path source = Path.of("src/main/java/dev/nl3jit/redis/RedisStoreFactory.java");
        assertNull(SettingsDocs.sync(source, SettingsDocs.replaceSection(Files.readString(source), "nl3-redis",
                SettingsDocs.javadoc(settings, "Settings of nl3-redis"))));
        Path metadata = Path.of("src/main/resources/META-INF/spring-configuration-metadata.json");
        String difference = SettingsDocs.sync(metadata, SettingsDocs.springMetadata(settings, null, null));
        assertNull(difference, difference);
    }
}
