package dev.runcmd.control.limit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A token bucket per client, with a bounded memory: at most {@code maxClients} buckets are kept, and the least
 * recently used one is dropped to make room. A dropped client that comes back starts with a full bucket, so the
 * bound can only make the limiter more lenient, never refuse a client wrongly.
 *
 * <p>Thread-safe and non-blocking in practice: the table is guarded by a lock held only for one hash lookup or
 * insertion (and at most one removal), and the bucket itself is lock-free ({@link TokenBucket}).
 */
public final class ClientRateLimiter {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final int perSecond;
    private final int burst;
    private final long intervalNanos;
    private final LongSupplier clock;
    private final Table buckets; // guarded by buckets

    /**
     * Creates a limiter.
     *
     * @param perSecond the sustained requests per second of one client (at least 1)
     * @param burst the requests one client may send at once (at least 1)
     * @param maxClients how many clients are remembered at most (at least 1)
     * @param clock the time in nanoseconds, {@link System#nanoTime()} in production
     */
    public ClientRateLimiter(int perSecond, int burst, int maxClients, LongSupplier clock) {
        if (perSecond < 1 || burst < 1 || maxClients < 1) {
            throw new IllegalArgumentException("rate, burst and client count must be positive: "
                    + perSecond + ", " + burst + ", " + maxClients);
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.intervalNanos = Math.max(1, NANOS_PER_SECOND / perSecond);
        this.clock = clock;
        this.buckets = new Table(maxClients);
    }

    /** The sustained requests per second of one client. */
    public int perSecond() {
        return perSecond;
    }

    /**
     * Admits one request of {@code client} or refuses it.
     *
     * @param client the client's key, its remote IP address
     * @return 0 when admitted; otherwise the whole seconds to wait before the next request is admitted (at least 1)
     */
    public long acquire(String client) {
        long now = clock.getAsLong();
        long waitNanos = bucketOf(client, now).tryTake(now);
        if (waitNanos == 0) {
            return 0;
        }
        return Math.max(1, (waitNanos + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND);
    }

    /** How many clients are remembered now (at most {@code maxClients}). */
    public int trackedClients() {
        synchronized (buckets) {
            return buckets.size();
        }
    }

    private TokenBucket bucketOf(String client, long now) {
        synchronized (buckets) {
            TokenBucket bucket = buckets.get(client);
            if (bucket == null) {
                bucket = new TokenBucket(intervalNanos, burst, now);
                buckets.put(client, bucket);
            }
            return bucket;
        }
    }

    /** Buckets by client in access order, dropping the least recently used one beyond the bound. */
    private static final class Table extends LinkedHashMap<String, TokenBucket> {

        private static final long serialVersionUID = 1L;

        private final int maxClients;

        Table(int maxClients) {
            super(16, 0.75f, true);
            this.maxClients = maxClients;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TokenBucket> eldest) {
            return size() > maxClients;
        }
    }
}
