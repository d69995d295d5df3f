package dev.nl3jit.boot;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

/** The health contributor {@code nl3} on Spring Boot 3 (Actuator's {@code HealthIndicator}), when Actuator is present. */
@AutoConfiguration(after = Nl3AutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = {"org.springframework.boot.actuate.health.HealthIndicator", "dev.nl3jit.filter.Nl3ApprovalFilter"})
@ConditionalOnMissingClass("org.springframework.boot.health.contributor.HealthIndicator")
public class Nl3HealthConfiguration {

    /** Named {@code nl3} on the health endpoint (Spring drops the {@code HealthIndicator} suffix). */
    @Bean
    HealthIndicator nl3HealthIndicator(ApplicationContext context) {
        Nl3Engines engines = new Nl3Engines(context);
        return () -> {
            Nl3Engines.Health h = engines.health();
            return Health.status(h.status()).withDetails(h.details()).build();
        };
    }
}
