package dev.nl3jit.filter;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code metaData} of an approval request: what NL3 shows the approver. */
final class ApprovalMetadata {
    static final int MAX_VALUE_LENGTH = 500;

    private ApprovalMetadata() {
    }

    /** Who asks and for what (method, path, browser, address), the protection's static metadata, then its parameters. */
    static Map<String, String> of(Protection protection, RequestFacts facts) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("requester", facts.user());
        m.put("method", facts.method());
        m.put("path", facts.path());
        m.put("resource", facts.path());
        if (facts.userAgent() != null) {
            m.put("userAgent", facts.userAgent());
        }
        if (facts.ip() != null) {
            m.put("ip", facts.ip());
        }
        m.putAll(protection.metadata());
        protection.parameterMetadata().forEach((param, name) -> {
            String v = facts.parameters().get(param);
            if (v != null) {
                m.put(name, v.length() > MAX_VALUE_LENGTH ? v.substring(0, MAX_VALUE_LENGTH) : v);
            }
        });
        return m;
    }
}
