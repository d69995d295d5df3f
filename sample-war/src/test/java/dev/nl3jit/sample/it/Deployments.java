package dev.nl3jit.sample.it;

import dev.nl3jit.sandbox.Sandbox;
import dev.nl3jit.sandbox.Seed;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The packaged sample WAR, pointed at a sandbox started for the test class. */
final class Deployments {
    private Deployments() {
    }

    static final String SETTINGS[] = {"nl3.signing-key", "nl3.app-uri", "nl3.api-base-url", "nl3.poll-interval",
        "nl3.grant-duration", "nl3.request-limit"};

    /** Starts the sandbox (before deployment: the filter checks its settings at startup) and sets the system properties. */
    static Sandbox startSandbox(String grantDuration) {
        return startSandbox(grantDuration, Seed.defaults());
    }

    /** As {@link #startSandbox(String)}, with the sandbox knowing {@code seed}. */
    static Sandbox startSandbox(String grantDuration, Seed seed) {
        Sandbox sandbox = Sandbox.builder().port(0).seed(seed).start();
        System.setProperty("nl3.signing-key", sandbox.signingKey());
        System.setProperty("nl3.app-uri", sandbox.issuer());
        System.setProperty("nl3.api-base-url", sandbox.baseUri().toString());
        System.setProperty("nl3.poll-interval", "250ms");
        // One deployment serves every test of a class: more approval requests per user than the default 5 per 10 min.
        System.setProperty("nl3.request-limit", "100/10m");
        if (grantDuration != null) {
            System.setProperty("nl3.grant-duration", grantDuration);
        }
        return sandbox;
    }

    private static String tomcatVersion() {
        try {
            return (String) Class.forName("org.apache.catalina.util.ServerInfo").getMethod("getServerNumber").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no Tomcat on the class path", e);
        }
    }

    static void stop(Sandbox sandbox) {
        for (String name : SETTINGS) {
            System.clearProperty(name);
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    /** The WAR `mvn package` built; on Tomcat, with a realm holding the demo users. */
    static WebArchive packagedWar() {
        WebArchive war = ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("sample.war.file")));
        String expected = System.getProperty("expected.tomcat");
        if (expected != null) {
            // Each Tomcat run names the version it must run on: a class path mix-up fails loudly.
            String running = tomcatVersion();
            if (!running.startsWith(expected)) {
                throw new IllegalStateException("expected Tomcat " + expected + "x on the class path, found " + running);
            }
            System.out.println("deploying to Apache Tomcat " + running);
        }
        if ("tomcat".equals(System.getProperty("arquillian.launch"))) {
            try {
                Path users = Files.createTempFile("tomcat-users", ".xml");
                Files.writeString(users, "<tomcat-users><role rolename=\"user\"/>"
                        + "<user username=\"alice\" password=\"pw\" roles=\"user\"/>"
                        + "<user username=\"bob\" password=\"pw\" roles=\"user\"/>"
                        + "<user username=\"carol\" password=\"pw\" roles=\"user\"/>"
                        + "<user username=\"erin\" password=\"pw\" roles=\"user\"/>"
                        + "<user username=\"mallory\" password=\"pw\" roles=\"user\"/></tomcat-users>");
                users.toFile().deleteOnExit();
                war.addAsManifestResource(new StringAsset("<Context><Realm className=\"org.apache.catalina.realm.MemoryRealm\" "
                        + "pathname=\"" + users.toAbsolutePath() + "\"/></Context>"), "context.xml");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return war;
    }
}
