package dev.nl3jit.cdi;

import dev.nl3jit.sandbox.MovableClock;
import dev.nl3jit.filter.ApprovalEvent;
import dev.nl3jit.filter.Caller;
import dev.nl3jit.filter.GrantScope;
import dev.nl3jit.filter.Nl3Settings;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** The beans of a small application that protects CDI bean methods. */
final class InterceptorBeans {
    private InterceptorBeans() {
    }

    /** Settings pointing at the test's sandbox. */
    static volatile Map<String, String> settings;

    /** Points the beans at {@code sandbox}, with extra settings as name/value pairs. */
    static void useSandbox(dev.nl3jit.sandbox.Sandbox sandbox, String... extra) {
        Map<String, String> m = new java.util.HashMap<>();
        m.put("nl3.signing-key", sandbox.signingKey());
        m.put("nl3.app-uri", sandbox.issuer());
        m.put("nl3.api-base-url", sandbox.baseUri().toString());
        m.put("nl3.poll-interval", "200ms");
        m.put("nl3.read-timeout", "1s");
        m.put("nl3.connect-timeout", "1s");
        for (int i = 0; i < extra.length; i += 2) {
            m.put(extra[i], extra[i + 1]);
        }
        settings = m;
    }

    /** A Weld SE container with nl3-cdi and this application. */
    static org.jboss.weld.junit5.WeldInitiator weld() {
        return org.jboss.weld.junit5.WeldInitiator.from(org.jboss.weld.junit5.WeldInitiator.createWeld()
                .addBeanClasses(Nl3Producers.class, NoCallerOutsideHttp.class, Checks.class, ApprovalInterceptor.class,
                        ApprovalService.class, Payments.class, Admin.class, TestCaller.class, Audit.class, Config.class)
                .addExtension(new Nl3Extension())).build();
    }
    static final MovableClock CLOCK = new MovableClock();

    @ApplicationScoped
    public static class Payments {
        @GuardedByApproval(value = "PAYMENT_APPROVAL", metadata = "channel=batch")
        public String pay(String amount) {
            return "paid " + amount;
        }

        public String balance() {
            return "balance";
        }

        /** Bound to the amount the approver saw, good for any number of calls with it while the grant lasts. */
        @GuardedByApproval(value = "PAYMENT_APPROVAL", parameters = "amount", scope = GrantScope.REQUEST, uses = "unlimited")
        public String transfer(@jakarta.ws.rs.FormParam("amount") String amount) {
            return "transferred " + amount;
        }
    }

    @ApplicationScoped
    @GuardedByApproval("ADMIN_ACCESS")
    public static class Admin {
        public String purge() {
            return "purged";
        }
    }

    @Alternative
    @Priority(Interceptor.Priority.APPLICATION)
    @ApplicationScoped
    public static class TestCaller implements CallerProvider {
        private volatile String user;

        /** Set through a method: a field write on the client proxy would not reach the bean. */
        public void signIn(String name) {
            this.user = name;
        }

        @Override
        public Optional<Caller> current() {
            return Optional.ofNullable(user).map(Caller::user);
        }
    }

    @ApplicationScoped
    public static class Audit {
        private final List<ApprovalEvent> events = new CopyOnWriteArrayList<>();

        public List<ApprovalEvent> events() {
            return List.copyOf(events);
        }

        void on(@Observes ApprovalEvent event) {
            events.add(event);
        }

        public List<ApprovalEvent.Kind> kinds() {
            return events.stream().map(ApprovalEvent::kind).toList();
        }
    }

    @Alternative
    @Priority(Interceptor.Priority.APPLICATION)
    @Dependent
    public static class Config {
        @Produces
        @Singleton
        Nl3Settings settings() {
            return Nl3Settings.fromMap(settings);
        }

        @Produces
        @Singleton
        Clock clock() {
            return CLOCK;
        }
    }
}
