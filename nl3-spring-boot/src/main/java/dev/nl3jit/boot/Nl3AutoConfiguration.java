package dev.nl3jit.boot;

import dev.nl3jit.filter.InvalidSettingsException;
import dev.nl3jit.filter.Nl3ApprovalFilter;
import dev.nl3jit.filter.Nl3Initializer;
import dev.nl3jit.filter.Nl3Settings;
import dev.nl3jit.filter.Setting;
import dev.nl3jit.filter.spi.UsernameMapper;
import jakarta.servlet.ServletException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * NL3 approvals in a Spring Boot servlet application, from {@code application.properties}:
 * <ul>
 * <li>the settings are the filter's ({@code nl3.signing-key}, {@code nl3.app-uri}, …), read from Spring's
 * environment (so {@code application.properties}, profiles and {@code NL3_*} environment variables all work) and
 * checked at startup, unknown {@code nl3.*} names included;</li>
 * <li>{@code nl3.boot.url-patterns} (e.g. {@code /admin/*}) maps {@link Nl3ApprovalFilter} for {@code nl3.approval-key};
 * it also serves the pending path;</li>
 * <li>servlets annotated with {@code @RequiresApproval} are protected as in a WAR: Spring Boot does not run a jar's
 * {@code ServletContainerInitializer}, so this configuration runs {@link Nl3Initializer} itself.</li>
 * <li>a {@code UsernameMapper} bean, when there is one, maps the signed-in principal (Spring Security's
 * {@code Authentication}) to the NL3 username for the mapped filter, the annotated servlets and controller methods.</li>
 * </ul>
 * Further configurations, each only when its framework is present: {@link Nl3MvcConfiguration} (controller methods),
 * {@link Nl3SecurityConfiguration}, {@link Nl3MetricsConfiguration}, {@link Nl3HealthConfiguration} (Boot 3) and
 * {@link Nl3Health4Configuration} (Boot 4).
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(Nl3ApprovalFilter.class)
public class Nl3AutoConfiguration {
    /** Names of this module's own settings; the filter's settings table does not know them. */
    static final String BOOT_PREFIX = "nl3.boot.";
    static final String URL_PATTERNS = BOOT_PREFIX + "url-patterns";
    /** Described like the filter's settings, for the IDE metadata. */
    static final Setting<String> URL_PATTERNS_SETTING = Setting.<String>of(URL_PATTERNS, null, s -> s, null)
            .described(null, "comma-separated URL patterns (e.g. `/admin/*`) behind the approval filter for `nl3.approval-key`; "
                    + "the pending path is added");

    /** The settings, from Spring's environment first, then system properties and environment variables. */
    @Bean
    @ConditionalOnMissingBean
    public Nl3Settings nl3Settings(ConfigurableEnvironment env) {
        List<String> names = new ArrayList<>();
        env.getPropertySources().forEach(source -> {
            boolean systemOrEnv = StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME.equals(source.getName())
                    || StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME.equals(source.getName());
            if (!systemOrEnv && source instanceof EnumerablePropertySource<?> e) {
                for (String name : e.getPropertyNames()) {
                    if (name.startsWith("nl3.") && !name.startsWith(BOOT_PREFIX)) {
                        names.add(name);
                    }
                }
            }
        });
        List<String> problems = new ArrayList<>();
        env.getPropertySources().forEach(source -> {
            if (source instanceof EnumerablePropertySource<?> e) {
                for (String name : e.getPropertyNames()) {
                    if (name.startsWith(BOOT_PREFIX) && !name.equals(URL_PATTERNS)) {
                        problems.add(name + " (" + source.getName() + "): unknown setting; the only nl3.boot setting is "
                                + URL_PATTERNS);
                    }
                }
            }
        });
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException(problems);
        }
        return Nl3Settings.fromSources(env::getProperty, names, "Spring environment");
    }

    /** The filter for {@code nl3.boot.url-patterns}, when set. */
    @Bean
    @ConditionalOnMissingBean(name = "nl3ApprovalFilterRegistration")
    public FilterRegistrationBean<Nl3ApprovalFilter> nl3ApprovalFilterRegistration(Nl3Settings settings,
            ConfigurableEnvironment env, ObjectProvider<UsernameMapper> usernames) {
        List<String> patterns = new ArrayList<>();
        for (String p : env.getProperty(URL_PATTERNS, "").split(",")) {
            if (!p.isBlank()) {
                patterns.add(p.strip());
            }
        }
        FilterRegistrationBean<Nl3ApprovalFilter> registration = new FilterRegistrationBean<>(
                new Nl3ApprovalFilter(settings, null, usernames.getIfAvailable(() -> UsernameMapper.PRINCIPAL_NAME)));
        registration.setName("nl3-approval");
        registration.setAsyncSupported(true);
        // After Spring Security's chain (order -100 by default) and the application's own filters: the user is signed in.
        registration.setOrder(Ordered.LOWEST_PRECEDENCE);
        if (patterns.isEmpty() || settings.approvalKey() == null) {
            registration.setEnabled(false);
            return registration;
        }
        patterns.add(settings.pendingPath() + "/*");
        registration.setUrlPatterns(patterns);
        return registration;
    }

    /**
     * Protects servlets annotated with {@code @RequiresApproval} and serves the pending path, as the jar's
     * {@code ServletContainerInitializer} does in a WAR. Ordered last, after the application's servlet registrations.
     */
    @Bean
    public ServletContextInitializer nl3Initializer(Nl3Settings settings, ObjectProvider<UsernameMapper> usernames) {
        return new OrderedInitializer(settings, usernames.getIfAvailable(() -> UsernameMapper.PRINCIPAL_NAME));
    }

    /** Runs the library's initializer, with the settings from Spring's environment, with the lowest precedence. */
    static final class OrderedInitializer implements ServletContextInitializer, Ordered {
        private final Nl3Settings settings;
        private final UsernameMapper usernames;

        OrderedInitializer(Nl3Settings settings, UsernameMapper usernames) {
            this.settings = settings;
            this.usernames = usernames;
        }

        @Override
        public void onStartup(jakarta.servlet.ServletContext ctx) throws ServletException {
            new Nl3Initializer(settings, usernames).onStartup(Set.of(), ctx);
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
