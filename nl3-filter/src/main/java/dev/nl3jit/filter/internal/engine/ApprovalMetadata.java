package dev.nl3jit.filter.internal.engine;

import dev.nl3jit.filter.GrantScope;
import dev.nl3jit.filter.Protection;
import dev.nl3jit.filter.internal.util.Shown;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code metaData} of an approval request: what NL3 shows the approver. Every value goes whole (the gate refuses a
 * value longer than {@code nl3.max-value-length} before this), with control and format characters as visible escapes
 * ({@link Shown}), so no value can start a line of its own in the approver's text. Only the browser's name, which binds
 * nothing, may be cut, and then visibly.
 */
public final class ApprovalMetadata {
    private ApprovalMetadata() {
    }

    /** The fields that always say who asks and for what; configured metadata and parameters never replace them. */
    static final Set<String> FIXED = Set.of("requester", "method", "path", "userAgent", "ip", "covers");

    /**
     * What an approval will cover, in the approver's words (metadata {@code covers}, for the template's text), e.g.
     * "every request under ADMIN_ACCESS for 15 min" or "POST /payments/transfer with exactly the values shown, once if
     * signed, for 5 min".
     */
    static String covers(Protection p, RequestFacts f) {
        StringBuilder b = new StringBuilder();
        if (p.scope() == GrantScope.KEY) {
            b.append("every request under ").append(p.approvalKey());
        } else {
            b.append(Shown.text(f.method())).append(' ').append(Shown.text(f.path()));
            if (!p.parameterMetadata().isEmpty()) {
                b.append(" with exactly the values shown");
            }
        }
        if (p.uses().isAuto()) {
            b.append(", once if signed");
        } else if (p.uses().count() == 1) {
            b.append(", once");
        } else if (p.uses().count() > 1) {
            b.append(", up to ").append(p.uses().count()).append(" times");
        }
        return b.append(", for ").append(Shown.duration(p.grantDuration().toSeconds())).toString();
    }

    /**
     * The protection's static metadata, then its parameters, then who asks and for what (requester, method, path,
     * what the approval covers, reason, browser, address), which nothing configured or sent can overwrite.
     *
     * @param maxValueLength the longest browser name shown whole ({@code nl3.max-value-length})
     */
    static Map<String, String> of(Protection protection, RequestFacts facts, int maxValueLength) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("resource", Shown.text(facts.path()));
        protection.metadata().forEach((name, v) -> m.put(name, Shown.text(v)));
        protection.parameterMetadata().forEach((param, name) -> {
            String v = facts.parameters().get(param);
            if (v != null) {
                m.put(name, Shown.text(v));
            }
        });
        m.keySet().removeAll(FIXED);
        m.put("requester", Shown.text(facts.user()));
        m.put("method", Shown.text(facts.method()));
        m.put("path", Shown.text(facts.path()));
        m.put("covers", covers(protection, facts));
        if (facts.reason() != null) {
            m.put("reason", Shown.text(facts.reason()));
        }
        if (facts.userAgent() != null) {
            m.put("userAgent", Shown.clipped(facts.userAgent(), maxValueLength));
        }
        if (facts.ip() != null) {
            m.put("ip", Shown.text(facts.ip()));
        }
        return m;
    }
}
