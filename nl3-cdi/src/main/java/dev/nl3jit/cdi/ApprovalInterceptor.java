package dev.nl3jit.cdi;

import dev.nl3jit.filter.ApprovalRequiredException;
import dev.nl3jit.filter.CheckResult;
import dev.nl3jit.filter.Nl3Settings;
import dev.nl3jit.filter.Protection;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import java.io.Serializable;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Enforces {@link ApprovalRequired}: the same engine and the same answers as the filter. */
@ApprovalRequired("")
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_AFTER + 100)
public class ApprovalInterceptor implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Map<Method, ApprovalRequired> BINDINGS = new ConcurrentHashMap<>();

    @Inject
    transient Checks checks;

    @Inject
    transient Nl3Settings settings;

    @AroundInvoke
    public Object guard(InvocationContext ctx) throws Exception {
        ApprovalRequired binding = BINDINGS.computeIfAbsent(ctx.getMethod(), m -> binding(m, ctx.getTarget()));
        Protection protection = Protection.of(settings, binding.value(), binding.approvers(), binding.metadata(),
                binding.parameters(), binding.grantDuration(), binding.scope());
        CheckResult result = checks.check(protection, ArgumentNames.values(ctx.getMethod(), ctx.getParameters()));
        if (result.passed()) {
            return ctx.proceed();
        }
        throw new ApprovalRequiredException(result);
    }

    private static ApprovalRequired binding(Method method, Object target) {
        ApprovalRequired a = method.getAnnotation(ApprovalRequired.class);
        if (a != null) {
            return a;
        }
        for (Class<?> c = method.getDeclaringClass(); c != null; c = c.getSuperclass()) {
            a = c.getAnnotation(ApprovalRequired.class);
            if (a != null) {
                return a;
            }
        }
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            a = c.getAnnotation(ApprovalRequired.class);
            if (a != null) {
                return a;
            }
        }
        throw new IllegalStateException("@ApprovalRequired not found on " + method);
    }
}
