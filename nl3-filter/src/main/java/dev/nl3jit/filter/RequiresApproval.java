package dev.nl3jit.filter;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Puts a just-in-time NL3 approval in front of every request to the annotated servlet. With the jar in
 * {@code WEB-INF/lib}, the container wires the approval filter at startup (switch off with
 * {@code nl3.auto-register=false}); the NL3 settings come from context-params, system properties or
 * environment variables, as for the filter.
 *
 * <pre>{@code
 * @WebServlet("/payments/transfer")
 * @RequiresApproval(value = "PAYMENT_APPROVAL", parameters = {"amount", "to=recipient"}, grantDuration = "5m",
 *         scope = GrantScope.REQUEST)
 * public class TransferServlet extends HttpServlet { ... }
 * }</pre>
 *
 * <p>In a Spring Boot application with {@code nl3-spring-boot}, it also protects Spring MVC handler methods, and every
 * handler method of an annotated controller class (an annotation on the method wins over the class's). There
 * {@link #parameters()} name URI template variables ({@code @PathVariable}) first, else request parameters (the query
 * string and form fields, as {@code @RequestParam} and form objects read them). On anything else it has no effect.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RequiresApproval {
    /** The template's Approval Key, e.g. {@code ADMIN_ACCESS}. */
    String value();

    /** Who approves; empty: {@code nl3.approvers}, else the template's defaults. */
    String[] approvers() default {};

    /** Static metadata, each {@code "key=value"}. */
    String[] metadata() default {};

    /** Request parameters copied into metadata: {@code "name"} or {@code "name=metadataKey"}. */
    String[] parameters() default {};

    /** How long an approval lasts, e.g. {@code "30m"}; empty: {@code nl3.grant-duration}. */
    String grantDuration() default "";

    /**
     * What an approval covers: {@code KEY}, every request under the key for the grant's duration; {@code REQUEST}, only
     * the same method, path and values of the {@link #parameters()} (any other value needs a new approval).
     */
    GrantScope scope() default GrantScope.KEY;

    /**
     * How many requests one approval lets through: {@code "auto"} (one for Sign and Approve templates, else
     * unlimited), {@code "unlimited"}, or a number; empty: {@code nl3.grant-uses}.
     */
    String uses() default "";

    /** Whether the user types a reason before the approval request is sent (metadata {@code reason}). */
    Reason reason() default Reason.NONE;
}
