package dev.nl3jit.filter.internal.web;

import dev.nl3jit.filter.InvalidSettingsException;
import dev.nl3jit.filter.Nl3Settings;
import dev.nl3jit.filter.Protection;
import dev.nl3jit.filter.RequiresApproval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns {@link RequiresApproval} annotations into validated {@link Protection}s, naming the servlet on error. */
public final class Protections {
    private Protections() {
    }

    public static Map<String, Protection> of(Map<String, RequiresApproval> byServlet, Nl3Settings settings) {
        Map<String, Protection> out = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        byServlet.forEach((servlet, a) -> {
            try {
                out.put(servlet, of(a, settings));
            } catch (IllegalArgumentException e) {
                problems.add("@RequiresApproval on servlet '" + servlet + "': " + e.getMessage());
            }
        });
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException(problems);
        }
        return out;
    }

    public static Protection of(RequiresApproval a, Nl3Settings settings) {
        return Protection.of(settings, a.value(), a.approvers(), a.metadata(), a.parameters(), a.grantDuration(), a.scope(),
                a.uses(), a.reason());
    }
}
