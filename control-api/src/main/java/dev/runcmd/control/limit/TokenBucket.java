package dev.runcmd.control.limit;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One client's token bucket, kept as a single atomic "theoretical arrival time" (the generic cell rate
 * algorithm): the bucket is full when that time is not after now, each request pushes it one interval further,
 * and a request that would push it more than {@code burst} intervals past now is refused without changing it.
 * This is exactly a bucket of {@code burst} tokens refilled at one token per interval.
 *
 * <p>Thread-safe without locks: a compare-and-set loop on one {@link AtomicLong}, so it can run on any event
 * loop. Times are {@link System#nanoTime()} values and are only ever compared by subtraction.
 */
final class TokenBucket {

    private final long intervalNanos;
    private final long toleranceNanos;
    private final AtomicLong arrival;

    /**
     * Creates a full bucket.
     *
     * @param intervalNanos the time to refill one token
     * @param burst the capacity, in tokens (at least 1)
     * @param now the current time, in nanoseconds
     */
    TokenBucket(long intervalNanos, int burst, long now) {
        this.intervalNanos = intervalNanos;
        this.toleranceNanos = Math.multiplyExact(intervalNanos, (long) burst);
        this.arrival = new AtomicLong(now);
    }

    /**
     * Takes one token if there is one.
     *
     * @param now the current time, in nanoseconds
     * @return 0 when a token was taken; otherwise how many nanoseconds until the next token (at least 1)
     */
    long tryTake(long now) {
        while (true) {
            long current = arrival.get();
            long start = current - now > 0 ? current : now;
            long next = start + intervalNanos;
            long excess = next - now - toleranceNanos;
            if (excess > 0) {
                return excess;
            }
            if (arrival.compareAndSet(current, next)) {
                return 0;
            }
        }
    }
}
