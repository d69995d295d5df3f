package dev.nl3jit.redis;

import dev.nl3jit.filter.spi.ApprovalStoreException;
import dev.nl3jit.filter.InvalidSettingsException;
import dev.nl3jit.filter.spi.KeyValueStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The store contract on one Redis (a standalone server or a replicated primary), through a Jedis connection pool:
 * blocking calls on the caller's thread, as the servlet path is. Each key is {@code <key prefix><region id>:<key>}.
 *
 * <ul>
 *   <li>{@code putIfAbsent}: {@code SET key value NX PX ttl};</li>
 *   <li>{@code replace} and {@code remove}: a short Lua script comparing the whole value, run by {@code EVALSHA} (its
 *   text sent with {@code EVAL} when the server answers {@code NOSCRIPT}, e.g. after a restart);</li>
 *   <li>{@code getAll}: one {@code MGET};</li>
 *   <li>{@code forEach}: {@code SCAN} with the region's prefix as {@code MATCH}; Redis drops expired keys itself, so the
 *   background purge finds next to nothing.</li>
 * </ul>
 *
 * <p>Deadline: every call is bounded by {@code nl3.store-timeout}, counted from the call: the wait for a pooled
 * connection, the connect (and sign-in) of a new one, and each reply (the socket's read timeout is set to what is left
 * before each command). A read that failed on a pooled connection that broke meanwhile (a Redis restart) is tried once
 * more on a fresh connection if time is left; a write is not (it may have been applied). Every failure is an
 * {@link ApprovalStoreException} naming the operation and the server, never the password.
 *
 * <p>Threads: none. Jedis and its pool make no thread of their own here (no idle evictor, no JMX registration), so
 * {@link #close()} leaves nothing behind after an undeploy but closed sockets.
 */
public final class RedisKeyValueStore implements KeyValueStore {
    /** Connections at most: one per store thread of the core ({@code BoundedStore.THREADS}) plus the purge. */
    static final int MAX_CONNECTIONS = 33;
    private static final int SCAN_COUNT = 500;
    static final String REPLACE = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
            + "redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end return 0";
    static final String REMOVE = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
            + "return redis.call('DEL', KEYS[1]) end return 0";

    private final RedisSettings settings;
    private final JedisPool pool;
    private final Script replace = new Script(REPLACE);
    private final Script remove = new Script(REMOVE);

    private RedisKeyValueStore(RedisSettings settings, JedisPool pool) {
        this.settings = settings;
        this.pool = pool;
    }

    /**
     * A store on the Redis these settings name. It signs in once now: a refused user or password fails here, at
     * deploy, with {@link InvalidSettingsException}; a Redis that cannot be reached does not (it is logged, and calls
     * fail with {@link ApprovalStoreException} until it can).
     */
    public static RedisKeyValueStore open(RedisSettings settings) {
        Objects.requireNonNull(settings, "settings");
        int millis = (int) Math.max(1, settings.timeout().toMillis());
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis)
                .database(settings.database())
                .ssl(settings.tls())
                .clientName("nl3")
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        if (settings.user() != null) {
            client.user(settings.user());
        }
        if (settings.hasPassword()) {
            client.password(settings.password());
        }
        GenericObjectPoolConfig<Jedis> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(MAX_CONNECTIONS);
        config.setMaxIdle(MAX_CONNECTIONS);
        config.setMinIdle(0);
        config.setBlockWhenExhausted(true);
        config.setMaxWait(settings.timeout());
        config.setTestOnBorrow(false);
        config.setTestWhileIdle(false);
        // No evictor thread and no MBean: nothing that outlives close() or pins the web application's class loader.
        config.setTimeBetweenEvictionRuns(Duration.ofMillis(-1));
        config.setJmxEnabled(false);
        JedisPool pool = new JedisPool(config, new HostAndPort(settings.host(), settings.port()), client.build());
        RedisKeyValueStore store = new RedisKeyValueStore(settings, pool);
        try {
            store.call("sign in", false, Jedis::ping);
        } catch (ApprovalStoreException e) {
            if (e.getCause() instanceof JedisAccessControlException || isAuthError(e.getCause())) {
                pool.close();
                throw new InvalidSettingsException(List.of(RedisStoreFactory.PASSWORD.name() + ": Redis at " + settings.address()
                        + " refused user " + (settings.user() == null ? "default" : settings.user()) + " ("
                        + firstWord(e.getCause().getMessage()) + "); set " + RedisStoreFactory.USER.name() + " and "
                        + RedisStoreFactory.PASSWORD.name() + " to an ACL user allowed to run GET, SET, MGET, SCAN, EVAL, "
                        + "EVALSHA and DEL on keys " + settings.keyPrefix() + "*"));
            }
            System.getLogger(RedisKeyValueStore.class.getName()).log(System.Logger.Level.WARNING,
                    "The Redis store cannot reach " + settings.address() + " yet (" + e.getMessage()
                            + "); protected requests get 503 until it can");
        }
        return store;
    }

    private static boolean isAuthError(Throwable e) {
        String m = e == null ? null : e.getMessage();
        return m != null && (m.startsWith("WRONGPASS") || m.startsWith("NOAUTH") || m.startsWith("NOPERM")
                || m.contains("ERR AUTH") || m.contains("invalid password"));
    }

    private static String firstWord(String m) {
        if (m == null) {
            return "refused";
        }
        int space = m.indexOf(' ');
        return space < 0 ? m : m.substring(0, space);
    }

    /** The settings in use (the password masked in its {@code toString}). */
    public RedisSettings settings() {
        return settings;
    }

    private byte[] key(Region region, String key) {
        return (settings.keyPrefix() + region.id() + ":" + key).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static long millis(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        long ms = ttl.toMillis() + (ttl.toNanosPart() % 1_000_000 == 0 ? 0 : 1);
        return Math.max(1, ms);
    }

    @Override
    public String get(Region region, String key) {
        byte[] k = key(region, key);
        return call("get", true, j -> string(j.get(k)));
    }

    @Override
    public Map<String, String> getAll(Region region, Set<String> keys) {
        if (keys.isEmpty()) {
            return Map.of();
        }
        List<String> order = new ArrayList<>(keys);
        byte[][] k = new byte[order.size()][];
        for (int i = 0; i < k.length; i++) {
            k[i] = key(region, order.get(i));
        }
        List<byte[]> values = call("getAll", true, j -> j.mget(k));
        Map<String, String> found = new HashMap<>();
        for (int i = 0; i < order.size() && i < values.size(); i++) {
            if (values.get(i) != null) {
                found.put(order.get(i), string(values.get(i)));
            }
        }
        return found;
    }

    @Override
    public boolean putIfAbsent(Region region, String key, String value, Duration ttl) {
        byte[] k = key(region, key);
        byte[] v = bytes(value);
        SetParams params = SetParams.setParams().nx().px(millis(ttl));
        return call("putIfAbsent", false, j -> "OK".equals(j.set(k, v, params)));
    }

    @Override
    public boolean replace(Region region, String key, String expected, String value, Duration ttl) {
        byte[] k = key(region, key);
        List<byte[]> args = List.of(bytes(expected), bytes(value), bytes(Long.toString(millis(ttl))));
        return call("replace", false, j -> replace.run(j, k, args)) == 1L;
    }

    @Override
    public boolean remove(Region region, String key, String expected) {
        byte[] k = key(region, key);
        List<byte[]> args = List.of(bytes(expected));
        return call("remove", false, j -> remove.run(j, k, args)) == 1L;
    }

    /**
     * Visits the region's entries with {@code SCAN ... MATCH <prefix><region>:*} and one {@code MGET} per batch; an
     * entry that expired between the two is left out. Background only: each batch is its own bounded call.
     */
    @Override
    public void forEach(Region region, BiConsumer<String, String> each) {
        String prefix = settings.keyPrefix() + region.id() + ":";
        ScanParams params = new ScanParams().match(bytes(glob(prefix) + "*")).count(SCAN_COUNT);
        byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
        do {
            byte[] at = cursor;
            ScanResult<byte[]> page = call("forEach", true, j -> j.scan(at, params));
            List<byte[]> keys = page.getResult();
            if (!keys.isEmpty()) {
                byte[][] k = keys.toArray(new byte[0][]);
                List<byte[]> values = call("forEach", true, j -> j.mget(k));
                for (int i = 0; i < k.length && i < values.size(); i++) {
                    if (values.get(i) != null) {
                        each.accept(string(k[i]).substring(prefix.length()), string(values.get(i)));
                    }
                }
            }
            cursor = page.getCursorAsBytes();
        } while (!"0".equals(string(cursor)));
    }

    /** {@code s} with Redis's glob characters escaped, so a prefix matches only itself. */
    static String glob(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (char c : s.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\' || c == '^' || c == '-') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    /** Releases every connection; idempotent. No thread was started, so none is left. */
    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "RedisKeyValueStore[" + settings + "]";
    }

    /**
     * One operation within the deadline. {@code readOnly}: tried once more on a fresh connection when a pooled one turns
     * out broken and time is left.
     */
    private <T> T call(String op, boolean readOnly, Function<Jedis, T> body) {
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        JedisException failure = null;
        for (int attempt = 0; attempt < (readOnly ? 2 : 1); attempt++) {
            if (attempt > 0 && System.nanoTime() >= deadline) {
                break;
            }
            try (Jedis j = pool.getResource()) {
                limit(j, deadline);
                return body.apply(j);
            } catch (JedisConnectionException e) {
                failure = e;
            } catch (JedisException e) {
                failure = e;
                break;
            } catch (IllegalStateException e) {
                // The pool was closed: the store is being shut down.
                throw new ApprovalStoreException("Redis store " + op + " at " + settings.address() + ": the store is closed", e);
            }
        }
        String timeout = failure instanceof JedisConnectionException && System.nanoTime() >= deadline
                ? " (nl3.store-timeout " + settings.timeout().toMillis() + " ms passed)" : "";
        throw new ApprovalStoreException("Redis store " + op + " failed at " + settings.address() + timeout + ": "
                + failure.getClass().getSimpleName() + ": " + failure.getMessage(), failure);
    }

    /** Each reply waited for at most until the deadline. */
    private static void limit(Jedis j, long deadline) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left < 1) {
            throw new JedisConnectionException("no time left before the deadline");
        }
        j.getConnection().setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
    }

    /** A Lua script run by its SHA-1; loaded by {@code EVAL} when the server does not know it. */
    private static final class Script {
        private final byte[] text;
        private final byte[] sha;

        Script(String text) {
            this.text = bytes(text);
            this.sha = bytes(sha1(text));
        }

        long run(Jedis j, byte[] key, List<byte[]> args) {
            Object r;
            try {
                r = j.evalsha(sha, List.of(key), args);
            } catch (JedisDataException e) {
                if (e.getMessage() == null || !e.getMessage().startsWith("NOSCRIPT")) {
                    throw e;
                }
                r = j.eval(text, List.of(key), args);
            }
            return r instanceof Long l ? l : -1L;
        }

        private static String sha1(String s) {
            try {
                byte[] d = java.security.MessageDigest.getInstance("SHA-1").digest(bytes(s));
                return java.util.HexFormat.of().formatHex(d);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
