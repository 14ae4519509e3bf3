package dev.runcmd.control.auth;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A small, bounded map whose entries expire: what a verified token or a principal's role assignments are
 * remembered in. When full it starts over (a burst of new principals costs database reads, never memory).
 */
final class ExpiringCache<K, V> {

    private record Entry<V>(V value, long expiresAtNanos) {
    }

    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final int maxSize;
    private final LongSupplier nanoTime;

    ExpiringCache(int maxSize, LongSupplier nanoTime) {
        this.maxSize = maxSize;
        this.nanoTime = nanoTime;
    }

    /** The value, or null when absent or expired. */
    V get(K key) {
        Entry<V> entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (nanoTime.getAsLong() - entry.expiresAtNanos() >= 0) {
            entries.remove(key, entry);
            return null;
        }
        return entry.value();
    }

    /** Remembers {@code value} for {@code ttlNanos}. */
    void put(K key, V value, long ttlNanos) {
        if (entries.size() >= maxSize) {
            entries.clear();
        }
        entries.put(key, new Entry<>(value, nanoTime.getAsLong() + ttlNanos));
    }

    /** Forgets everything (after a change this replica made). */
    void clear() {
        entries.clear();
    }
}
