package dev.runcmd.control.output;

import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.config.ControlConfig;
import dev.runcmd.control.metrics.Refusals;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the output followers (SSE, text and raw follows, gRPC StreamOutput and StreamJobOutput) one caller holds
 * open at once, at {@code runcmd.control.output.max-followers-per-caller}: a caller is a verified principal, so many
 * clients behind one address are not counted together, and one principal cannot exhaust the replica from many
 * addresses.
 *
 * <p>The followers held on this replica, all callers together, are the gauge {@code runcmd_output_followers}.
 */
@ApplicationScoped
@Startup // registers its gauge at start, not at the first follow
public class FollowerQuota {

    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final int max;

    FollowerQuota(ControlConfig config, MeterRegistry registry) {
        this.max = config.output().maxFollowersPerCaller();
        Gauge.builder("runcmd.output.followers", total, AtomicInteger::get)
                .description("Output followers open on this control API replica: SSE, text and raw follows, gRPC "
                        + "StreamOutput and StreamJobOutput")
                .register(registry);
    }

    /**
     * Takes a slot for {@code callerKey}, or throws 429 TooManyRequests when the caller holds them all (counted in
     * {@code runcmd_rate_limit_refusals_total{limit="followers"}} for {@code protocol}).
     */
    public Slot acquire(String callerKey, Refusals.Protocol protocol) {
        boolean[] taken = {false};
        open.compute(callerKey, (key, count) -> {
            int now = count == null ? 0 : count;
            if (now >= max) {
                return count;
            }
            taken[0] = true;
            return now + 1;
        });
        if (!taken[0]) {
            Refusals.followerQuota(protocol);
            throw new ArmException(429, "TooManyRequests", "This caller already follows " + max + " outputs at once "
                    + "(runcmd.control.output.max-followers-per-caller); close one and retry.");
        }
        total.incrementAndGet();
        return new Slot(callerKey);
    }

    /** How many followers {@code callerKey} holds now. */
    int held(String callerKey) {
        return open.getOrDefault(callerKey, 0);
    }

    /** One held follower; {@link #release} gives it back, once. */
    public final class Slot {

        private final String key;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(String key) {
            this.key = key;
        }

        /** Gives the slot back; later calls do nothing. */
        public void release() {
            if (released.compareAndSet(false, true)) {
                open.computeIfPresent(key, (k, count) -> count <= 1 ? null : count - 1);
                total.decrementAndGet();
            }
        }
    }
}
