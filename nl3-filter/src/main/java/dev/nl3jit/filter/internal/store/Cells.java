package dev.nl3jit.filter.internal.store;



import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Typed cells by region, what the {@link Ledger}'s rules run on: a few atomic operations, each on one cell. Two kinds:
 * {@link MemoryCells}, typed values in this JVM's maps, and {@link SealedCells}, sealed strings in any
 * {@link dev.nl3jit.filter.spi.KeyValueStore}. A compare-and-set compares what the backend holds ({@link Read#stored()}),
 * never a value's fields.
 */
public interface Cells extends AutoCloseable {

    /**
     * A cell as read: its value ({@code null}: none, ended, or failing the seal's check) and what the backend holds
     * for it ({@code null}: nothing), which a compare-and-set compares.
     */
    record Read<V>(V value, Object stored) {
        @SuppressWarnings("rawtypes")
        private static final Read NONE = new Read<>(null, null);

        @SuppressWarnings("unchecked")
        static <V> Read<V> none() {
            return NONE;
        }
    }

    /** The value of a cell, or {@code null}; the grant path's read (no allocation in memory). */
    <K, V> V get(Cell<K, V> cell, K key);

    <K, V> Read<V> read(Cell<K, V> cell, K key);

    /** The cells present under {@code keys}, in one round trip where the backend can. */
    <K, V> Map<K, Read<V>> readAll(Cell<K, V> cell, Set<K> keys);

    /** Whether any cell under {@code keys} holds a value that passes {@code test}: one round trip where the backend can. */
    default <K, V> boolean any(Cell<K, V> cell, Set<K> keys, java.util.function.Predicate<V> test) {
        return readAll(cell, keys).values().stream().anyMatch(r -> r.value() != null && test.test(r.value()));
    }

    /** Sets the cell to {@code value} if it still holds what {@code expected} read (nothing: only if still nothing). */
    <K, V> boolean replace(Cell<K, V> cell, K key, Read<V> expected, V value);

    /**
     * Sets the cell to {@code value} whatever it holds (its owner's index follows through {@link #changeIndex}): a
     * compare-and-set retried, skipped when the cell holds an equal value already.
     */
    default <K, V> void set(Cell<K, V> cell, K key, V value) {
        while (true) {
            Read<V> read = read(cell, key);
            if (value.equals(read.value()) || replace(cell, key, read, value)) {
                return;
            }
            Thread.onSpinWait();
        }
    }

    /** Removes the cell if it still holds what {@code expected} read. */
    <K, V> boolean remove(Cell<K, V> cell, K key, Read<V> expected);

    /**
     * Changes {@code user}'s index ({@link UserIndex}) atomically and returns what {@code change} returned. {@code change}
     * gets the index to change in place (an empty one when there is none; an index left empty goes) and changes nothing
     * else: it may run more than once. In memory it runs under the user's lock on the index itself, no copy; in a
     * shared store on the index read, written back (compare-and-set, retried) only when it changed.
     */
    <R> R changeIndex(String user, java.util.function.Function<UserIndex, R> change);

    /** Whether {@code user} has an index (holds, or held until the purge, a grant or a ticket). */
    boolean hasIndex(String user);

    /**
     * Changes what the holders' list ({@link Holders}) says of {@code user}, atomically: {@code change} gets their
     * {@link Holders.Ends} ({@code null}: not listed) and returns the new ones ({@code null}: not listed; the same
     * object: no change). It may run more than once.
     */
    void changeHolder(String user, java.util.function.UnaryOperator<Holders.Ends> change);

    /** Everyone the holders' list names; with {@code dropRejected}, a part of the list absent to the ledger is removed. */
    Map<String, Holders.Ends> holders(boolean dropRejected);

    /**
     * The users holding a grant live at {@code now}, when these cells know it exactly (each grant leaves its owner's
     * index as it goes, as in memory), possibly as a view read as it is used (not to be kept); {@code null}: they do
     * not, and the ledger reads the grants.
     */
    default Set<String> knownGrantHolders(java.time.Instant now) {
        return null;
    }

    /** Removes, in the background, every cell whose value is absent to the ledger or for which {@code ended} holds. */
    <K, V> void removeIf(Cell<K, V> cell, Predicate<V> ended);

    /** How many cells the region holds, for operators; -1 when the backend cannot tell cheaply. */
    long count(Cell<?, ?> cell);

    /** How many values read failed the seal's check since these cells opened; -1 when nothing is sealed. */
    long rejected();

    /** The same cells with every call within {@code timeout} ({@code nl3.store-timeout}); itself when nothing waits. */
    Cells bounded(java.time.Duration timeout);

    /** Stops threads {@link #bounded} made; the cells stay open. */
    default void stopThreads() {
    }

    @Override
    void close();
}
