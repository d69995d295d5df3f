package dev.nl3jit.jcache;

import java.util.List;

/**
 * The Hazelcast configuration the README recommends for the store (split-brain protection on its caches, the
 * partition's losing side discarded at the merge), for members of one test cluster on 127.0.0.1, with short
 * heartbeat and merge timings so a pause is detected, and healed, within seconds.
 */
public final class ProtectedCluster {
    /** A member silent this long is not counted for the quorum (heartbeats every second). */
    public static final int HEARTBEAT_TOLERANCE_MILLIS = 5000;
    /** A member silent this long is removed from the cluster. */
    public static final int MAX_NO_HEARTBEAT_SECONDS = 8;

    private ProtectedCluster() {
    }

    /** Member {@code self}'s configuration: it listens on {@code ports.get(self)} and joins the others over TCP. */
    public static String xml(String cluster, List<Integer> ports, int self, String storeName) {
        StringBuilder members = new StringBuilder();
        for (int p : ports) {
            members.append("<member>127.0.0.1:").append(p).append("</member>");
        }
        return """
                <hazelcast xmlns="http://www.hazelcast.com/schema/config">
                  <cluster-name>%1$s</cluster-name>
                  <properties>
                    <property name="hazelcast.phone.home.enabled">false</property>
                    <property name="hazelcast.logging.type">none</property>
                    <property name="hazelcast.heartbeat.interval.seconds">1</property>
                    <property name="hazelcast.max.no.heartbeat.seconds">%5$d</property>
                    <property name="hazelcast.merge.first.run.delay.seconds">2</property>
                    <property name="hazelcast.merge.next.run.delay.seconds">2</property>
                    <property name="hazelcast.wait.seconds.before.join">1</property>
                  </properties>
                  <network>
                    <port auto-increment="false">%2$d</port>
                    <join>
                      <auto-detection enabled="false"/>
                      <multicast enabled="false"/>
                      <tcp-ip enabled="true">%3$s</tcp-ip>
                    </join>
                    <interfaces enabled="true"><interface>127.0.0.1</interface></interfaces>
                  </network>
                  <split-brain-protection enabled="true" name="nl3-quorum">
                    <minimum-cluster-size>2</minimum-cluster-size>
                    <protect-on>READ_WRITE</protect-on>
                    <recently-active-split-brain-protection heartbeat-tolerance-millis="%6$d"/>
                  </split-brain-protection>
                  <cache name="%4$s.*">
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
                """.formatted(cluster, ports.get(self), members, storeName, MAX_NO_HEARTBEAT_SECONDS, HEARTBEAT_TOLERANCE_MILLIS);
    }
}
