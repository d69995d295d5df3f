package dev.nl3jit.jcache;

import com.hazelcast.cache.HazelcastMemberCachingProvider;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.cache.CacheManager;
import javax.cache.spi.CachingProvider;

/**
 * Real Hazelcast members in this JVM, joined over TCP on 127.0.0.1 at ports chosen free at run time, one cluster name
 * per call so test classes never meet. Each member gets its own JCache provider and cache manager.
 */
public final class Members implements AutoCloseable {
    private final List<HazelcastInstance> members = new ArrayList<>();
    private final List<CachingProvider> providers = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final String cluster = "nl3-test-" + UUID.randomUUID();

    /** Starts {@code n} members (and room for {@code spare} more to join later) and waits until they form one cluster. */
    public static Members start(int n, int spare) {
        Members m = new Members();
        for (int i = 0; i < n + spare; i++) {
            m.ports.add(freePort());
        }
        for (int i = 0; i < n; i++) {
            m.member(i);
        }
        m.awaitSize(n);
        return m;
    }

    /** Starts member {@code i} (one of the ports reserved at start). */
    public HazelcastInstance member(int i) {
        Config c = new Config();
        c.setClusterName(cluster);
        c.setInstanceName(cluster + "-" + i);
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.logging.type", "none");
        c.setProperty("hazelcast.socket.bind.any", "false"); // listen on 127.0.0.1 only, not on every interface
        c.getNetworkConfig().setPort(ports.get(i)).setPortAutoIncrement(false);
        c.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = c.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        for (int p : ports) {
            join.getTcpIpConfig().addMember("127.0.0.1:" + p);
        }
        HazelcastInstance h = Hazelcast.newHazelcastInstance(c);
        while (members.size() <= i) {
            members.add(null);
        }
        members.set(i, h);
        return h;
    }

    /** The cluster's name, which a client needs to join it. */
    public String clusterName() {
        return cluster;
    }

    /** The port member {@code i} listens on (127.0.0.1). */
    public int port(int i) {
        return ports.get(i);
    }

    public HazelcastInstance get(int i) {
        return members.get(i);
    }

    /** A cache manager on member {@code i}, from a provider of its own (default URI and class loader). */
    public CacheManager cacheManager(int i) {
        CachingProvider p = new HazelcastMemberCachingProvider();
        providers.add(p);
        return p.getCacheManager(p.getDefaultURI(), p.getDefaultClassLoader(),
                com.hazelcast.cache.HazelcastCachingProvider.propertiesByInstanceItself(members.get(i)));
    }

    public void awaitSize(int n) {
        long end = System.nanoTime() + 60_000_000_000L;
        for (HazelcastInstance h : members) {
            if (h == null || !h.getLifecycleService().isRunning()) {
                continue;
            }
            while (h.getCluster().getMembers().size() != n) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("the cluster did not form: " + h.getCluster().getMembers());
                }
                sleep(50);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (CachingProvider p : providers) {
            try {
                p.close();
            } catch (RuntimeException e) {
                // the member may be gone already
            }
        }
        for (HazelcastInstance h : members) {
            if (h != null && h.getLifecycleService().isRunning()) {
                h.getLifecycleService().terminate();
            }
        }
    }
}
