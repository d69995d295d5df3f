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
    static final Set<String> FIXED = Set.of("requester", "method", "path", "userAgent", "ip");

    /**
     * The protection's static metadata, then its parameters, then who asks and for what (requester, method, path,
     * browser, address), which nothing configured or sent can overwrite.
     */
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
        if (facts.userAgent() != null) {
            m.put("userAgent", facts.userAgent());
        }
        if (facts.ip() != null) {
            m.put("ip", facts.ip());
        }
        return m;
    }
}
