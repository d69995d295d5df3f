package dev.nl3jit.filter;

import com.hazelcast.cache.HazelcastCachingProvider;
import com.hazelcast.cache.HazelcastMemberCachingProvider;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.nl3jit.filter.spi.KeyValueStore;
import dev.nl3jit.jcache.JCacheKeyValueStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.cache.CacheManager;
import javax.cache.spi.CachingProvider;

/**
 * One node of {@link PartitionIT}: a Hazelcast member from a configuration file and the usual application on the
 * store in its caches (embedded Jetty), in a JVM of its own so the test can pause it with SIGSTOP. It prints
 * {@code READY <application URI>} once serving and stops when its standard input ends. The NL3 settings come from
 * the environment ({@code NL3_SIGNING_KEY}, {@code NL3_APP_URI}, {@code NL3_API_BASE_URL}, {@code NL3_AUDIENCE}), the
 * sandbox's clock offset from {@code NL3_CLOCK_OFFSET_MS}. Not a test.
 */
public final class PartitionNode {
    /** The seal key both nodes' stores use (in an application: derived from the shared signing key). */
    static final byte[] SEAL_KEY = "a seal key of the test, 32 bytes".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Every node's settings besides NL3's: the store's deadline the test measures, no background lock re-check. */
    static final List<String> SETTINGS = List.of("nl3.store-timeout", "2s", "nl3.lock-recheck", "1h",
            "nl3.request-limit", "100/10m");

    private PartitionNode() {
    }

    /** Args: the member's configuration file, the store name. */
    public static void main(String[] args) throws Exception {
        HazelcastInstance member = Hazelcast.newHazelcastInstance(Config.loadFromString(Files.readString(Path.of(args[0]))));
        CachingProvider provider = new HazelcastMemberCachingProvider();
        CacheManager manager = provider.getCacheManager(provider.getDefaultURI(), provider.getDefaultClassLoader(),
                HazelcastCachingProvider.propertiesByInstanceItself(member));
        Map<String, String> nl3 = new HashMap<>();
        for (String name : List.of("nl3.signing-key", "nl3.app-uri", "nl3.api-base-url", "nl3.audience")) {
            nl3.put(name, System.getenv(name.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_')));
        }
        Clock clock = Clock.offset(Clock.systemUTC(), Duration.ofMillis(Long.parseLong(System.getenv("NL3_CLOCK_OFFSET_MS"))));
        AppServer app = app(nl3, JCacheKeyValueStore.open(manager, args[1]), clock);
        System.out.println("READY " + app.base());
        System.out.flush();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            while (in.readLine() != null) {
                // until the test closes our input
            }
        }
        app.close();
        provider.close();
        member.getLifecycleService().terminate();
        System.exit(0);
    }

    /**
     * The application of every node: {@code /admin/*} under ADMIN_ACCESS (and the pending path), {@code /payments/*}
     * under PAYMENT_APPROVAL bound to the amount and recipient (Sign and Approve: one use), all on {@code store}.
     */
    static AppServer app(Map<String, String> nl3, KeyValueStore store, Clock clock) throws Exception {
        return AppServer.start(
                new AppServer.Mapping("nl3-admin", filter(nl3, "ADMIN_ACCESS", store, clock), List.of("/admin/*", "/nl3-approval/*")),
                new AppServer.Mapping("nl3-payments", filter(nl3, "PAYMENT_APPROVAL", store, clock, "nl3.grant-scope", "request",
                        "nl3.parameters", "amount,to=recipient"), List.of("/payments/*")));
    }

    private static Nl3ApprovalFilter filter(Map<String, String> nl3, String key, KeyValueStore store, Clock clock,
            String... overrides) {
        Map<String, String> m = new HashMap<>(nl3);
        m.put("nl3.approval-key", key);
        m.put("nl3.poll-interval", "200ms");
        List<String> all = new ArrayList<>(SETTINGS);
        all.addAll(List.of(overrides));
        for (int i = 0; i < all.size(); i += 2) {
            m.put(all.get(i), all.get(i + 1));
        }
        return new Nl3ApprovalFilter(Nl3Settings.fromMap(m), store, UsernameMapper.PRINCIPAL_NAME, clock, event -> { });
    }
}
