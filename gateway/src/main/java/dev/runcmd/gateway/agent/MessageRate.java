package dev.runcmd.gateway.agent;

/**
 * A token bucket on the messages of one agent stream: {@code perSecond} tokens a second, at most
 * {@code burst} saved up (the bucket starts full). Every message after Hello takes one token,
 * Heartbeats included; a message that finds none means the agent floods the gateway.
 *
 * <p>The default (5000 a second, a burst of 20000) is above what a legitimate agent sends: 64 KiB
 * Outputs at 300 MB/s are about 4800 messages a second. Not thread-safe: the owning stream
 * guards it.
 */
final class MessageRate {

    private static final double NANOS_PER_SECOND = 1e9;

    private final double perNano;
    private final double burst;
    private double tokens;
    private long lastNanos;

    /** A full bucket refilled at {@code perSecond}, holding at most {@code burst} tokens. */
    MessageRate(int perSecond, int burst, long nowNanos) {
        validate(perSecond, burst);
        this.perNano = perSecond / NANOS_PER_SECOND;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    /** Refuses a rate or burst below 1. */
    static void validate(int perSecond, int burst) {
        if (perSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("runcmd.gateway.max-messages-per-second and message-burst must be"
                    + " at least 1: " + perSecond + ", " + burst);
        }
    }

    /** Takes a token for a message arriving at {@code nowNanos}; false when the bucket is empty. */
    boolean take(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * perNano);
        lastNanos = nowNanos;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
