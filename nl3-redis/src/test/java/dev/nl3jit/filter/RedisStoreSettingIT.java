package dev.nl3jit.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nl3jit.redis.RedisExtension;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code nl3.store=redis} chosen by settings alone, as a WAR's web.xml would: the flow runs on it and undeploying
 * leaves no thread behind; a malformed URI or a refused password fails the deployment with a message that says what
 * to fix and never shows the password.
 */
class RedisStoreSettingIT extends AppTestBase {
    @RegisterExtension
    static RedisExtension redis = new RedisExtension("--requirepass", "pw-6Hq2");

    @Override
    protected AppServer application() {
        return null;
    }

    private AppServer deploy(String... store) throws Exception {
        return AppServer.start(new AppServer.Mapping("nl3-admin", Fixtures.filter(sandbox, CLOCK, "ADMIN_ACCESS", store),
                List.of("/admin/*", "/nl3-approval/*")));
    }

    @Test
    void nl3StoreRedisRunsTheFlowAndUndeployLeavesNoThread() throws Exception {
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        app = deploy("nl3.store", "redis", "nl3.redis-uri", redis.server().uri(3), "nl3.redis-password", "pw-6Hq2");
        Client alice = Client.as("alice");
        String location = alice.get(app.uri("/admin/users")).location();
        sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob");
        Client.Response status = alice.get(app.uri("/nl3-approval/status?p=" + Fixtures.ticket(location) + "&wait=5"),
                "Accept", "application/json");
        assertEquals("APPROVED", status.json().get("approvalStatus"));
        assertEquals(200, alice.get(app.uri("/admin/users")).status());
        String keys = redis.server().cli("-a", "pw-6Hq2", "--no-auth-warning", "-n", "3", "KEYS", "nl3:grants:*");
        assertTrue(keys.contains("nl3:grants:"), "the grant is in database 3 under the default prefix nl3: " + keys);
        app.close();
        app = null;
        long end = System.nanoTime() + 5_000_000_000L;
        Set<String> left;
        do {
            Thread.sleep(50);
            left = new HashSet<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (!before.contains(t) && t.isAlive() && !t.getName().startsWith("HttpClient") && !t.getName().startsWith("ForkJoinPool")
                        && !t.getName().startsWith("nl3-sandbox")) {
                    left.add(t.getName());
                }
            }
            left.removeIf(n -> !n.contains("nl3") && !n.toLowerCase(java.util.Locale.ROOT).contains("redis")
                    && !n.toLowerCase(java.util.Locale.ROOT).contains("pool") && !n.contains("qtp"));
        } while (!left.isEmpty() && System.nanoTime() < end);
        assertEquals(Set.of(), left, "threads of the application or its store left after undeploy");
    }

    @Test
    void aBadUriSchemeFailsTheDeployment() {
        Exception e = assertThrows(Exception.class, () -> {
            try (AppServer a = deploy("nl3.store", "redis", "nl3.redis-uri", "http://u:secret-1@localhost:6379")) {
                assertFalse(a.isStarted());
            }
        });
        String message = DeploymentIT.messageChain(e);
        assertTrue(message.contains("nl3.redis-uri: 'http://u:****@localhost:6379' has scheme http; expected redis://host:port/db"),
                message);
        assertFalse(message.contains("secret-1"), message);
    }

    @Test
    void aMissingUriFailsTheDeployment() {
        Exception e = assertThrows(Exception.class, () -> {
            try (AppServer a = deploy("nl3.store", "redis")) {
                assertFalse(a.isStarted());
            }
        });
        String message = DeploymentIT.messageChain(e);
        assertTrue(message.contains("nl3.redis-uri: missing"), message);
    }

    @Test
    void aRefusedPasswordFailsTheDeploymentWithoutShowingIt() {
        Exception e = assertThrows(Exception.class, () -> {
            try (AppServer a = deploy("nl3.store", "redis", "nl3.redis-uri", redis.server().uri(), "nl3.redis-password",
                    "wrong-pw-77")) {
                assertFalse(a.isStarted());
            }
        });
        String message = DeploymentIT.messageChain(e);
        assertTrue(message.contains("refused user default (WRONGPASS)"), message);
        assertFalse(message.contains("wrong-pw-77"), message);
        assertFalse(message.contains("pw-6Hq2"), message);
    }
}
