package dev.nl3jit.boot;

import dev.nl3jit.filter.CheckResult;
import dev.nl3jit.filter.Nl3Approvals;
import dev.nl3jit.filter.Nl3Settings;
import dev.nl3jit.filter.Protection;
import dev.nl3jit.filter.RequiresApproval;
import dev.nl3jit.filter.spi.UsernameMapper;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationContext;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;

/**
 * Puts the approval in front of Spring MVC handler methods annotated with {@link RequiresApproval} (or of every handler
 * method of an annotated controller class; the method's annotation wins). The decisions are the filter's: one engine
 * ({@code spring-mvc}) checks the request before the method runs and, when it does not pass, answers as the filter
 * would (303 to the pending page for browsers, 202 problem+json for API clients, 403, 429, 503 …) and the method does
 * not run. A protection's {@code parameters} take a URI template variable ({@code @PathVariable}) of that name, else the
 * request parameter (query string or form field, as {@code @RequestParam} reads it). Annotation values are checked
 * at startup. Send now's dispatch of the kept request passes once: Send now took the grant's use already.
 */
final class ApprovalInterceptor implements HandlerInterceptor, SmartInitializingSingleton, DisposableBean {
    private static final System.Logger LOG = System.getLogger(ApprovalInterceptor.class.getName());
    static final String ENGINE_NAME = "spring-mvc";

    private final Nl3Settings settings;
    private final UsernameMapper usernames;
    private final ApplicationContext context;
    /** Protection by handler method; an empty optional for methods without one. */
    private final Map<Method, Optional<Protection>> protections = new ConcurrentHashMap<>();
    private volatile Nl3Approvals approvals;

    ApprovalInterceptor(Nl3Settings settings, UsernameMapper usernames, ApplicationContext context) {
        this.settings = settings;
        this.usernames = usernames;
        this.context = context;
    }

    /** Checks every annotated handler method's values at startup and starts the engine when there is one. */
    @Override
    public void afterSingletonsInstantiated() {
        List<String> problems = new ArrayList<>();
        List<String> protectedMethods = new ArrayList<>();
        for (RequestMappingInfoHandlerMapping mapping : context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values()) {
            mapping.getHandlerMethods().forEach((info, hm) -> {
                try {
                    protection(hm).ifPresent(p -> protectedMethods.add(hm.getShortLogMessage() + " " + p));
                } catch (IllegalArgumentException e) {
                    problems.add("@RequiresApproval on " + hm.getShortLogMessage() + ": " + e.getMessage());
                }
            });
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems));
        }
        if (!protectedMethods.isEmpty()) {
            if (context instanceof WebApplicationContext web && web.getServletContext() != null) {
                approvals(web.getServletContext());
            }
            LOG.log(System.Logger.Level.INFO, "NL3 approvals in front of handler methods {0}", protectedMethods);
        }
    }

    @Override
    public boolean preHandle(HttpServletRequest req, HttpServletResponse res, Object handler) throws IOException {
        if (!(handler instanceof HandlerMethod hm)) {
            return true;
        }
        Optional<Protection> found = protection(hm);
        if (found.isEmpty()) {
            return true;
        }
        Protection p = found.get();
        // Checked already by a filter of this request under the same key and scope, or Send now's dispatch.
        if (req.getAttribute(p.checkedAttribute()) != null || Nl3Approvals.sentNow(req, p)) {
            req.setAttribute(p.checkedAttribute(), Boolean.TRUE);
            return true;
        }
        CheckResult result = approvals(req.getServletContext()).check(req, p, pathValues(req, p));
        if (result.passed()) {
            req.setAttribute(p.checkedAttribute(), Boolean.TRUE);
            return true;
        }
        result.answer().orElseThrow().writeTo(res);
        return false;
    }

    /** The URI template variables among the protection's parameters; request parameters fill in the rest. */
    private static Map<String, String> pathValues(HttpServletRequest req, Protection p) {
        if (p.parameterMetadata().isEmpty()
                || !(req.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE) instanceof Map<?, ?> vars)) {
            return Map.of();
        }
        Map<String, String> known = new HashMap<>();
        for (String name : p.parameterMetadata().keySet()) {
            if (vars.get(name) instanceof String v) {
                known.put(name, v);
            }
        }
        return known;
    }

    private Optional<Protection> protection(HandlerMethod hm) {
        return protections.computeIfAbsent(hm.getMethod(), m -> {
            RequiresApproval a = AnnotatedElementUtils.findMergedAnnotation(m, RequiresApproval.class);
            if (a == null) {
                a = AnnotatedElementUtils.findMergedAnnotation(hm.getBeanType(), RequiresApproval.class);
            }
            if (a == null) {
                return Optional.empty();
            }
            return Optional.of(Protection.of(settings, a.value(), a.approvers(), a.metadata(), a.parameters(),
                    a.grantDuration(), a.scope(), a.uses(), a.reason()));
        });
    }

    private Nl3Approvals approvals(ServletContext ctx) {
        Nl3Approvals a = approvals;
        if (a == null) {
            synchronized (this) {
                a = approvals;
                if (a == null) {
                    a = Nl3Approvals.builder(settings).name(ENGINE_NAME).application(ctx.getContextPath()).usernames(usernames)
                            .build();
                    a.serveIn(ctx);
                    approvals = a;
                }
            }
        }
        return a;
    }

    @Override
    public void destroy() {
        Nl3Approvals a = approvals;
        if (a != null) {
            a.close();
        }
    }
}
