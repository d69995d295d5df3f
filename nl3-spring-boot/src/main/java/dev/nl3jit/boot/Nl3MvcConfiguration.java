package dev.nl3jit.boot;

import dev.nl3jit.filter.Nl3Settings;
import dev.nl3jit.filter.spi.UsernameMapper;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * {@code @RequiresApproval} on Spring MVC handler methods and controller classes, when Spring MVC is present: a handler
 * interceptor makes the filter's decisions before the method runs.
 */
@AutoConfiguration(after = Nl3AutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = {"org.springframework.web.servlet.HandlerInterceptor", "dev.nl3jit.filter.Nl3ApprovalFilter"})
public class Nl3MvcConfiguration {

    @Bean
    ApprovalInterceptor nl3ApprovalInterceptor(Nl3Settings settings, ObjectProvider<UsernameMapper> usernames,
            org.springframework.context.ApplicationContext context) {
        return new ApprovalInterceptor(settings, usernames.getIfAvailable(() -> UsernameMapper.PRINCIPAL_NAME), context);
    }

    @Bean
    WebMvcConfigurer nl3ApprovalMvcConfigurer(ApprovalInterceptor interceptor) {
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(interceptor);
            }
        };
    }
}
