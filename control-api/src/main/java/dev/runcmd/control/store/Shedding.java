package dev.runcmd.control.store;

import dev.runcmd.control.metrics.Refusals;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Counts requests shed under overload (as many requests in progress as the pool and its wait queue can serve, or
 * the pool saturated: {@link StoreFailures#isSaturated}) and logs them as one WARN at most every
 * {@value #LOG_EVERY_SECONDS} seconds: under overload a line per request would cost more than the answers.
 * Each is also counted in {@code runcmd_unavailable_refusals_total{reason="overload"}}. Thread-safe and never blocks.
 */
public final class Shedding {

    private static final Logger LOG = Logger.getLogger(Shedding.class);
    private static final long LOG_EVERY_SECONDS = 10;
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(LOG_EVERY_SECONDS);

    private static final AtomicLong SHED = new AtomicLong();
    private static final AtomicLong LAST_LOG = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

    private Shedding() {
    }

    /** Records one shed request ({@code what}: "REST", "gRPC", ...). */
    public static void record(String what) {
        SHED.incrementAndGet();
        Refusals.overloaded("gRPC".equals(what) ? Refusals.Protocol.GRPC : Refusals.Protocol.REST);
        long now = System.nanoTime();
        long last = LAST_LOG.get();
        if (now - last >= LOG_EVERY_NANOS && LAST_LOG.compareAndSet(last, now)) {
            LOG.warnf("Overloaded: shed %d requests (503 / UNAVAILABLE) in the last %d s, the latest a %s request: "
                    + "more requests at once than the database connections and their wait queue can serve "
                    + "(quarkus.datasource.reactive.max-size, runcmd.control.store.max-waiting)",
                    SHED.getAndSet(0), Math.max(1, TimeUnit.NANOSECONDS.toSeconds(now - last)), what);
        }
    }
}
