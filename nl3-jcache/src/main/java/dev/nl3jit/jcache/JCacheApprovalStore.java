package dev.nl3jit.jcache;

import dev.nl3jit.filter.internal.store.ApprovalStore;
import dev.nl3jit.filter.spi.ApprovalStoreException;
import dev.nl3jit.filter.internal.store.Grant;
import dev.nl3jit.filter.internal.store.GrantKey;
import dev.nl3jit.filter.PendingApproval;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.ModifiedExpiryPolicy;

/**
 * An {@link ApprovalStore} on the standard JCache API (JSR-107), so every node of a cluster sees the same grants,
 * tickets, claims, request limits and lock knowledge. Works with any provider; tested with Hazelcast members.
 *
 * <p>Every decision is one conditional operation of the cache ({@code putIfAbsent}, {@code replace(k, old, new)},
 * {@code remove(k, old)}) retried on contention, so nothing needs code deployed on the cluster's members (a
 * Hazelcast client works as well as an embedded member). Keys and values are short strings in a stable form (the
 * pending approval's is {@link PendingApproval#toStoredForm()}); nothing stored is secret. Values carry their own
 * deadline: an ended entry is treated as absent when read and removed by {@link #purge(Instant)}, which the filter
 * runs in the background; each cache also expires entries {@value #SAFETY_NET_DAYS} days after their last change.
 *
 * <p>The store does not trust its caches: every value carries an HMAC-SHA256 under a key derived from the application's
 * signing key ({@link dev.nl3jit.filter.Nl3Settings#storeSealKey()}), bound to the cache's name and the entry's key.
 * Whoever can write the caches without that key can delete entries or put back one that was once genuine under the
 * same key, but cannot forge one, alter one or copy one under another key: such an entry reads as absent (no grant,
 * no ticket, no claim, no lock knowledge), a compare-and-set never matches it, and it is counted
 * ({@link #rejectedEntries()}) and logged at ERROR.
 *
 * <p>Caches, all {@code String} to {@code String}, named {@code <name>.grants}, {@code .pending} (by ticket),
 * {@code .pending-keys} (grant key to ticket), {@code .users} (each user's grants and tickets, for caps and
 * revocation), {@code .holders} (who holds anything, in shards: for the lock re-check and the purge),
 * {@code .limits}, {@code .claims} and {@code .locks}. A cache the application's
 * configuration already defines (with backups, a near cache, limits) is used as it is; a missing one is created.
 */
public final class JCacheApprovalStore implements ApprovalStore {
    static final int SAFETY_NET_DAYS = 8;
    /** A bucket untouched this long is full again: dropped. */
    private static final Duration IDLE_BUCKET = Duration.ofDays(1);

    private final CacheManager manager;
    private final boolean ownsManager;
    private final int perUser;
    private final Seal seal;
    private final SealedCache grants;
    private final SealedCache pending;
    private final SealedCache pendingKeys;
    private final SealedCache users;
    private final SealedCache limits;
    private final SealedCache claims;
    private final SealedCache locks;
    /** Who holds anything, in {@value #SHARDS} entries by user hash: the lock re-check and the purge read these, not the caches. */
    private final SealedCache holders;
    static final int SHARDS = 256;
    private static final Set<String> SHARD_KEYS;

    static {
        Set<String> keys = new java.util.LinkedHashSet<>();
        for (int i = 0; i < SHARDS; i++) {
            keys.add("h" + i);
        }
        SHARD_KEYS = java.util.Collections.unmodifiableSet(keys);
    }

