package dev.nl3jit.cdi;

import dev.nl3jit.filter.GrantScope;
import dev.nl3jit.filter.Reason;
import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A CDI bean method (or every method of a bean, or a JAX-RS resource method) that runs only with a live
 * NL3 approval for the calling user. Without one, the call throws {@link dev.nl3jit.filter.ApprovalRequiredException}
 * carrying the same answer the filter gives (a redirect to the pending page for browsers, {@code 202}
 * problem+json for API clients, 403, 503); the JAX-RS exception mapper of this module sends it.
 */
@Inherited
@Documented
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface GuardedByApproval {
    /** The template's Approval Key. */
    @Nonbinding
    String value();

    /** Who approves; empty: {@code nl3.approvers}, else the template's defaults. */
    @Nonbinding
    String[] approvers() default {};

    /** Static metadata, each {@code "key=value"}. */
    @Nonbinding
    String[] metadata() default {};

    /** Request parameters copied into metadata: {@code "name"} or {@code "name=metadataKey"}. */
    @Nonbinding
    String[] parameters() default {};

    /** How long an approval lasts, e.g. {@code "30m"}; empty: {@code nl3.grant-duration}. */
    @Nonbinding
    String grantDuration() default "";

    /** What an approval covers: the key, or only the same method, path and argument values ({@code parameters}). */
    @Nonbinding
    GrantScope scope() default GrantScope.KEY;

    /**
     * How many calls one approval lets through: {@code "auto"} (one for Sign and Approve templates, else unlimited),
     * {@code "unlimited"}, or a number; empty: {@code nl3.grant-uses}.
     */
    @Nonbinding
    String uses() default "";

    /** Whether the user types a reason first (HTTP browser requests; API clients send the {@code NL3-Reason} header). */
    @Nonbinding
    Reason reason() default Reason.NONE;
}
