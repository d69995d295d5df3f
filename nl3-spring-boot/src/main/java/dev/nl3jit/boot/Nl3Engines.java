package dev.nl3jit.boot;

import dev.nl3jit.filter.ApprovalsMXBean;
import dev.nl3jit.filter.Nl3Approvals;
import jakarta.servlet.ServletContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.springframework.context.ApplicationContext;
import org.springframework.web.context.WebApplicationContext;

/** The application's approval engines, read when asked (the filters start theirs with the server), for health and meters. */
final class Nl3Engines {
    private final ApplicationContext context;

    Nl3Engines(ApplicationContext context) {
        this.context = context;
    }

    List<ApprovalsMXBean> all() {
        ServletContext ctx = context instanceof WebApplicationContext web ? web.getServletContext() : null;
        return ctx == null ? List.of() : Nl3Approvals.engines(ctx);
    }

    /** The sum of a counter over the engines; counts an engine cannot give (-1) are left out. */
    double sum(ToDoubleFunction<ApprovalsMXBean> counter) {
        double sum = 0;
        for (ApprovalsMXBean e : all()) {
            double v = counter.applyAsDouble(e);
            if (v > 0) {
                sum += v;
            }
        }
        return sum;
    }

    /** What the health endpoint shows: status as Spring names it, and details. */
    record Health(String status, Map<String, Object> details) {
    }

    /**
     * {@code DOWN} when NL3 refused a call as misconfigured (a setting is wrong), {@code OUT_OF_SERVICE} when the newest
     * call got no usable answer or the store does not answer (an outage), else {@code UP} ({@code UNKNOWN} with no
     * engine yet). Never calls NL3: it reads what the newest call came to.
     */
    Health health() {
        List<ApprovalsMXBean> engines = all();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("engines", engines.size());
        if (engines.isEmpty()) {
            return new Health("UNKNOWN", details);
        }
        int worst = 0; // 0 up, 1 out of service, 2 down
        String nl3 = "NO_CALLS";
        String store = "reachable";
        long grants = 0;
        long pending = 0;
        String lastFailure = "";
        for (ApprovalsMXBean e : engines) {
            String state = e.getNl3State();
            int rank = switch (state) {
                case "MISCONFIGURED" -> 2;
                case "UNAVAILABLE" -> 1;
                default -> 0;
            };
            if (rank > worst || rank == worst && "ANSWERING".equals(state) && rank == 0) {
                nl3 = state;
            }
            worst = Math.max(worst, rank);
            try {
                grants += Math.max(0, e.getLiveGrants());
                pending += Math.max(0, e.getPendingApprovals());
            } catch (RuntimeException failure) {
                store = "unreachable";
                worst = Math.max(worst, 1);
            }
            if (!e.getLastFailure().isEmpty()) {
                lastFailure = e.getLastFailure();
            }
        }
        details.put("nl3", nl3);
        details.put("store", store);
        details.put("liveGrants", grants);
        details.put("pendingApprovals", pending);
        if (!lastFailure.isEmpty()) {
            details.put("lastFailure", lastFailure);
        }
        return new Health(worst == 2 ? "DOWN" : worst == 1 ? "OUT_OF_SERVICE" : "UP", details);
    }
}
