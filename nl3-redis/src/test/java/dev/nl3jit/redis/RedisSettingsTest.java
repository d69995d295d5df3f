package dev.nl3jit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.filter.InvalidSettingsException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading and checking nl3.redis-*: every problem at deploy, the password never shown. */
class RedisSettingsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private static RedisSettings read(String... pairs) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return RedisSettings.read(m::get, "ops", TIMEOUT);
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
        assertEquals("nl3:ops:", s.keyPrefix(), "the store name is the default prefix's middle");
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
}
