package dev.nl3jit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.filter.spi.ApprovalStoreException;
import dev.nl3jit.filter.InvalidSettingsException;
import dev.nl3jit.filter.spi.KeyValueStore.Region;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Redis with ACLs: the default user off, user {@code nl3app} allowed only the commands the store runs, only on keys
 * under {@code acl:}. The store signs in with nl3.redis-user and nl3.redis-password; a wrong password fails at open,
 * never showing the password; keys outside the user's pattern are refused by Redis.
 */
class RedisAclTest {
    private static final String PASSWORD = "pw-Zq81x";
    private static final Duration TTL = Duration.ofMinutes(1);

    @RegisterExtension
    static RedisExtension redis = new RedisExtension("--user", "default", "off",
            "--user", "nl3app", "on", ">" + PASSWORD, "~acl:*", "-@all", "+get", "+set", "+mget", "+scan", "+eval", "+evalsha",
            "+del", "+ping", "+hello", "+client|setname");

    private RedisSettings settings(String prefix, String user, String password) {
        return Stores.settings(redis.server(), prefix, Duration.ofSeconds(2), "nl3.redis-user", user, "nl3.redis-password", password);
    }

    @Test
    void theAclUserRunsEveryOperation() {
        try (RedisKeyValueStore s = RedisKeyValueStore.open(settings("acl:", "nl3app", PASSWORD))) {
            assertTrue(s.putIfAbsent(Region.GRANTS, "k", "v", TTL));
            assertEquals("v", s.get(Region.GRANTS, "k"));
            assertTrue(s.replace(Region.GRANTS, "k", "v", "w", TTL));
            assertEquals(java.util.Map.of("k", "w"), s.getAll(Region.GRANTS, java.util.Set.of("k")));
            java.util.Map<String, String> seen = new java.util.HashMap<>();
            s.forEach(Region.GRANTS, seen::put);
            assertEquals(java.util.Map.of("k", "w"), seen);
            assertTrue(s.remove(Region.GRANTS, "k", "w"));
        }
    }

    @Test
    void aWrongPasswordFailsAtOpenWithoutShowingIt() {
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
                () -> RedisKeyValueStore.open(settings("acl:", "nl3app", "not-the-pw-41")));
        assertFalse(e.getMessage().contains("not-the-pw-41"), e.getMessage());
        assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
        assertTrue(e.getMessage().contains("refused user nl3app"), e.getMessage());
        assertTrue(e.getMessage().contains("WRONGPASS"), e.getMessage());
    }

    @Test
    void noCredentialsFailAtOpen() {
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
                () -> RedisKeyValueStore.open(Stores.settings(redis.server(), "acl:", Duration.ofSeconds(2))));
        assertTrue(e.getMessage().contains("refused user default"), e.getMessage());
    }

    @Test
    void keysOutsideTheUsersPatternAreRefusedAsAStoreFailure() {
        try (RedisKeyValueStore s = RedisKeyValueStore.open(settings("elsewhere:", "nl3app", PASSWORD))) {
            ApprovalStoreException e = assertThrows(ApprovalStoreException.class, () -> s.get(Region.GRANTS, "k"));
            assertTrue(e.getMessage().contains("NOPERM"), e.getMessage());
            assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
        }
    }
}
