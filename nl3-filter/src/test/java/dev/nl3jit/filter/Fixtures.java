package dev.nl3jit.filter;

import dev.nl3jit.filter.spi.UsernameMapper;

import dev.nl3jit.sandbox.MovableClock;
import dev.nl3jit.sandbox.Sandbox;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Settings pointing at a running sandbox, and filters built from them. */
final class Fixtures {
    private Fixtures() {
    }

    static Map<String, String> settings(Sandbox sandbox, String approvalKey, String... overrides) {
        Map<String, String> m = new HashMap<>();
        m.put("nl3.signing-key", sandbox.signingKey());
        m.put("nl3.app-uri", sandbox.issuer());
        m.put("nl3.api-base-url", sandbox.baseUri().toString());
        m.put("nl3.audience", sandbox.audience());
        m.put("nl3.approval-key", approvalKey);
        m.put("nl3.poll-interval", "200ms");
        m.put("nl3.connect-timeout", "1s");
        m.put("nl3.read-timeout", "1s");
        for (int i = 0; i < overrides.length; i += 2) {
            m.put(overrides[i], overrides[i + 1]);
        }
        return m;
    }

    static Nl3ApprovalFilter filter(Sandbox sandbox, MovableClock clock, String approvalKey, String... overrides) {
        return new Nl3ApprovalFilter(Nl3Settings.fromMap(settings(sandbox, approvalKey, overrides)), null,
                UsernameMapper.PRINCIPAL_NAME, clock, event -> { });
    }

    /** The usual application: /admin/* under ADMIN_ACCESS (also serving the pending path), /payments/* under PAYMENT_APPROVAL. */
    static AppServer app(Sandbox sandbox, MovableClock clock, String... adminOverrides) throws Exception {
        return AppServer.start(
                new AppServer.Mapping("nl3-admin", filter(sandbox, clock, "ADMIN_ACCESS", adminOverrides),
                        List.of("/admin/*", "/nl3-approval/*")),
                new AppServer.Mapping("nl3-payments", filter(sandbox, clock, "PAYMENT_APPROVAL"), List.of("/payments/*")));
    }

    /** The ticket in a pending-page location. */
    static String ticket(String location) {
        int i = location.indexOf("p=");
        if (i < 0) {
            throw new AssertionError("no ticket in " + location);
        }
        String t = location.substring(i + 2);
        int amp = t.indexOf('&');
        return amp < 0 ? t : t.substring(0, amp);
    }
}
