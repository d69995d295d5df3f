package dev.nl3jit.filter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The {@code metaData} of an approval request: what NL3 shows the approver. */
final class ApprovalMetadata {
    static final int MAX_VALUE_LENGTH = 500;

    private ApprovalMetadata() {
    }

    /** The fields that always say who asks and for what; configured metadata and parameters never replace them. */
    static final Set<String> FIXED = Set.of("requester", "method", "path", "userAgent", "ip", "covers");

    /**
     * The protection's static metadata, then its parameters, then who asks and for what (requester, method, path,
     * browser, address), which nothing configured or sent can overwrite.
     */
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
            b.append(f.method()).append(' ').append(f.path());
            if (!p.parameterMetadata().isEmpty()) {
                b.append(" with exactly the values shown");
            }
        }
        if (p.uses() == Protection.USES_AUTO) {
            b.append(", once if signed");
        } else if (p.uses() == 1) {
            b.append(", once");
        } else if (p.uses() > 1) {
            b.append(", up to ").append(p.uses()).append(" times");
        }
        return b.append(", for ").append(Pages.human(p.grantDuration().toSeconds())).toString();
    }

    static Map<String, String> of(Protection protection, RequestFacts facts) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("resource", facts.path());
        m.putAll(protection.metadata());
        protection.parameterMetadata().forEach((param, name) -> {
            String v = facts.parameters().get(param);
            if (v != null) {
                m.put(name, v.length() > MAX_VALUE_LENGTH ? v.substring(0, MAX_VALUE_LENGTH) : v);
            }
        });
        m.keySet().removeAll(FIXED);
        m.put("requester", facts.user());
        m.put("method", facts.method());
        m.put("path", facts.path());
        m.put("covers", covers(protection, facts));
        if (facts.reason() != null) {
            m.put("reason", facts.reason());
        }
        if (facts.userAgent() != null) {
            m.put("userAgent", facts.userAgent());
        }
        if (facts.ip() != null) {
            m.put("ip", facts.ip());
        }
        return m;
    }
}
