package dev.nl3jit.cdi;

import dev.nl3jit.filter.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** The default {@link CallerProvider}: outside an HTTP request nobody is known, so protected calls are refused. */
@ApplicationScoped
class NoCallerOutsideHttp implements CallerProvider {
    @Override
    public Optional<Caller> current() {
        return Optional.empty();
    }
}
