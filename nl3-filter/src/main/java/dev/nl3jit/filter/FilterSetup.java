package dev.nl3jit.filter;

import dev.nl3jit.filter.spi.ApprovalStoreException;
import dev.nl3jit.filter.spi.KeyValueStore;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** What every filter of this library does in {@code init()}: settings, engine, and the check that the pending path is served. */
final class FilterSetup {
    private static final System.Logger LOG = System.getLogger(FilterSetup.class.getName());
    /** The filters that can serve the pending path. */
    private static final Set<String> PENDING_PATH_FILTERS = Set.of(Nl3ApprovalFilter.class.getName(),
            PendingPathFilter.class.getName());

    private FilterSetup() {
    }

    /** The given settings, else the filter's own sources; a problem becomes a logged {@link ServletException}. */
    static Nl3Settings settings(FilterConfig config, Nl3Settings given) throws ServletException {
        try {
            return given != null ? given : SettingsReader.forFilter(config);
        } catch (InvalidSettingsException e) {
            throw failed(e.getMessage(), e);
        }
    }

    static ServletException failed(String message, Exception cause) {
        LOG.log(Level.ERROR, message);
        return new ServletException(message, cause);
    }

    /** The filter's engine, named after the filter, serving its pending pages in the filter's application. */
    static Nl3Approvals engine(FilterConfig config, Nl3Settings settings, KeyValueStore store, Ledger ledger,
            UsernameMapper usernames,
            Clock clock, Consumer<ApprovalEvent> listener) throws ServletException {
        ServletContext ctx = config.getServletContext();
        checkPendingPathIsMapped(config, settings.pendingPath());
        EngineRegistry registry = EngineRegistry.of(ctx);
        Nl3Approvals approvals;
        try {
            approvals = Nl3Approvals.builder(settings).name("filter:" + config.getFilterName())
                    .application(ctx.getContextPath()).clock(clock)
                    .usernames(usernames).listener(listener)
                    .store(store).ledger(ledger != null ? ledger : store != null ? null : registry.sharedStore(settings, clock)).build();
        } catch (InvalidSettingsException | ApprovalStoreException e) {
            throw failed("NL3 approval filter '" + config.getFilterName() + "' cannot open its store (nl3.store="
                    + settings.store() + "): " + e.getMessage(), e);
        }
        try {
            approvals.serveIn(ctx);
        } catch (IllegalStateException e) {
            approvals.close();
            throw failed(e.getMessage(), e);
        }
        return approvals;
    }

    /** Without a mapping on the pending path, users would be sent to a page nobody serves. */
    private static void checkPendingPathIsMapped(FilterConfig config, String pendingPath) throws ServletException {
        Map<String, ? extends FilterRegistration> all;
        try {
            all = config.getServletContext().getFilterRegistrations();
        } catch (UnsupportedOperationException e) {
            return;
        }
        boolean anyOfOurs = false;
        for (FilterRegistration r : all.values()) {
            if (!servesPendingPath(r.getClassName())) {
                continue;
            }
            anyOfOurs = true;
            for (String pattern : r.getUrlPatternMappings()) {
                if (covers(pattern, pendingPath)) {
                    return;
                }
            }
        }
        if (!anyOfOurs) {
            return; // registered in a way the container does not list: nothing to compare with
        }
        throw failed("Nl3ApprovalFilter '" + config.getFilterName() + "': no Nl3ApprovalFilter is mapped to " + pendingPath
                + "/*, where the pending page lives; add <url-pattern>" + pendingPath
                + "/*</url-pattern> to its filter-mapping, or leave nl3.auto-register on", null);
    }

    private static boolean servesPendingPath(String className) {
        if (className == null) {
            return false;
        }
        if (PENDING_PATH_FILTERS.contains(className)) {
            return true;
        }
        try {
            return Nl3ApprovalFilter.class.isAssignableFrom(
                    Class.forName(className, false, Thread.currentThread().getContextClassLoader()));
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    static boolean covers(String pattern, String path) {
        return pattern.equals("/*") || pattern.equals(path + "/*") || pattern.equals(path);
    }
}
