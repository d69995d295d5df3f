package dev.nl3jit.sample.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two-node sample's Hazelcast members listen on {@code HOST} only: a member started from the configuration the
 * runner writes for {@code 127.0.0.1} accepts connections there and refuses them on this machine's other addresses.
 */
class ClusterConfigTest {
    @TempDir
    Path dir;

    @Test
    void aMemberListensOnHostOnlyNotOnEveryInterface() throws Exception {
        InetAddress other = nonLoopbackAddress();
        assumeTrue(other != null, "this machine has no address but loopback: nothing else to listen on");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Config config = Config.loadFromFile(Cluster.writeConfig(dir, "127.0.0.1", port).toFile());
        config.setProperty("hazelcast.logging.type", "none");
        config.setClusterName("nl3-sample-" + port);
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
        try {
            int listening = member.getCluster().getLocalMember().getAddress().getPort();
            assertEquals("127.0.0.1", member.getCluster().getLocalMember().getAddress().getHost());
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", listening), 2000); // listens on HOST
            }
            assertThrows(IOException.class, () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(other, listening), 2000);
                }
            }, "the member must not listen on " + other.getHostAddress());
        } finally {
            member.getLifecycleService().terminate();
        }
    }

    private static InetAddress nonLoopbackAddress() throws IOException {
        for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!n.isUp() || n.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(n.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    return a;
                }
            }
        }
        return null;
    }
}
