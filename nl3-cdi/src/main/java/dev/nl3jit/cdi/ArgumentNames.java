package dev.nl3jit.cdi;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The values of a method's arguments under the names JAX-RS gives them ({@code @FormParam}, {@code @QueryParam},
 * {@code @PathParam}, {@code @HeaderParam}), so {@code parameters} metadata works for resource methods whose
 * request body the framework has already read. Found by annotation name: no JAX-RS dependency.
 */
final class ArgumentNames {
    private static final Set<String> NAMED = Set.of("jakarta.ws.rs.FormParam", "jakarta.ws.rs.QueryParam",
            "jakarta.ws.rs.PathParam", "jakarta.ws.rs.HeaderParam");

    private ArgumentNames() {
    }

    static Map<String, String> values(Method method, Object[] args) {
        if (args == null || args.length == 0) {
            return Map.of();
        }
        Map<String, String> out = new HashMap<>();
        Annotation[][] all = method.getParameterAnnotations();
        for (int i = 0; i < all.length && i < args.length; i++) {
            for (Annotation a : all[i]) {
                if (args[i] != null && NAMED.contains(a.annotationType().getName())) {
                    try {
                        Object name = a.annotationType().getMethod("value").invoke(a);
                        out.put(String.valueOf(name), String.valueOf(args[i]));
                    } catch (ReflectiveOperationException e) {
                        // not a named parameter after all
                    }
                }
            }
        }
        return out;
    }
}
