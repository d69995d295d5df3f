package dev.nl3jit.cdi;

import dev.nl3jit.filter.InvalidSettingsException;
import dev.nl3jit.filter.Nl3Settings;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessBean;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/** Checks the settings when the container starts, so a bad setting stops the deployment with every problem listed. */
public class Nl3Extension implements Extension {
    private static final System.Logger LOG = System.getLogger(Nl3Extension.class.getName());
    /** Every bean of the deployment that produces the settings, as the container discovered them. */
    private final Set<Bean<?>> settingsBeans = new CopyOnWriteArraySet<>();

    /**
     * Remembers the settings beans as they are discovered. On a full EE server the extension's own {@link BeanManager}
     * may not see the beans of the web module (GlassFish), so resolving by type there finds nothing.
     */
    void found(@Observes ProcessBean<?> event) {
        if (event.getBean().getTypes().contains(Nl3Settings.class)) {
            settingsBeans.add(event.getBean());
        }
    }

    void validate(@Observes AfterDeploymentValidation adv, BeanManager bm) {
        try {
            Set<Bean<?>> beans = bm.getBeans(Nl3Settings.class);
            Bean<?> bean = bm.resolve(beans.isEmpty() ? Set.copyOf(settingsBeans) : beans);
            if (bean == null) {
                LOG.log(System.Logger.Level.WARNING, "no Nl3Settings bean found: the NL3 settings are checked on first use");
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