    private JCacheApprovalStore(CacheManager manager, boolean ownsManager, String name, int perUser, Seal seal) {
        this.manager = manager;
        this.ownsManager = ownsManager;
        this.perUser = perUser;
        this.seal = seal;
        this.grants = cache(manager, name + ".grants", false);
        this.pending = cache(manager, name + ".pending", true);
        this.pendingKeys = cache(manager, name + ".pending-keys", false);
        this.users = cache(manager, name + ".users", false);
        this.limits = cache(manager, name + ".limits", false);
        this.claims = cache(manager, name + ".claims", false);
        this.locks = cache(manager, name + ".locks", false);
        this.holders = cache(manager, name + ".holders", false);
        SplitBrain.warnIfUnprotected(name, grants.raw());
    }

    /**
     * A store in {@code manager}'s caches, which the caller keeps open and closes.
     *
     * @param name    the prefix of the cache names, the same on every node of one application ({@code nl3.store-name})
     * @param perUser grants and tickets kept per user at most ({@code nl3.max-entries-per-user})
     * @param sealKey the key every entry is sealed with, the same on every node: {@link
     *                dev.nl3jit.filter.Nl3Settings#storeSealKey()} of the application's settings (at least 32 bytes)
     */
    public static JCacheApprovalStore open(CacheManager manager, String name, int perUser, byte[] sealKey) {
        return open(manager, false, name, perUser, sealKey);
    }

    static JCacheApprovalStore open(CacheManager manager, boolean ownsManager, String name, int perUser, byte[] sealKey) {
        Objects.requireNonNull(manager, "manager");
        if (perUser < 1) {
            throw new IllegalArgumentException("perUser must be at least 1: " + perUser);
        }
        Seal seal = new Seal(sealKey);
        try {
            return new JCacheApprovalStore(manager, ownsManager, name, perUser, seal);
        } catch (RuntimeException e) {
            throw new ApprovalStoreException("cannot open the JCache caches " + name + ".*: " + e.getMessage(), e);
        }
    }

    private SealedCache cache(CacheManager manager, String name, boolean ticketKeys) {
        return new SealedCache(cache(manager, name), name, ticketKeys, seal);
    }

    private static Cache<String, String> cache(CacheManager manager, String name) {
        Cache<String, String> c = manager.getCache(name, String.class, String.class);
        if (c != null) {
            return c;
        }
        MutableConfiguration<String, String> config = new MutableConfiguration<String, String>()
                .setTypes(String.class, String.class)
                .setStoreByValue(true)
                .setExpiryPolicyFactory(ModifiedExpiryPolicy.factoryOf(
                        new javax.cache.expiry.Duration(java.util.concurrent.TimeUnit.DAYS, SAFETY_NET_DAYS)));
        try {
            return manager.createCache(name, config);
        } catch (CacheException e) {
            // Another node created it a moment ago.
            c = manager.getCache(name, String.class, String.class);
            if (c == null) {
                throw e;
            }
            return c;
        }
    }

    // --- the backend, guarded: any failure of it is an ApprovalStoreException ---

