package dev.nl3jit.filter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns {@link RequiresApproval} annotations into validated {@link Protection}s, naming the servlet on error. */
final class Protections {
    private Protections() {
    }

    static Map<String, Protection> of(Map<String, RequiresApproval> byServlet, Nl3Settings settings) {
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

    static Protection of(RequiresApproval a, Nl3Settings settings) {
        Map<String, String> metadata = new LinkedHashMap<>(settings.metadata());
        for (String pair : a.metadata()) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("metadata '" + pair + "' must be key=value");
            }
            metadata.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String p : a.parameters()) {
            int eq = p.indexOf('=');
            String name = eq < 0 ? p.strip() : p.substring(0, eq).strip();
            String key = eq < 0 ? name : p.substring(eq + 1).strip();
            if (name.isEmpty() || key.isEmpty()) {
                throw new IllegalArgumentException("parameters '" + p + "' must be name or name=metadataKey");
            }
            params.put(name, key);
        }
        Duration grant = settings.grantDuration();
        if (!a.grantDuration().isBlank()) {
            grant = SettingsReader.parseDuration(a.grantDuration());
            if (grant == null || grant.isZero() || grant.compareTo(Duration.ofDays(7)) > 0) {
                throw new IllegalArgumentException("grantDuration '" + a.grantDuration()
                        + "' must be a duration such as 30m, between 1s and 7d");
            }
        }
        List<String> approvers = a.approvers().length > 0 ? List.of(a.approvers()) : settings.approvers();
        return new Protection(a.value(), approvers, metadata, params, grant, a.scope());
    }
}
