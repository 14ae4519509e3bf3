package dev.runcmd.agent.transport;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter: the n-th delay (from 0) is uniformly random in
 * [0, min(cap, initial × factor^n)]. Full jitter spreads a fleet of agents that lost the same
 * gateway, so they do not all come back in the same instant.
 *
 * <p>Not thread-safe; its users (the {@link Session}, the enrollment, the renewal) hold it under their own lock
 * or on one thread.
 */
public final class Backoff {
    /** The agent's schedule: start 0.5 s, factor 2, cap 30 s. */
    public static final Duration INITIAL = Duration.ofMillis(500);
    /** The growth factor per failed attempt. */
    public static final double FACTOR = 2.0;
    /** The longest delay. */
    public static final Duration CAP = Duration.ofSeconds(30);

    private final Duration initial;
    private final double factor;
    private final Duration cap;
    private final DoubleSupplier random;
    private int attempts;

    /** Creates the agent's schedule with a thread-local random source. */
    public Backoff() {
        this(INITIAL, FACTOR, CAP, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** Creates a schedule from {@code initial} doubling up to {@code cap}, with a thread-local random source. */
    public Backoff(Duration initial, Duration cap) {
        this(initial, FACTOR, cap, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** Creates a schedule; {@code random} yields values in [0, 1). */
    Backoff(Duration initial, double factor, Duration cap, DoubleSupplier random) {
        this.initial = initial;
        this.factor = factor;
        this.cap = cap;
        this.random = random;
    }

    /** Returns the delay before the next attempt and counts the attempt. */
    public Duration next() {
        return Duration.ofNanos((long) (random.getAsDouble() * ceiling(attempts++).toNanos()));
    }

    /** The upper bound of the delay before attempt {@code n} (from 0). */
    Duration ceiling(int n) {
        double nanos = initial.toNanos() * Math.pow(factor, Math.min(n, 62));
        return nanos >= cap.toNanos() ? cap : Duration.ofNanos((long) nanos);
    }

    /** How many delays were handed out since the last reset. */
    public int attempts() {
        return attempts;
    }

    /** Starts over from the initial delay (after a successful Welcome). */
    public void reset() {
        attempts = 0;
    }
}
