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

/** Enforces {@link GuardedByApproval}: the same engine and the same answers as the filter. */
@GuardedByApproval("")
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
            GuardedByApproval b = binding(m, ctx.getTarget());
            return Protection.of(settings, b.value(), b.approvers(), b.metadata(), b.parameters(), b.grantDuration(), b.scope(),
                    b.uses(), b.reason());
        });
        CheckResult result = checks.check(protection, ArgumentNames.values(ctx.getMethod(), ctx.getParameters()));
        if (result.passed()) {
            return ctx.proceed();
        }
        throw new ApprovalRequiredException(result);
    }

    private static GuardedByApproval binding(Method method, Object target) {
        GuardedByApproval a = method.getAnnotation(GuardedByApproval.class);
        if (a != null) {
            return a;
        }
        for (Class<?> c = method.getDeclaringClass(); c != null; c = c.getSuperclass()) {
            a = c.getAnnotation(GuardedByApproval.class);
            if (a != null) {
                return a;
            }
        }
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            a = c.getAnnotation(GuardedByApproval.class);
            if (a != null) {
                return a;
            }
        }
        throw new IllegalStateException("@GuardedByApproval not found on " + method);
    }
}
