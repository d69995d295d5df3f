package dev.nl3jit.filter;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.security.UserStore;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.security.Credential;

/**
 * Builds a real exploded WAR (WEB-INF/web.xml, WEB-INF/classes with the test WAR's servlets, WEB-INF/lib with
 * the packaged nl3-filter jar, jose4j and slf4j-api) and deploys it to embedded Jetty 12 with annotation
 * scanning and ServletContainerInitializers, as a container deploys a dropped-in WAR.
 */
final class WarServer implements AutoCloseable {
    private final Server server;
    private final URI base;

    private WarServer(Server server, URI base) {
        this.server = server;
        this.base = base;
    }

    static WarServer deploy(Path dir, String webXmlBody) throws Exception {
        Path webInf = Files.createDirectories(dir.resolve("WEB-INF"));
        Files.writeString(webInf.resolve("web.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                """ + webXmlBody + """
                  <login-config><auth-method>BASIC</auth-method><realm-name>nl3-test</realm-name></login-config>
                </web-app>
                """);
        Path lib = Files.createDirectories(webInf.resolve("lib"));
        String filterJar = System.getProperty("test.filter.jar");
        if (filterJar == null || !Files.exists(Path.of(filterJar))) {
            throw new IllegalStateException("the packaged nl3-filter jar is missing (run with mvn verify): " + filterJar);
        }
        Files.copy(Path.of(filterJar), lib.resolve("nl3-filter.jar"), StandardCopyOption.REPLACE_EXISTING);
        for (Class<?> c : List.of(org.jose4j.jws.JsonWebSignature.class, org.slf4j.LoggerFactory.class)) {
            Path jar = jarOf(c);
            Files.copy(jar, lib.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        Path classes = webInf.resolve("classes");
        Path testClasses = jarOf(dev.nl3jit.testwar.AdminServlet.class);
        Path pkg = testClasses.resolve("dev/nl3jit/testwar");
        Path target = Files.createDirectories(classes.resolve("dev/nl3jit/testwar"));
        try (Stream<Path> files = Files.list(pkg)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }

        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebAppContext webapp = new WebAppContext(dir.toString(), "/app");
        webapp.setThrowUnavailableOnStartupException(true);
        HashLoginService login = new HashLoginService("nl3-test");
        UserStore users = new UserStore();
        for (String u : List.of("alice", "bob", "carol", "dave")) {
            users.addUser(u, Credential.getCredential(AppServer.PASSWORD), new String[] {"user"});
        }
        login.setUserStore(users);
        webapp.getSecurityHandler().setLoginService(login);
        server.setHandler(webapp);
        server.start();
        return new WarServer(server, URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/app"));
    }

    private static Path jarOf(Class<?> c) throws URISyntaxException {
        return Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    URI uri(String path) {
        return URI.create(base + path);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    static String contextParams(dev.nl3jit.sandbox.Sandbox sandbox, String... extra) {
        StringBuilder b = new StringBuilder();
        String[] pairs = {"nl3.signing-key", sandbox.signingKey(), "nl3.app-uri", sandbox.issuer(), "nl3.api-base-url",
            sandbox.baseUri().toString(), "nl3.poll-interval", "200ms"};
        for (String[] list : new String[][] {pairs, extra}) {
            for (int i = 0; i < list.length; i += 2) {
                b.append("  <context-param><param-name>").append(list[i]).append("</param-name><param-value>")
                        .append(list[i + 1]).append("</param-value></context-param>\n");
            }
        }
        return b.toString();
    }

    static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
