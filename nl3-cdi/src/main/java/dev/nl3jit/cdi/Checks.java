package dev.nl3jit.cdi;

import dev.nl3jit.filter.Caller;
import dev.nl3jit.filter.CheckResult;
import dev.nl3jit.filter.Nl3Approvals;
import dev.nl3jit.filter.Protection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** Runs a check for the current call: the HTTP request when there is one, else the {@link CallerProvider}'s caller. */
@ApplicationScoped
class Checks {
    @Inject
    Nl3Approvals approvals;

    @Inject
    CallerProvider callers;

    @Inject
    Instance<HttpServletRequest> requests;

    /** Protections of intercepted methods, built once per method for this application's settings. */
    private final Map<Method, Protection> protections = new ConcurrentHashMap<>();

    Protection protectionOf(Method method, Function<Method, Protection> build) {
        return protections.computeIfAbsent(method, build);
    }

    CheckResult check(Protection protection) {
        return check(protection, Map.of());
    }

    /** @param parameters values for the protection's parameter metadata, e.g. from the intercepted method's arguments */
    CheckResult check(Protection protection, Map<String, String> parameters) {
        Optional<HttpServletRequest> request = currentRequest();
        if (request.isPresent()) {
            approvals.serveIn(request.get().getServletContext());
            return approvals.check(request.get(), protection, parameters);
        }
        Optional<Caller> caller = callers.current();
        return caller.map(c -> approvals.check(new Caller(c.user(), c.method(), c.path(), c.ip(), c.userAgent(),
                merge(c.parameters(), parameters)), protection)).orElseGet(CheckResult::unauthenticated);
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        Map<String, String> m = new java.util.HashMap<>(a);
        m.putAll(b);
        return m;
    }

    /** The NL3 username of the current call, as the engine's {@code UsernameMapper} names it, if known. */
    Optional<String> currentUser() {
        Optional<HttpServletRequest> request = currentRequest();
        if (request.isPresent()) {
            return approvals.username(request.get().getUserPrincipal());
        }
        return callers.current().map(Caller::user);
    }

    private Optional<HttpServletRequest> currentRequest() {
        if (!requests.isResolvable()) {
            return Optional.empty();
        }
        try {
            HttpServletRequest r = requests.get();
            r.getMethod();
            return Optional.of(r);
        } catch (ContextNotActiveException | IllegalStateException e) {
            return Optional.empty();
        }
    }
}
