package dev.nl3jit.cdi.it;

import dev.nl3jit.sandbox.Sandbox;
import java.net.URI;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A CDI + JAX-RS application on embedded GlassFish 7 (full Jakarta EE 10): the interceptor protects a
 * resource method end to end against the sandbox, and the pending page and status endpoint come from the
 * dropped-in jars with no web.xml. Settings come from system properties, read through the server's MicroProfile
 * Config.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CdiJaxRsOnGlassFishIT {
    private static Sandbox sandbox;

    @Deployment(testable = false)
    static WebArchive deployment() {
        // The sandbox must run before the application deploys: the settings are checked at deployment.
        sandbox = Sandbox.builder().port(0).start();
        System.setProperty("nl3.signing-key", sandbox.signingKey());
        System.setProperty("nl3.app-uri", sandbox.issuer());
        System.setProperty("nl3.api-base-url", sandbox.baseUri().toString());
        System.setProperty("nl3.poll-interval", "200ms");
        return onGlassFish(CdiJaxRsFlow.application("transfers.war"));
    }

    /** Embedded GlassFish shares the JVM with the test's class path: load the WAR's own classes first, as a server would. */
    static WebArchive onGlassFish(WebArchive war) {
        return war.addAsWebInfResource(new StringAsset("<glassfish-web-app><class-loader delegate=\"false\"/></glassfish-web-app>"),
                "glassfish-web.xml");
    }

    @AfterAll
    static void stop() {
        for (String name : new String[] {"nl3.signing-key", "nl3.app-uri", "nl3.api-base-url", "nl3.poll-interval"}) {
            System.clearProperty(name);
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private static URI root(URL base) {
        return URI.create("http://127.0.0.1:" + base.getPort() + base.getPath());
    }

    @BeforeEach
    void freshSandbox() {
        sandbox.reset();
    }

    @Test
    void approvalServiceFindsTicketsWithTheApplicationsUsernameMapper(@ArquillianResource URL base) throws Exception {
        CdiJaxRsFlow.approvalServiceFindsTicketsWithTheApplicationsUsernameMapper(sandbox, root(base));
    }

    @Test
    void interceptorProtectsTheResourceMethodEndToEnd(@ArquillianResource URL base) throws Exception {
        CdiJaxRsFlow.interceptorProtectsTheResourceMethodEndToEnd(sandbox, root(base));
    }
}
