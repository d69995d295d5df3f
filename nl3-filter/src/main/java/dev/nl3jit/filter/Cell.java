package dev.nl3jit.filter;

import dev.nl3jit.filter.spi.ApprovalStoreException;
import dev.nl3jit.filter.spi.KeyValueStore.Region;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One region of the ledger's typed cells: how its keys and values are written as strings for a shared store, and when
 * a value ends (a cell is absent once its value ended). {@code owner} names whose a cell is, for the regions the
 * in-memory cells bound by {@code nl3.max-entries}; {@code null} elsewhere.
 */
record Cell<K, V>(Region region, Function<K, String> key, Function<V, String> write, Function<String, V> read,
        Function<V, Instant> end, BiFunction<K, V, String> owner) {

    /** A new-request bucket: how many tokens it held at {@code at}. */
    record Bucket(double tokens, Instant at) {
    }

    /** A claim on asking NL3 for a new approval under one grant key. */
    record Claim(String claimant, Instant until) {
    }

    /** The ticket of a grant key's pending approval, and when that ticket ends. */
    record TicketOf(String ticket, Instant end) {
    }

    /** A bucket untouched this long is full again: dropped. */
    static final Duration IDLE_BUCKET = Duration.ofDays(1);

    static final Cell<GrantKey, Grant> GRANTS = new Cell<>(Region.GRANTS, Codec::key, Codec::grant, Codec::grant,
            Grant::until, (k, v) -> k.user());
    static final Cell<String, StoredApproval> PENDING = new Cell<>(Region.PENDING, t -> t, StoredApproval::toStoredForm,
            StoredApproval::fromStoredForm, StoredApproval::keepUntil, (k, v) -> v.key().user());
    static final Cell<GrantKey, TicketOf> PENDING_KEYS = new Cell<>(Region.PENDING_KEYS, Codec::key,
            t -> t.end() + "|" + t.ticket(), Cell::ticketOf, TicketOf::end, null);
    static final Cell<String, UserIndex> USERS = new Cell<>(Region.USERS, u -> u, UserIndex::format, UserIndex::parse,
            UserIndex::end, null);
    static final Cell<String, Holders> HOLDERS = new Cell<>(Region.HOLDERS, s -> s, Holders::format, Holders::parse,
            Holders::end, null);
    static final Cell<String, Bucket> LIMITS = new Cell<>(Region.LIMITS, u -> u, Codec::bucket, Codec::bucket,
            b -> b.at().plus(IDLE_BUCKET), null);
    static final Cell<GrantKey, Claim> CLAIMS = new Cell<>(Region.CLAIMS, Codec::key, c -> Codec.claim(c.claimant(), c.until()),
            v -> new Claim(Codec.claimant(v), Codec.claimUntil(v)), Claim::until, null);
    static final Cell<String, LockState> LOCKS = new Cell<>(Region.LOCKS, u -> u, Codec::lock, Codec::lock,
            LockState::until, null);

    private static TicketOf ticketOf(String v) {
        int bar = v.indexOf('|');
        if (bar < 0) {
            throw new dev.nl3jit.filter.spi.ApprovalStoreException("unreadable stored ticket reference (" + v.length()
                    + " characters)");
        }
        return new TicketOf(v.substring(bar + 1), Instant.parse(v.substring(0, bar)));
    }
}
