package dev.nl3jit.cdi;

import dev.nl3jit.filter.ApprovalEvent;
import dev.nl3jit.filter.spi.KeyValueStore;
import dev.nl3jit.filter.Nl3Approvals;
import dev.nl3jit.filter.Nl3Settings;
import dev.nl3jit.filter.TokenMinter;
import dev.nl3jit.filter.UsernameMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * Produces the configuration and the services. Settings come from MicroProfile Config when the server
 * has it, then system properties and environment variables, under the same names as the filter's
 * ({@code nl3.signing-key} / {@code NL3_SIGNING_KEY}, …). To configure in code instead, produce your own
 * {@code Nl3Settings} from an enabled alternative bean:
 *
 * <pre>{@code
 * @Alternative @Priority(Interceptor.Priority.APPLICATION) @Dependent
 * public class MySettings {
 *     @Produces @Singleton
 *     Nl3Settings nl3() { return Nl3Settings.fromMap(Map.of(...)); }
 * }
 * }</pre>
 *
 * A {@link Clock}, {@link KeyValueStore} or {@link UsernameMapper} bean of the application, when there is one,
 * is used by the engine. Records and final classes are {@code @Singleton}, not {@code @ApplicationScoped}
 * (they cannot be proxied).
 */
@ApplicationScoped
class Nl3Producers {

    @Produces
    @Singleton
    Nl3Settings settings() {
        return Nl3Settings.fromSources(SettingsSource.microProfile(), SettingsSource.microProfileNames(), "MicroProfile Config");
    }

    @Produces
    @Singleton
    Nl3Approvals approvals(Nl3Settings settings, Event<ApprovalEvent> events, Instance<Clock> clocks,
            Instance<KeyValueStore> stores, Instance<UsernameMapper> usernames) {
        Nl3Approvals.Builder b = Nl3Approvals.builder(settings).name("cdi").listener(events::fire);
        if (clocks.isResolvable()) {
            b.clock(clocks.get());
        }
        if (stores.isResolvable()) {
            b.store(stores.get());
        }
        if (usernames.isResolvable()) {
            b.usernames(usernames.get());
        }
        return b.build();
    }

    void close(@Disposes Nl3Approvals approvals) {
        approvals.close();
    }

    /** Mints NL3 tokens for custom flows, as NL3's own samples do. */
    @Produces
    @Dependent
    TokenMinter tokenMinter(Nl3Approvals approvals) {
        return approvals.tokenMinter();
    }
}
