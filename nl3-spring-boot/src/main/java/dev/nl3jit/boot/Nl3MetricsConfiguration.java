package dev.nl3jit.boot;

import dev.nl3jit.filter.ApprovalsMXBean;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters {@code nl3.*}, when Micrometer is present: what the JMX bean {@code dev.nl3jit:type=Approvals}
 * counts, summed over the application's approval engines.
 */
@AutoConfiguration(after = Nl3AutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = {"io.micrometer.core.instrument.MeterRegistry", "dev.nl3jit.filter.Nl3ApprovalFilter"})
public class Nl3MetricsConfiguration {

    @Bean
    MeterBinder nl3Meters(ApplicationContext context) {
        Nl3Engines engines = new Nl3Engines(context);
        return registry -> {
            counter(registry, engines, "nl3.calls", "calls made to NL3", ApprovalsMXBean::getNl3Calls);
            counter(registry, engines, "nl3.calls.unavailable", "NL3 calls with no usable answer (an outage)",
                    ApprovalsMXBean::getNl3Unavailable);
            counter(registry, engines, "nl3.calls.misconfigured", "NL3 calls refused as misconfigured (400, 401, 404)",
                    ApprovalsMXBean::getNl3Misconfigured);
            counter(registry, engines, "nl3.approvals.requested", "approval requests made", ApprovalsMXBean::getApprovalsRequested);
            counter(registry, engines, "nl3.approvals.granted", "approvals granted", ApprovalsMXBean::getApprovalsGranted);
            counter(registry, engines, "nl3.approvals.rejected", "approvals rejected", ApprovalsMXBean::getApprovalsRejected);
            counter(registry, engines, "nl3.refusals.locked", "requests refused for a locked account, and lock revocations",
                    ApprovalsMXBean::getLockedRefusals);
            counter(registry, engines, "nl3.requests.limited", "approval requests refused by nl3.request-limit",
                    ApprovalsMXBean::getRequestsLimited);
            gauge(registry, engines, "nl3.grants.live", "grants held in the store", ApprovalsMXBean::getLiveGrants);
            gauge(registry, engines, "nl3.approvals.pending", "pending approvals held in the store",
                    ApprovalsMXBean::getPendingApprovals);
            gauge(registry, engines, "nl3.store.entries.rejected", "store entries that failed the integrity check",
                    ApprovalsMXBean::getStoreEntriesRejected);
            Gauge.builder("nl3.approval.median", engines, e -> e.all().stream()
                    .mapToDouble(ApprovalsMXBean::getMedianApprovalSeconds).max().orElse(0))
                    .description("median seconds from an approval request to its approval, last 100 approvals")
                    .baseUnit("seconds").register(registry);
        };
    }

    private static void counter(io.micrometer.core.instrument.MeterRegistry registry, Nl3Engines engines, String name,
            String description, ToDoubleFunction<ApprovalsMXBean> value) {
        FunctionCounter.builder(name, engines, e -> e.sum(value)).description(description).register(registry);
    }

    private static void gauge(io.micrometer.core.instrument.MeterRegistry registry, Nl3Engines engines, String name,
            String description, ToDoubleFunction<ApprovalsMXBean> value) {
        Gauge.builder(name, engines, e -> {
            try {
                return e.sum(value);
            } catch (RuntimeException storeFailed) {
                return Double.NaN;
            }
        }).description(description).register(registry);
    }
}
