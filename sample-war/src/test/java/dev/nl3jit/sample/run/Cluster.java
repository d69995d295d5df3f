package dev.nl3jit.sample.run;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The two-node run of the sample: a shared Hazelcast configuration or Redis, the store's jars, and the second JVM. */
final class Cluster {
    private Cluster() {
    }

    /**
     * One configuration for every member: the same file (so the same JCache URI and cache names) on each node; each
     * member takes the first free of three ports from {@code firstPort} and finds the others over TCP (the third is
     * for a member without an application, started by hand: see the README). The store's caches ({@code nl3.*}) are
     * under split-brain protection: they answer only where at least two members heartbeat each other within 5 s, so
     * with two nodes losing either refuses on both (503, closed), and a partition never lets a single-use approval run
     * on both sides; at the merge the side that was refusing is discarded. A silent member is suspected after 10 s
     * (not Hazelcast's 60 s), the two sides look for each other every 30 s. Members listen on
     * {@code host} only ({@code hazelcast.socket.bind.any=false}; Hazelcast's default is every interface), as whoever
     * reaches the members can write the store: the entries' seal stops forgeries, not deletions or replays.
     */
    static Path writeConfig(Path dir, String host, int firstPort) throws IOException {
        Path file = dir.resolve("sample-hazelcast.xml").toAbsolutePath();
        Files.writeString(file, """
                <hazelcast xmlns="http://www.hazelcast.com/schema/config">
                  <cluster-name>nl3-sample</cluster-name>
                  <properties>
                    <property name="hazelcast.phone.home.enabled">false</property>
                    <property name="hazelcast.logging.type">jdk</property>
                    <property name="hazelcast.heartbeat.interval.seconds">1</property>
                    <property name="hazelcast.max.no.heartbeat.seconds">10</property>
                    <property name="hazelcast.merge.first.run.delay.seconds">30</property>
                    <property name="hazelcast.merge.next.run.delay.seconds">30</property>
                    <property name="hazelcast.socket.bind.any">false</property>
                  </properties>
                  <network>
                    <port auto-increment="true" port-count="3">%2$d</port>
                    <join>
                      <auto-detection enabled="false"/>
                      <multicast enabled="false"/>
                      <tcp-ip enabled="true">
                        <member>%1$s:%2$d</member>
                        <member>%1$s:%3$d</member>
                        <member>%1$s:%4$d</member>
                      </tcp-ip>
                    </join>
                    <interfaces enabled="true"><interface>%1$s</interface></interfaces>
                  </network>
                  <split-brain-protection enabled="true" name="nl3-quorum">
                    <minimum-cluster-size>2</minimum-cluster-size>
                    <protect-on>READ_WRITE</protect-on>
                    <recently-active-split-brain-protection heartbeat-tolerance-millis="5000"/>
                  </split-brain-protection>
                  <cache name="nl3.*">
                    <key-type class-name="java.lang.String"/>
                    <value-type class-name="java.lang.String"/>
                    <backup-count>1</backup-count>
                    <split-brain-protection-ref>nl3-quorum</split-brain-protection-ref>
                    <merge-policy batch-size="100">com.hazelcast.spi.merge.DiscardMergePolicy</merge-policy>
                    <expiry-policy-factory>
                      <timed-expiry-policy-factory expiry-policy-type="MODIFIED" duration-amount="8" time-unit="DAYS"/>
                    </expiry-policy-factory>
                  </cache>
                </hazelcast>
                """.formatted(host, firstPort, firstPort + 1, firstPort + 2));
        return file;
    }

    /**
     * The store's jars from this JVM's class path, for each node's web application: nl3-jcache, the JCache API and
     * Hazelcast ({@code jcache}), or nl3-redis, Jedis and its dependencies ({@code redis}).
     */
    static String storeClasspath(String store) {
        List<String> out = new ArrayList<>();
        for (String entry : classpath()) {
            String e = entry.replace('\\', '/');
            boolean wanted = store.equals("redis")
                    ? (e.contains("/nl3-redis/") || e.contains("nl3-redis-")) && !e.contains("test-classes") && !e.endsWith("-tests.jar")
                            || e.contains("/redis/clients/") || e.contains("/commons-pool2/") || e.contains("/org/json/json/")
                            || e.contains("/com/google/code/gson/")
                    : e.contains("/nl3-jcache/") || e.contains("nl3-jcache-") || e.contains("/cache-api/") || e.contains("/hazelcast/");
            if (wanted) {
                out.add(Files.isDirectory(Path.of(entry)) ? entry + File.separator : entry);
            }
        }
        if (out.size() < 3) {
            throw new IllegalStateException("the " + store + " store's jars are not on the class path: " + out);
        }
        return String.join(";", out);
    }

    /** A redis-server on a free port of 127.0.0.1, for {@code STORE=redis} without {@code REDIS_URI}. */
    static dev.nl3jit.redis.RedisServer startRedis() {
        if (!dev.nl3jit.redis.RedisServer.installed()) {
            throw new IllegalStateException("STORE=redis needs a Redis: set REDIS_URI=redis://host:port/db, or install "
                    + "Debian's redis-server (apt-get install redis-server) for the runner to start one");
        }
        return dev.nl3jit.redis.RedisServer.start();
    }

    /** This run's class path: exec:java runs the sample in a class loader of its own, not on java.class.path. */
    static List<String> classpath() {
        List<String> out = new ArrayList<>();
        for (ClassLoader l = Cluster.class.getClassLoader(); l != null; l = l.getParent()) {
            if (l instanceof java.net.URLClassLoader u) {
                for (java.net.URL url : u.getURLs()) {
                    try {
                        out.add(Path.of(url.toURI()).toString());
                    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                        // not a file: not for a class path
                    }
                }
            }
        }
        if (out.isEmpty()) {
            out.addAll(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
        }
        return out;
    }

    /** Node 2: this class path and WAR in a second JVM, on the same sandbox and the same Hazelcast configuration. */
    static Process startSecondNode(Path war, String host, int port) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens", "java.management/sun.management=ALL-UNNAMED",
                "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
                "-cp", String.join(File.pathSeparator, classpath()),
                "-Dsample.war=" + war.toAbsolutePath(),
                "-D" + SampleMain.STORE + "=" + System.getProperty(SampleMain.STORE)));
        if (System.getProperty(SampleMain.CLUSTER_CONFIG) != null) {
            cmd.add("-D" + SampleMain.CLUSTER_CONFIG + "=" + System.getProperty(SampleMain.CLUSTER_CONFIG));
        }
        cmd.add(SampleMain.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        // The sandbox's settings by environment, not on the command line that every process listing shows.
        for (String name : List.of("nl3.signing-key", "nl3.app-uri", "nl3.api-base-url", "nl3.redis-uri")) {
            if (System.getProperty(name) != null) {
                pb.environment().put(name.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_'), System.getProperty(name));
            }
        }
        pb.environment().put("PORT", Integer.toString(port));
        pb.environment().put("HOST", host);
        pb.environment().put("NODES", "1");
        return pb.start();
    }
}
