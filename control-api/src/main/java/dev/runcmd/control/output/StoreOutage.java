package dev.runcmd.control.output;

/**
 * One follower's record of a store outage: since when its reads have failed because PostgreSQL is unreachable.
 * Confined to the follower's Vert.x context.
 */
final class StoreOutage {

    private final long timeoutNanos;
    private boolean active;
    private long since;

    StoreOutage(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
    }

    /** Records a read that failed at {@code now}; true while the outage is younger than the timeout. */
    boolean waitOut(long now) {
        if (!active) {
            active = true;
            since = now;
        }
        return now - since < timeoutNanos;
    }

    /** A read succeeded: the outage is over. */
    void end() {
        active = false;
    }

    /** True between a failed read and the next successful one. */
    boolean isActive() {
        return active;
    }
}
