package dev.nl3jit.filter.internal.engine;

import dev.nl3jit.filter.internal.store.Ledger;
import dev.nl3jit.filter.internal.store.StoredApproval;

import dev.nl3jit.filter.ApprovalEvent;
import dev.nl3jit.filter.ApprovalsMXBean;
import dev.nl3jit.filter.internal.nl3.Nl3Client;
import dev.nl3jit.filter.internal.nl3.Nl3Failure;
import dev.nl3jit.filter.PendingApproval;

import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** The counters behind {@link ApprovalsMXBean}, and its registration on the platform MBean server. */
public final class Metrics implements Nl3Client.Calls, ApprovalsMXBean, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Metrics.class.getName());
    private final Ledger store;
    private final Clock clock;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong unavailable = new AtomicLong();
    private final AtomicLong misconfigured = new AtomicLong();
    private final AtomicLong requested = new AtomicLong();
    private final AtomicLong granted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong locked = new AtomicLong();
    private final AtomicLong limited = new AtomicLong();
    private final double[] latencies = new double[100];
    private int latencyCount;
    private volatile String lastFailure = "";
    /** What the newest NL3 call came to: {@link #getNl3State()}'s values. */
    private volatile String nl3State = "NO_CALLS";
    private ObjectName registered;

    Metrics(Ledger store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Registers on the platform MBean server; a name in use gets a suffix. Failing to register is logged, not fatal. */
    void register(String application, String engine) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (int n = 1; n < 100; n++) {
            try {
                ObjectName name = new ObjectName("dev.nl3jit:type=Approvals,application=" + ObjectName.quote(application)
                        + ",engine=" + ObjectName.quote(n == 1 ? engine : engine + " #" + n));
                server.registerMBean(this, name);
                registered = name;
                return;
            } catch (InstanceAlreadyExistsException e) {
                // try the next suffix
            } catch (JMException | SecurityException e) {
                LOG.log(Level.WARNING, "the approvals MBean could not be registered: {0}", e.toString());
                return;
            }
        }
    }

    ObjectName name() {
        return registered;
    }

    @Override
    public void call() {
        calls.incrementAndGet();
    }

    @Override
    public void failed(Nl3Failure f, String call) {
        boolean misconfiguration = f.kind() == Nl3Failure.Kind.MISCONFIGURED;
        (misconfiguration ? misconfigured : unavailable).incrementAndGet();
        nl3State = misconfiguration ? "MISCONFIGURED" : f.kind() == Nl3Failure.Kind.REFUSED ? "ANSWERING" : "UNAVAILABLE";
        lastFailure = clock.instant() + " " + call + ": " + f.reason() + (f.status() == 0 ? "" : " HTTP " + f.status());
    }

    void event(ApprovalEvent e, StoredApproval p) {
        switch (e.kind()) {
            case REQUESTED -> requested.incrementAndGet();
            case APPROVED -> {
                granted.incrementAndGet();
                if (p != null && p.decidedAt() != null) {
                    latency(Duration.between(p.createdAt(), p.decidedAt()).toMillis() / 1000.0);
                }
            }
            case REJECTED -> rejected.incrementAndGet();
            case LOCKED -> locked.incrementAndGet();
            case LIMITED -> limited.incrementAndGet();
            default -> {
                // counted elsewhere or not at all
            }
        }
    }

    private synchronized void latency(double seconds) {
        latencies[latencyCount % latencies.length] = Math.max(0, seconds);
        latencyCount++;
    }

    @Override
    public void answered() {
        nl3State = "ANSWERING";
    }

    @Override
    public String getNl3State() {
        return nl3State;
    }

    @Override
    public long getLiveGrants() {
        return store.grantCount();
    }

    @Override
    public long getPendingApprovals() {
        return store.pendingCount();
    }

    @Override
    public long getStoreEntriesRejected() {
        return store.rejectedEntries();
    }

    @Override
    public long getNl3Calls() {
        return calls.get();
    }

    @Override
    public long getNl3Unavailable() {
        return unavailable.get();
    }

    @Override
    public long getNl3Misconfigured() {
        return misconfigured.get();
    }

    @Override
    public long getApprovalsRequested() {
        return requested.get();
    }

    @Override
    public long getApprovalsGranted() {
        return granted.get();
    }

    @Override
    public long getApprovalsRejected() {
        return rejected.get();
    }

    @Override
    public long getLockedRefusals() {
        return locked.get();
    }

    @Override
    public long getRequestsLimited() {
        return limited.get();
    }

    @Override
    public synchronized double getMedianApprovalSeconds() {
        int n = Math.min(latencyCount, latencies.length);
        if (n == 0) {
            return 0;
        }
        double[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    @Override
    public String getLastFailure() {
        return lastFailure;
    }

    /** Unregisters the MBean. */
    @Override
    public void close() {
        if (registered != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(registered);
            } catch (JMException e) {
                LOG.log(Level.DEBUG, "approvals MBean already gone: {0}", e.toString());
            }
            registered = null;
        }
    }
}
