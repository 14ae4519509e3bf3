package dev.runcmd.gateway.metrics;

import dev.runcmd.gateway.config.GatewayIdentity;
import dev.runcmd.gateway.session.SessionRegistry;
import dev.runcmd.state.ExecutionState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The gateway's Prometheus meters (served at {@code /q/metrics} on its HTTP port; docs/observability.md lists them).
 * Every value is recorded from what the gateway already has in hand: a commit's own result row, a chunk's length,
 * the session registry's size; recording never queries the database and never blocks.
 *
 * <p>Labels are fixed sets (gateway id, stream, terminal state), never an execution or a machine.
 */
@Singleton
@Startup // registers its meters at start, before the first agent connects
public final class GatewayMeters {

    /** Buckets of a run from PUT to its end: from an instant script to an hour's job. */
    private static final Duration[] RUN_BUCKETS = {Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
            Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1)};

    /** Buckets of a delivery, from the claim to the agent's acceptance. */
    private static final Duration[] DELIVERY_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2),
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final Map<ExecutionState, Timer> putToTerminal = new EnumMap<>(ExecutionState.class);
    private final Timer dispatchToAccepted;
    private final Counter stdoutBytes;
    private final Counter stderrBytes;

    GatewayMeters(MeterRegistry registry, SessionRegistry sessions, GatewayIdentity identity) {
        Gauge.builder("runcmd.gateway.connected.agents", sessions, SessionRegistry::size)
                .description("Agent sessions this gateway holds now")
                .tag("gateway", identity.id())
                .register(registry);
        for (ExecutionState state : ExecutionState.values()) {
            if (state.isTerminal()) {
                putToTerminal.put(state, Timer.builder("runcmd.execution.put.to.terminal")
                        .description("Seconds from an execution's creation (the run command's PUT) to the terminal "
                                + "state its agent reported (Exited, or Rejected as Failed), by that state")
                        .tag("state", state.stored())
                        .serviceLevelObjectives(RUN_BUCKETS)
                        .register(registry));
            }
        }
        this.dispatchToAccepted = Timer.builder("runcmd.dispatch.to.accepted")
                .description("Seconds from a gateway's claim of a Pending execution (Run sent) to the agent's first "
                        + "Accepted being stored")
                .serviceLevelObjectives(DELIVERY_BUCKETS)
                .register(registry);
        this.stdoutBytes = ingested(registry, "stdout");
        this.stderrBytes = ingested(registry, "stderr");
    }

    /** An execution ended in {@code state}, {@code seconds} after its creation. */
    public void ended(ExecutionState state, double seconds) {
        Timer timer = putToTerminal.get(state);
        if (timer != null && seconds >= 0) {
            timer.record(Duration.ofNanos((long) (seconds * 1e9)));
        }
    }

    /** An agent's first Accepted of an execution was stored, {@code seconds} after its claim. */
    public void accepted(double seconds) {
        if (seconds >= 0) {
            dispatchToAccepted.record(Duration.ofNanos((long) (seconds * 1e9)));
        }
    }

    /** Output bytes of one stream ({@code 1} stdout, {@code 2} stderr) committed and acknowledged. */
    public void ingested(int stream, long bytes) {
        (stream == 2 ? stderrBytes : stdoutBytes).increment(bytes);
    }

    private static Counter ingested(MeterRegistry registry, String stream) {
        return Counter.builder("runcmd.output.ingested")
                .baseUnit("bytes")
                .description("Output bytes received from agents and acknowledged (stored, or counted as dropped past "
                        + "the output cap), by stream; a chunk replayed after a reconnect counts again")
                .tag("stream", stream)
                .register(registry);
    }
}
