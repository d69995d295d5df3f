package dev.nl3jit.filter;

import dev.nl3jit.filter.internal.web.PendingPathFilter;
import dev.nl3jit.filter.internal.settings.SettingsReader;
import dev.nl3jit.filter.internal.settings.SettingsTable;
import dev.nl3jit.filter.spi.UsernameMapper;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.annotation.HandlesTypes;
import java.lang.System.Logger.Level;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Wires the approval filter into an application with no {@code web.xml} edits: every servlet annotated
 * with {@link RequiresApproval} gets one shared filter instance in front of it (mapped by servlet name,
 * after the application's own filters), and one more filter serves the pending page and status endpoint
 * for every engine of the application (filters, CDI). Off with
 * {@code nl3.auto-register=false} (context-param, system property or {@code NL3_AUTO_REGISTER}).
 */
@HandlesTypes(RequiresApproval.class)
public final class Nl3Initializer implements ServletContainerInitializer {
    static final String FILTER_NAME = "nl3-approval-annotations";
    static final String ENDPOINT_NAME = "nl3-approval-pending";
    private static final System.Logger LOG = System.getLogger(Nl3Initializer.class.getName());
    private final Nl3Settings given;
    private final UsernameMapper usernames;

    /** For the container: the settings come from context-params, system properties and the environment. */
    public Nl3Initializer() {
        this(null);
    }

    /**
     * For frameworks that do not run a jar's {@code ServletContainerInitializer} (Spring Boot): call
     * {@link #onStartup(Set, ServletContext)} yourself with the settings read your way.
     */
    public Nl3Initializer(Nl3Settings settings) {
        this(settings, UsernameMapper.PRINCIPAL_NAME);
    }

    /**
     * As {@link #Nl3Initializer(Nl3Settings)}, with the way the annotated servlets' filter turns the signed-in principal
     * into the NL3 username (Spring Boot passes the application's {@code UsernameMapper} bean).
     */
    public Nl3Initializer(Nl3Settings settings, UsernameMapper usernames) {
        this.given = settings;
        this.usernames = usernames == null ? UsernameMapper.PRINCIPAL_NAME : usernames;
    }

    @Override
    public void onStartup(Set<Class<?>> annotated, ServletContext ctx) {
        if (given != null ? !given.autoRegister() : !SettingsReader.contextValue(ctx, SettingsTable.AUTO_REGISTER)) {
            LOG.log(Level.INFO, "nl3.auto-register is off: @RequiresApproval servlets are not wired automatically");
            return;
        }
        String pendingPath = given != null ? given.pendingPath() : SettingsReader.contextValue(ctx, SettingsTable.PENDING_PATH);
        EnumSet<DispatcherType> request = EnumSet.of(DispatcherType.REQUEST);
        if (ctx.getFilterRegistration(ENDPOINT_NAME) == null) {
            FilterRegistration.Dynamic endpoint = ctx.addFilter(ENDPOINT_NAME, new PendingPathFilter(pendingPath));
            if (endpoint != null) {
                // Long polls of the status endpoint then wait without holding a request thread.
                endpoint.setAsyncSupported(true);
                endpoint.addMappingForUrlPatterns(request, false, pendingPath + "/*");
            }
        }
        Map<String, RequiresApproval> byServlet = new LinkedHashMap<>();
        for (ServletRegistration r : ctx.getServletRegistrations().values()) {
            Class<?> type = load(r.getClassName(), ctx.getClassLoader());
            RequiresApproval a = type == null ? null : type.getAnnotation(RequiresApproval.class);
            if (a != null) {
                byServlet.put(r.getName(), a);
            }
        }
        if (byServlet.isEmpty() || ctx.getFilterRegistration(FILTER_NAME) != null) {
            return;
        }
        FilterRegistration.Dynamic f = ctx.addFilter(FILTER_NAME, new AnnotatedServletsFilter(byServlet, given, usernames));
        if (f == null) {
            return;
        }
        f.setAsyncSupported(true);
        f.addMappingForServletNames(request, true, byServlet.keySet().toArray(new String[0]));
        LOG.log(Level.INFO, "NL3 approvals wired in front of servlets {0}", byServlet.keySet());
    }

    private static Class<?> load(String className, ClassLoader loader) {
        if (className == null) {
            return null;
        }
        try {
            return Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }
}
