package dev.nl3jit.filter;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The store's seal: every value it writes is stored as {@code s1.<mac>.<value>}, the MAC an HMAC-SHA256 under a key
 * derived from the application's signing key ({@code Nl3Settings.storeSealKey()}) over the cache's name, the entry's
 * key and the value, each of the first two prefixed by its length. Whoever can write the cache but lacks the key can
 * neither forge an entry nor move a genuine one under another key or into another cache. A value that fails the check
 * is counted and reported (at ERROR, naming cache and key, at most once a minute per cache with a count of the rest;
 * never the value, never the key material) and the caller treats it as absent.
 */
final class Seal {
    private static final System.Logger LOG = System.getLogger(Ledger.class.getName());
    private static final String PREFIX = "s1.";
    private static final int MAC_CHARS = 43; // 32 bytes, Base64url without padding
    private static final int HEADER = PREFIX.length() + MAC_CHARS + 1;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final long REPORT_PERIOD = TimeUnit.MINUTES.toNanos(1);

    private final SecretKeySpec key;
    /** Keyed once and copied per use; {@code null} where the provider cannot copy a {@link Mac}. */
    private final Mac keyed;
    private final AtomicLong rejected = new AtomicLong();
    private final Map<String, Report> reports = new ConcurrentHashMap<>();

    private static final class Report {
        final AtomicLong last = new AtomicLong();
        final AtomicLong heldBack = new AtomicLong();
    }

    Seal(byte[] key) {
        if (key == null || key.length < 32) {
            throw new IllegalArgumentException("the seal key must have at least 32 bytes (pass Nl3Settings.storeSealKey())");
        }
        this.key = new SecretKeySpec(key, "HmacSHA256");
        Mac mac = newMac();
        Mac copyable;
        try {
            mac.clone();
            copyable = mac;
        } catch (CloneNotSupportedException e) {
            copyable = null;
        }
        this.keyed = copyable;
    }

    /** The stored form of {@code value} under {@code key} in {@code cache}. */
    String seal(Name cache, String key, String value) {
        return PREFIX + B64.encodeToString(mac(cache, key, value)) + "." + value;
    }

    /**
     * The value {@code stored} under {@code key} in {@code cache} carries, or {@code null} (counted and reported) when
     * it is not sealed by this key for exactly that cache and key.
     */
    String open(Name cache, String key, String stored) {
        if (stored.length() >= HEADER && stored.startsWith(PREFIX) && stored.charAt(HEADER - 1) == '.') {
            String value = stored.substring(HEADER);
            byte[] given;
            try {
                given = Base64.getUrlDecoder().decode(stored.substring(PREFIX.length(), HEADER - 1));
            } catch (IllegalArgumentException e) {
                given = null;
            }
            if (given != null && MessageDigest.isEqual(given, mac(cache, key, value))) {
                return value;
            }
        }
        reject(cache, key);
        return null;
    }

    long rejected() {
        return rejected.get();
    }

    private void reject(Name cache, String key) {
        rejected.incrementAndGet();
        Report r = reports.computeIfAbsent(cache.name(), n -> new Report());
        long now = System.nanoTime();
        long last = r.last.get();
        if ((last == 0 || now - last >= REPORT_PERIOD) && r.last.compareAndSet(last, now == 0 ? 1 : now)) {
            long held = r.heldBack.getAndSet(0);
            LOG.log(Level.ERROR, "an entry of the approval store failed its integrity check and is treated as absent: cache "
                    + cache.name() + ", key " + printable(cache.secretKeys() ? ticket(key) : key)
                    + " (forged, altered, moved from another key or cache, or written by an older version or with another "
                    + "signing key; whoever can write this cache should not be able to)"
                    + (held > 0 ? " (" + held + " more in this cache since the last report)" : ""));
        } else {
            r.heldBack.incrementAndGet();
        }
    }

    /** A ticket is a handle its holder shows: only its engine tag and a few characters of it are named. */
    private static String ticket(String key) {
        int dot = key.indexOf('.');
        int end = Math.min(key.length(), (dot < 0 ? 0 : dot + 1) + 4);
        return key.substring(0, end) + "…";
    }

    /** At most 200 characters, every control, format or separator character as {@code \\uXXXX}: one line in the log. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 200; i++) {
            char c = s.charAt(i);
            int type = Character.getType(c);
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE) {
                b.append(String.format("\\u%04X", (int) c));
            } else {
                b.append(c);
            }
        }
        return s.length() > 200 ? b.append("…").toString() : b.toString();
    }

    private byte[] mac(Name cache, String key, String value) {
        Mac mac = mac();
        mac.update(cache.prefix());
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        mac.update(length(k.length));
        mac.update(k);
        return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] length(int n) {
        return new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
    }

    private Mac mac() {
        if (keyed != null) {
            try {
                return (Mac) keyed.clone();
            } catch (CloneNotSupportedException e) {
                // copied once in the constructor, so never here
            }
        }
        return newMac();
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available: " + e.getMessage(), e);
        }
    }

    /**
     * A cache's full name as the MAC binds it ({@code <store name>.grants}), its length-prefixed bytes worked out once,
     * and whether its keys are tickets (named only in part in the log).
     */
    record Name(String name, byte[] prefix, boolean secretKeys) {
        static Name of(String name, boolean secretKeys) {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            byte[] p = new byte[4 + n.length];
            System.arraycopy(length(n.length), 0, p, 0, 4);
            System.arraycopy(n, 0, p, 4, n.length);
            return new Name(name, p, secretKeys);
        }
    }
}
