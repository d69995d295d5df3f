package dev.nl3jit.cdi;

import dev.nl3jit.filter.Caller;
import java.util.Optional;

/**
 * Who is calling, for checks outside an HTTP request (batch jobs, messaging, tests). The default finds
 * nobody; an application provides its own as a CDI bean ({@code @Alternative @Priority}) when it protects
 * beans that run outside HTTP requests. Inside an HTTP request the request's principal is used.
 */
@FunctionalInterface
public interface CallerProvider {
    Optional<Caller> current();
}
