package dev.nl3jit.sample.run;

import dev.nl3jit.sandbox.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.security.UserStore;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.security.Credential;

/**
 * Runs the sample for people: the seeded NL3 sandbox and an embedded Jetty 12 serving the exploded WAR with
 * FORM login (alice, bob, carol; password "pw"). Environment: {@code PORT} (8080), {@code SANDBOX_PORT}
 * (8089), {@code HOST} (127.0.0.1). With {@code NL3_API_BASE_URL} set, no sandbox starts and the application
 * talks to that NL3 (give {@code NL3_SIGNING_KEY} and {@code NL3_APP_URI} too). Ctrl-C stops both.
 *
 * <p>With {@code NODES=2} the sample runs as a cluster: this JVM serves node 1 on {@code PORT} and starts a second
 * JVM for node 2 on {@code PORT2} (8081); each node's application gets nl3-jcache and Hazelcast, is set to
 * {@code nl3.store=jcache}, and starts a Hazelcast member (ports from {@code HAZELCAST_PORT}, 5701) from one shared
 * configuration file, so both nodes share grants, tickets and limits, and one sandbox.
 *
 * <p>With {@code STORE=redis} as well, the nodes share one Redis instead ({@code nl3.store=redis}, nl3-redis and Jedis
 * in each application): the one at {@code REDIS_URI} (and {@code NL3_REDIS_PASSWORD}, if it needs one), or else a
 * {@code redis-server} this runner starts on a free port of {@code HOST} and stops on exit.
 */
public final class SampleMain {
    /** The Hazelcast configuration file both nodes start their member from (one file: one cache namespace). */
    static final String CLUSTER_CONFIG = "sample.cluster-config";
    /** {@code jcache} or {@code redis}: the store both nodes share. */
    static final String STORE = "sample.store";

    private SampleMain() {
    }

