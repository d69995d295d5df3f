package dev.nl3jit.cdi;

import dev.nl3jit.filter.InvalidSettingsException;
import dev.nl3jit.filter.Nl3Settings;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.Extension;

/** Checks the settings when the container starts, so a bad setting stops the deployment with every problem listed. */
public class Nl3Extension implements Extension {

    void validate(@Observes AfterDeploymentValidation adv, BeanManager bm) {
        try {
            Bean<?> bean = bm.resolve(bm.getBeans(Nl3Settings.class));
            if (bean == null) {
                return;
            }
            Object settings = bm.getReference(bean, Nl3Settings.class, bm.createCreationalContext(bean));
            settings.toString();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof InvalidSettingsException invalid) {
                    adv.addDeploymentProblem(invalid);
                    return;
                }
            }
            adv.addDeploymentProblem(e);
        }
    }
}