    private static <T> T guard(Supplier<T> op) {
        try {
            return op.get();
        } catch (ApprovalStoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ApprovalStoreException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static void run(Runnable op) {
        guard(() -> {
            op.run();
            return null;
        });
    }

    /**
     * Changes the value under {@code key} atomically: {@code change} gets the current value (or {@code null}) and
     * returns the new one ({@code null}: remove; the same string: leave it). Retried until no other node raced. A value
     * that fails the seal's check is given to {@code change} as {@code null}; when {@code change} makes something of
     * nothing, it replaces exactly that value (as a write to an absent key would have), else the value stays.
     */
    private static String update(SealedCache cache, String key, UnaryOperator<String> change) {
        return guard(() -> {
            while (true) {
                SealedCache.Read read = cache.read(key);
                String old = read.value();
                String next = change.apply(old);
                if (Objects.equals(old, next)) {
                    return next;
                }
                boolean done;
                if (read.stored() == null) {
                    done = cache.putIfAbsent(key, next);
                } else if (next == null) {
                    done = cache.remove(key, read.stored());
                } else {
                    done = cache.replace(key, read.stored(), next);
                }
                if (done) {
                    return next;
                }
                Thread.onSpinWait();
            }
        });
    }

    // --- grants ---

    @Override
    public Optional<Grant> grant(GrantKey key) {
        return Optional.ofNullable(guard(() -> grants.get(Codec.key(key)))).map(Codec::grant);
    }

    @Override
    public boolean useGrant(GrantKey key, Instant now) {
        String k = Codec.key(key);
        return guard(() -> {
            while (true) {
                SealedCache.Read v = grants.read(k);
                if (v.value() == null) {
                    return false; // none, or one that fails the check: left as it is
                }
                Grant g = Codec.grant(v.value());
                if (!g.liveAt(now)) {
                    grants.remove(k, v.stored());
                    return false;
                }
                Grant after = g.afterOneUse();
                if (after == g) {
                    return true; // unlimited: a read, no write
                }
                if (after == null ? grants.remove(k, v.stored()) : grants.replace(k, v.stored(), Codec.grant(after))) {
                    return true;
                }
            }
        });
    }

    @Override
    public void putGrant(GrantKey key, Grant grant) {
        String k = Codec.key(key);
        index(key.user(), UserIndex.GRANT, k, grant.until());
        run(() -> grants.put(k, Codec.grant(grant)));
    }

    @Override
    public void removeGrant(GrantKey key) {
        run(() -> grants.remove(Codec.key(key)));
    }

    // --- pending approvals ---

    @Override
    public Optional<PendingApproval> pending(GrantKey key) {
        String ticket = guard(() -> pendingKeys.get(Codec.key(key)));
        return ticket == null ? Optional.empty() : pendingByTicket(ticket).filter(p -> p.key().equals(key));
    }

    @Override
    public Optional<PendingApproval> pendingByTicket(String ticket) {
        return Optional.ofNullable(guard(() -> pending.get(ticket))).map(PendingApproval::fromStoredForm);
    }

    @Override
    public void putPending(PendingApproval p) {
        String k = Codec.key(p.key());
        index(p.key().user(), UserIndex.PENDING, p.ticket(), p.keepUntil());
        run(() -> pending.put(p.ticket(), p.toStoredForm()));
        String previous = guard(() -> pendingKeys.getAndPut(k, p.ticket()));
        if (previous != null && !previous.equals(p.ticket())) {
            run(() -> pending.remove(previous));
        }
    }

    @Override
    public boolean replacePending(PendingApproval expected, PendingApproval replacement) {
        if (!expected.ticket().equals(replacement.ticket()) || !expected.key().equals(replacement.key())) {
            throw new IllegalArgumentException("a replacement keeps its ticket and its grant key");
        }
        String ticket = expected.ticket();
        String next = replacement.toStoredForm();
        boolean replaced = guard(() -> {
            while (true) {
                SealedCache.Read current = pending.read(ticket);
                if (current.value() == null || !PendingApproval.fromStoredForm(current.value()).equals(expected)) {
                    return false; // none, another, or one that fails the check (never matched, never overwritten)
                }
                if (pending.replace(ticket, current.stored(), next)) {
                    return true;
                }
            }
        });
        if (replaced && !expected.keepUntil().equals(replacement.keepUntil())) {
            index(replacement.key().user(), UserIndex.PENDING, ticket, replacement.keepUntil());
        }
        return replaced;
    }

    @Override
    public void removePending(PendingApproval p) {
        run(() -> {
            pending.remove(p.ticket());
            pendingKeys.removeValue(Codec.key(p.key()), p.ticket());
        });
    }

    // --- users: caps, revocation, the lock re-check ---

    /** Records an entry in its user's index; entries over the user's cap are dropped, soonest-ending first. */
    private void index(String user, char kind, String id, Instant end) {
        List<UserIndex.Entry> dropped = new java.util.ArrayList<>();
        update(users, user, old -> {
            dropped.clear();
            UserIndex index = UserIndex.parse(old);
            index.remove(kind, id);
            dropped.addAll(index.overCap(kind, perUser - 1));
            index.add(kind, id, end);
            return index.format();
        });
        for (UserIndex.Entry e : dropped) {
            drop(e);
        }
        update(holders, shard(user), old -> {
            Holders h = Holders.parse(old);
            h.extend(user, kind == UserIndex.GRANT ? end : null, end);
            return h.format();
        });
    }

    private static String shard(String user) {
        return "h" + Math.floorMod(user.hashCode(), SHARDS);
    }

    /** Every shard of holders, read at once; with {@code dropRejected}, a shard that fails the seal's check is removed. */
    private Holders allHolders(boolean dropRejected) {
        Holders all = Holders.parse(null);
        guard(() -> holders.readAll(SHARD_KEYS)).forEach((k, v) -> {
            if (v.value() != null) {
                all.addAll(Holders.parse(v.value()));
            } else if (dropRejected) {
                run(() -> holders.remove(k, v.stored()));
            }
        });
        return all;
    }

    private void drop(UserIndex.Entry e) {
        if (e.kind() == UserIndex.GRANT) {
            run(() -> grants.remove(e.id()));
        } else {
            SealedCache.Read v = guard(() -> pending.read(e.id()));
            if (v.value() != null) {
                removePending(PendingApproval.fromStoredForm(v.value()));
            } else if (v.rejected()) {
                run(() -> pending.remove(e.id(), v.stored())); // the index says this ticket is the user's, and it goes
            }
        }
    }

    @Override
    public int revokeUser(String user) {
        List<UserIndex.Entry> entries = new java.util.ArrayList<>();
        update(users, user, old -> {
            entries.clear();
            entries.addAll(UserIndex.parse(old).entries());
            return null;
        });
        int n = 0;
        for (UserIndex.Entry e : entries) {
            boolean present = guard(() -> (e.kind() == UserIndex.GRANT ? grants : pending).get(e.id()) != null);
            drop(e);
            n += present ? 1 : 0;
        }
        update(holders, shard(user), old -> {
            Holders h = Holders.parse(old);
            h.remove(user);
            return h.isEmpty() ? null : h.format();
        });
        return n;
    }

    @Override
    public Set<String> usersWithGrants(Instant now) {
        return allHolders(false).withGrantAfter(now);
    }

    @Override
    public Duration takeRequestToken(String user, int capacity, Duration window, Instant now) {
        double perNano = (double) capacity / window.toNanos();
        Duration[] wait = {Duration.ZERO};
        update(limits, user, old -> {
            double tokens = capacity;
            if (old != null) {
                Codec.Bucket b = Codec.bucket(old);
                long elapsed = Math.max(0, Duration.between(b.at(), now).toNanos());
                tokens = Math.min(capacity, b.tokens() + elapsed * perNano);
            }
            if (tokens >= 1) {
                wait[0] = Duration.ZERO;
                return Codec.bucket(new Codec.Bucket(tokens - 1, now));
            }
            wait[0] = Duration.ofNanos((long) Math.ceil((1 - tokens) / perNano));
            return old;
        });
        return wait[0];
    }

    @Override
    public void returnRequestToken(String user, int capacity, Duration window, Instant now) {
        double perNano = (double) capacity / window.toNanos();
        update(limits, user, old -> {
            if (old == null) {
                return null;
            }
            Codec.Bucket b = Codec.bucket(old);
            long elapsed = Math.max(0, Duration.between(b.at(), now).toNanos());
            return Codec.bucket(new Codec.Bucket(Math.min(capacity, b.tokens() + elapsed * perNano + 1), now));
        });
    }

    // --- claims and locks ---

    @Override
    public boolean claimRequest(GrantKey key, String claimant, Instant now, Instant until) {
        String mine = Codec.claim(claimant, until);
        return mine.equals(update(claims, Codec.key(key), old -> old == null || !Codec.claimUntil(old).isAfter(now) ? mine : old));
    }

    @Override
    public void releaseRequest(GrantKey key, String claimant) {
        update(claims, Codec.key(key), old -> old != null && Codec.claimant(old).equals(claimant) ? null : old);
    }

    @Override
    public void putLockState(String user, LockState state) {
        run(() -> locks.put(user, Codec.lock(state)));
    }

    @Override
    public Optional<LockState> lockState(String user, Instant now) {
        String v = guard(() -> locks.get(user));
        if (v == null) {
            return Optional.empty();
        }
        LockState s = Codec.lock(v);
        return s.until().isAfter(now) ? Optional.of(s) : Optional.empty();
    }

    // --- housekeeping ---

    /** Entries read that failed the seal's check (each read counts), since this store opened. */
    @Override
    public long rejectedEntries() {
        return seal.rejected();
    }

    /**
     * Drops what ended before {@code now}: grants and tickets of the users whose entries ended (found through the
     * holders' shards), and ended claims, lock states and idle request buckets (a walk over those three caches). Every
     * node runs it in the background, at most once a minute; the conditional removes make that safe.
     */
    @Override
    public void purge(Instant now) {
        for (String user : allHolders(true).users()) {
            List<UserIndex.Entry> ended = new java.util.ArrayList<>();
            boolean[] empty = {false};
            update(users, user, old -> {
                ended.clear();
                if (old == null) {
                    empty[0] = true;
                    return null;
                }
                UserIndex index = UserIndex.parse(old);
                ended.addAll(index.removeEnded(now));
                empty[0] = index.isEmpty();
                return empty[0] ? null : index.format();
            });
            ended.forEach(this::drop);
            update(holders, shard(user), old -> {
                Holders h = Holders.parse(old);
                h.removeEnded(user, now);
                return h.isEmpty() ? null : h.format();
            });
        }
        // What fails the seal's check is absent to the store; the walk removes it (exactly the value it read).
        run(() -> {
            claims.forEach((k, e) -> {
                if (e.value() == null || !Codec.claimUntil(e.value()).isAfter(now)) {
                    claims.remove(k, e.stored());
                }
            });
            locks.forEach((k, e) -> {
                if (e.value() == null || !Codec.lock(e.value()).until().isAfter(now)) {
                    locks.remove(k, e.stored());
                }
            });
            limits.forEach((k, e) -> {
                if (e.value() == null || Codec.bucket(e.value()).at().isBefore(now.minus(IDLE_BUCKET))) {
                    limits.remove(k, e.stored());
                }
            });
        });
    }

    /** Closes the cache manager when this store opened it ({@code nl3.store=jcache}); else leaves it to its owner. */
    @Override
    public void close() {
        if (ownsManager) {
            try {
                Object instance = providerInstance(manager);
                manager.close();
                manager.getCachingProvider().close();
                if (instance != null) {
                    // A member or client the provider started from nl3.store-uri is the store's own: it leaves with it,
                    // so a redeploy does not find a second member of its own JVM still in the cluster.
                    Object lifecycle = instance.getClass().getMethod("getLifecycleService").invoke(instance);
                    lifecycle.getClass().getMethod("shutdown").invoke(lifecycle);
                }
            } catch (RuntimeException | ReflectiveOperationException e) {
                System.getLogger(JCacheApprovalStore.class.getName()).log(System.Logger.Level.DEBUG,
                        "closing the cache manager failed: {0}", e.toString());
            }
        }
    }

    /** Hazelcast's cache manager names the instance it runs on; other providers close theirs with the provider. */
    private static Object providerInstance(CacheManager manager) {
        try {
            java.lang.reflect.Method m = manager.getClass().getMethod("getHazelcastInstance");
            m.setAccessible(true);
            return m.invoke(manager);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "JCacheApprovalStore[" + manager.getURI() + ", " + grants.name() + "]";
    }
}
