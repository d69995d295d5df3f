package dev.nl3jit.cdi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** On a real server, a CDI application without the NL3 settings does not deploy, and says why. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CdiDeploymentFailsOnGlassFishIT {
    @ArquillianResource
    Deployer deployer;

    @Deployment(name = "no-key", managed = false, testable = false)
    static WebArchive withoutSettings() {
        return CdiJaxRsOnGlassFishIT.onGlassFish(CdiJaxRsFlow.application("no-key.war"));
    }

    @Test
    void aMissingSigningKeyFailsTheDeploymentWithTheListedProblem() throws Exception {
        for (String name : System.getProperties().stringPropertyNames()) {
            assertFalse(name.startsWith("nl3."), "a setting leaked in from another test: " + name);
        }
        List<String> severe = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    severe.add(r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            // The embedded adapter reports a failed deployment only in the server's log: read it there.
            try {
                deployer.deploy("no-key");
            } catch (RuntimeException e) {
                severe.add(String.valueOf(e));
            }
            String log = String.join("\n", severe);
            assertTrue(log.contains("CDI deployment failure: NL3 approval settings are invalid"), log);
            assertTrue(log.contains("nl3.signing-key: missing; expected the application's Base64 signing key"), log);
            Integer port = Integer.getInteger("glassfish.it.port");
            assertNotNull(port, "glassfish.it.port: the build reserves a free port and sets it; outside Maven set it yourself");
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/no-key/api/transfers")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, r.statusCode(), "the application must not be serving: " + r.body());
        } finally {
            root.removeHandler(capture);
        }
    }
}
