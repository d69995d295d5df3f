package dev.nl3jit.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.Hazelcast;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store chosen by settings alone, as a WAR's web.xml would: {@code nl3.store=jcache} opens a Hazelcast member
 * from {@code nl3.store-uri}, the flow runs on it, and undeploying closes it; a store that is not installed, or a
 * provider that is not there, fails the deployment with a message that says what to add.
 */
class StoreSettingIT extends AppTestBase {
    @TempDir
    Path dir;

    @Override
    protected AppServer application() {
        return null;
    }

    private Path hazelcastXml() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path xml = dir.resolve("hazelcast.xml");
        Files.writeString(xml, """
                <hazelcast xmlns="http://www.hazelcast.com/schema/config">
                  <cluster-name>nl3-setting-%s</cluster-name>
                  <properties>
                    <property name="hazelcast.phone.home.enabled">false</property>
                    <property name="hazelcast.logging.type">none</property>
                  </properties>
                  <network>
                    <port auto-increment="false">%d</port>
                    <join>
                      <auto-detection enabled="false"/>
                      <multicast enabled="false"/>
                      <tcp-ip enabled="true"><member>127.0.0.1:%d</member></tcp-ip>
                    </join>
                    <interfaces enabled="true"><interface>127.0.0.1</interface></interfaces>
                  </network>
                </hazelcast>
                """.formatted(UUID.randomUUID(), port, port));
        return xml;
    }

    @Test
    void nl3StoreJcacheOpensTheConfiguredProviderAndClosesItOnUndeploy() throws Exception {
        int before = Hazelcast.getAllHazelcastInstances().size();
        String[] store = {"nl3.store", "jcache", "nl3.store-provider", "com.hazelcast.cache.HazelcastMemberCachingProvider",
            "nl3.store-uri", "file:" + hazelcastXml(), "nl3.store-name", "app1"};
        app = AppServer.start(new AppServer.Mapping("nl3-admin", Fixtures.filter(sandbox, CLOCK, "ADMIN_ACCESS", store),
                List.of("/admin/*", "/nl3-approval/*")));
        assertEquals(before + 1, Hazelcast.getAllHazelcastInstances().size(), "a member was started from nl3.store-uri");
        Client alice = Client.as("alice");
        String location = alice.get(app.uri("/admin/users")).location();
        sandbox.approve(sandbox.pendingRequests().get(0).requestId(), "bob");
        Client.Response status = alice.get(app.uri("/nl3-approval/status?p=" + Fixtures.ticket(location) + "&wait=5"),
                "Accept", "application/json");
        assertEquals("APPROVED", status.json().get("approvalStatus"));
        assertEquals(200, alice.get(app.uri("/admin/users")).status());
        app.close();
        app = null;
        assertEquals(before, Hazelcast.getAllHazelcastInstances().size(), "undeploy closed the member the store opened");
    }

    @Test
    void aStoreThatIsNotInstalledFailsTheDeployment() {
        Exception e = assertThrows(Exception.class, () -> {
            try (AppServer a = AppServer.start(new AppServer.Mapping("nl3-admin",
                    Fixtures.filter(sandbox, CLOCK, "ADMIN_ACCESS", "nl3.store", "redis"), List.of("/admin/*", "/nl3-approval/*")))) {
                assertFalse(a.isStarted());
            }
        });
        String message = DeploymentIT.messageChain(e);
        assertTrue(message.contains("nl3.store: 'redis' is not installed (installed: memory, jcache)"), message);
    }

    @Test
    void aProviderThatIsNotThereFailsTheDeployment() {
        Exception e = assertThrows(Exception.class, () -> {
            try (AppServer a = AppServer.start(new AppServer.Mapping("nl3-admin", Fixtures.filter(sandbox, CLOCK, "ADMIN_ACCESS",
                    "nl3.store", "jcache", "nl3.store-provider", "org.example.NoSuchCachingProvider"),
                    List.of("/admin/*", "/nl3-approval/*")))) {
                assertFalse(a.isStarted());
            }
        });
        String message = DeploymentIT.messageChain(e);
        assertTrue(message.contains("nl3.store-provider: org.example.NoSuchCachingProvider is not on the application's class path"),
                message);
    }
}
