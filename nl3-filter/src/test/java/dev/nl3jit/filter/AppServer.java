package dev.nl3jit.filter;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlet.security.ConstraintSecurityHandler;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.security.UserStore;
import org.eclipse.jetty.security.authentication.BasicAuthenticator;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.security.Credential;

/**
 * A real embedded Jetty 12 (Jakarta Servlet 6) with BASIC authentication (users alice, bob, carol, dave;
 * password "pw"), an application at {@code /app} with servlets under {@code /admin/*}, {@code /payments/*}
 * and {@code /public/*}, and the filters a test maps.
 */
final class AppServer implements AutoCloseable {
    static final String PASSWORD = "pw";

    /** A filter and the URL patterns it is mapped to. */
    record Mapping(String name, Filter filter, List<String> patterns) {
    }

    private final Server server;
    private final URI base;

    private AppServer(Server server, URI base) {
        this.server = server;
        this.base = base;
    }

    static AppServer start(Mapping... mappings) throws Exception {
        return start(200, mappings);
    }

    /** With at most {@code maxThreads} request threads, and every filter and servlet async-capable. */
    static AppServer start(int maxThreads, Mapping... mappings) throws Exception {
        org.eclipse.jetty.util.thread.QueuedThreadPool pool = new org.eclipse.jetty.util.thread.QueuedThreadPool(maxThreads, 4);
        Server server = new Server(pool);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);

        ServletContextHandler ctx = new ServletContextHandler(ServletContextHandler.SESSIONS | ServletContextHandler.SECURITY);
        ctx.setContextPath("/app");
        ConstraintSecurityHandler security = new ConstraintSecurityHandler();
        HashLoginService login = new HashLoginService("nl3-test");
        UserStore users = new UserStore();
        for (String u : List.of("alice", "bob", "carol", "dave", "erin", "mallory")) {
            users.addUser(u, Credential.getCredential(PASSWORD), new String[] {"user"});
        }
        login.setUserStore(users);
        security.setLoginService(login);
        security.setAuthenticator(new BasicAuthenticator());
        // BASIC authenticates every request: renewing the session id each time would make sessions useless.
        security.setSessionRenewedOnAuthentication(false);
        ctx.setSecurityHandler(security);

        for (String[] servlet : new String[][] {{"ADMIN", "/admin/*"}, {"PAYMENTS", "/payments/*"}, {"PUBLIC", "/public/*"}}) {
            ServletHolder holder = new ServletHolder(new Echo(servlet[0]));
            holder.setAsyncSupported(true);
            ctx.addServlet(holder, servlet[1]);
        }
        for (Mapping m : mappings) {
            FilterHolder holder = new FilterHolder(m.filter());
            holder.setName(m.name());
            holder.setAsyncSupported(true);
            for (String p : m.patterns()) {
                ctx.addFilter(holder, p, EnumSet.of(DispatcherType.REQUEST));
            }
        }
        server.setHandler(ctx);
        server.start();
        URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/app");
        return new AppServer(server, base);
    }

    /** {@code path} inside the application, e.g. {@code /admin/users}. */
    URI uri(String path) {
        return URI.create(base + path);
    }

    URI base() {
        return base;
    }

    boolean isStarted() {
        return server.isStarted();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** Answers with its name, the user, the method and the path: what a protected page would show. */
    static final class Echo extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final String name;

        Echo(String name) {
            this.name = name;
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
            res.setContentType("text/plain");
            res.setCharacterEncoding("UTF-8");
            res.getWriter().write(name + " OK " + req.getRemoteUser() + " " + req.getMethod() + " " + req.getRequestURI());
            if (!req.getMethod().equals("GET") && !req.getMethod().equals("HEAD")) {
                // What a state-changing request carried: its form fields, or its raw body.
                String type = req.getContentType() == null ? "" : req.getContentType();
                if (type.startsWith("application/x-www-form-urlencoded")) {
                    res.getWriter().write(" form=" + new java.util.TreeMap<>(req.getParameterMap()).entrySet().stream()
                            .map(e -> e.getKey() + ":" + String.join("|", e.getValue())).toList());
                } else {
                    res.getWriter().write(" type=" + type + " body=" + new String(req.getInputStream().readAllBytes(),
                            java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            if (req.getAttribute("nl3.approval.status") != null) {
                res.getWriter().write(" status=" + req.getAttribute("nl3.approval.status") + " type="
                        + req.getAttribute("nl3.approval.type") + " statusUrl=" + req.getAttribute("nl3.approval.statusUrl"));
            }
        }
    }
}
