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

/** Enforces {@link ApprovalRequired}: the same engine and the same answers as the filter. */
@ApprovalRequired("")
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_AFTER + 100)
public class ApprovalInterceptor implements Serializable {
    private static final long serialVersionUID = 1L;

    @Inject
    transient Checks checks;

    @Inject
    transient Nl3Settings settings;

    @AroundInvoke
    public Object guard(InvocationContext ctx) throws Exception {
        Protection protection = checks.protectionOf(ctx.getMethod(), m -> {
            ApprovalRequired b = binding(m, ctx.getTarget());
            return Protection.of(settings, b.value(), b.approvers(), b.metadata(), b.parameters(), b.grantDuration(), b.scope());
        });
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