    public static void main(String[] args) throws Exception {
        String host = env("HOST", "127.0.0.1");
        int port = Integer.parseInt(env("PORT", "8080"));
        Path war = Path.of(System.getProperty("sample.war", "sample-war/target/sample-war"));
        if (!Files.isDirectory(war.resolve("WEB-INF"))) {
            throw new IllegalStateException("no exploded WAR at " + war + ": run `mvn -pl sample-war -am -DskipTests package exec:java`");
        }
        int nodes = Integer.parseInt(env("NODES", "1"));
        if (nodes < 1 || nodes > 2) {
            throw new IllegalArgumentException("NODES is 1 or 2, not " + nodes);
        }
        String store = System.getProperty(STORE, env("STORE", "jcache")).toLowerCase(java.util.Locale.ROOT);
        if (!store.equals("jcache") && !store.equals("redis")) {
            throw new IllegalArgumentException("STORE is jcache or redis, not " + store);
        }
        boolean cluster = nodes == 2 || System.getProperty(CLUSTER_CONFIG) != null || System.getProperty(STORE) != null;
        AutoCloseable ownRedis = null;
        if (cluster && store.equals("redis")) {
            if (System.getenv("NL3_REDIS_URI") == null) {
                String uri = System.getenv("REDIS_URI");
                if (uri == null || uri.isBlank()) {
                    dev.nl3jit.redis.RedisServer redis = Cluster.startRedis();
                    ownRedis = redis;
                    uri = redis.uri();
                }
                System.setProperty("nl3.redis-uri", uri.strip());
            }
            System.setProperty("nl3.store", "redis");
            System.setProperty(STORE, "redis");
        } else if (cluster) {
            if (System.getProperty(CLUSTER_CONFIG) == null) {
                System.setProperty(CLUSTER_CONFIG, Cluster.writeConfig(war.getParent(), host,
                        Integer.parseInt(env("HAZELCAST_PORT", "5701"))).toString());
            }
            System.setProperty("nl3.store", "jcache");
            System.setProperty("nl3.store-provider", "com.hazelcast.cache.HazelcastMemberCachingProvider");
            System.setProperty("nl3.store-uri", "file:" + System.getProperty(CLUSTER_CONFIG));
            System.setProperty(STORE, "jcache");
        }
        Sandbox sandbox = null;
        if (System.getenv("NL3_API_BASE_URL") == null && System.getProperty("nl3.api-base-url") == null) {
            sandbox = Sandbox.builder().host(host).port(Integer.parseInt(env("SANDBOX_PORT", "8089"))).start();
            System.setProperty("nl3.signing-key", sandbox.signingKey());
            System.setProperty("nl3.app-uri", sandbox.issuer());
            System.setProperty("nl3.api-base-url", sandbox.baseUri().toString());
        }

        Server server = new Server();
        // Waiting pages keep their connections alive and poll again: Jetty's per-connection header cache (about 100 KB
        // each from the second request on) would hold about 1 GB for 10,000 of them. Off, it is about 9 KB a waiting user
        // (README, "Many waiting users on Jetty"; BENCHMARKS.md).
        org.eclipse.jetty.server.HttpConfiguration http = new org.eclipse.jetty.server.HttpConfiguration();
        http.setHeaderCacheSize(0);
        ServerConnector connector = new ServerConnector(server, new org.eclipse.jetty.server.HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        WebAppContext webapp = new WebAppContext(war.toString(), "/");
        HashLoginService login = new HashLoginService("ops-console");
        UserStore users = new UserStore();
        for (String user : List.of("alice", "bob", "carol")) {
            users.addUser(user, Credential.getCredential("pw"), new String[] {"user"});
        }
        login.setUserStore(users);
        webapp.getSecurityHandler().setLoginService(login);
        webapp.setThrowUnavailableOnStartupException(true);
        if (cluster) {
            webapp.setExtraClasspath(Cluster.storeClasspath(store));
        }
        server.setHandler(webapp);
        try {
            server.start();
        } catch (Exception e) {
            if (ownRedis != null) {
                ownRedis.close();
            }
            throw e;
        }

        Process second = null;
        if (nodes == 2) {
            second = Cluster.startSecondNode(war, host, Integer.parseInt(env("PORT2", "8081")));
        }
        String appUrl = "http://localhost:" + connector.getLocalPort() + "/";
        StringBuilder banner = new StringBuilder("\nOps Console sample running" + (cluster ? " (cluster node, nl3.store=" + store + ")" : "")
                + "\n").append("  application      : ").append(appUrl).append('\n');
        if (nodes == 2) {
            // Another host name than node 1's: a browser keeps cookies per host, not per port, so on localhost:8081 the
            // session cookie of node 2 would replace node 1's (and sign the user out there).
            banner.append("  second node      : http://127.0.0.1:").append(env("PORT2", "8081")).append("/   (same grants: approve once, "
                    + "enter on both; another host name, so one browser keeps a session on each node)\n");
        }
        if (store.equals("redis") && cluster && nodes == 2) {
            banner.append("  shared Redis     : ").append(dev.nl3jit.redis.RedisSettings.masked(System.getProperty("nl3.redis-uri",
                    String.valueOf(System.getenv("NL3_REDIS_URI"))))).append(ownRedis != null ? "   (started for this run, stopped on exit)\n" : "\n");
        }
        if (sandbox != null) {
            banner.append("  approver console : http://localhost:").append(sandbox.port()).append("/console   (sign in as bob)\n")
                    .append("  NL3 sandbox API  : ").append(sandbox.baseUri()).append('\n');
        } else {
            banner.append("  NL3 API          : ").append(System.getenv("NL3_API_BASE_URL")).append('\n');
        }
        banner.append("  demo users       : alice (requester), bob (approver), carol (locked); password: pw\n")
                .append("Press Ctrl-C to stop.\n");
        System.out.print(banner);
        System.out.flush();

        CountDownLatch stopped = new CountDownLatch(1);
        Sandbox running = sandbox;
        Process child = second;
        AutoCloseable redisToStop = ownRedis;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (child != null) {
                child.destroy();
                try {
                    child.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            try {
                server.stop();
            } catch (Exception e) {
                System.err.println("stopping the server: " + e);
            }
            if (running != null) {
                running.close();
            }
            if (redisToStop != null) {
                try {
                    redisToStop.close();
                } catch (Exception e) {
                    System.err.println("stopping redis-server: " + e);
                }
            }
            System.out.println("Stopped.");
            stopped.countDown();
        }, "sample-shutdown"));
        stopped.await();
    }

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v.strip();
    }
}
