package dev.runcmd.control.dispatch;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The histogram {@code runcmd_dispatch_call_seconds}: how long the control API's calls to a gateway's internal API
 * take, from the call's start to the gateway's answer, by call ({@code Dispatch}, {@code DispatchMany},
 * {@code Cancel}) and outcome ({@code ok}, {@code error}). The gateway answers once it has handed the work to its
 * delivery, not when the agent accepted it (that is the gateway's {@code runcmd_dispatch_to_accepted_seconds}).
 */
final class CallTimer {

    /** Latency buckets from 1 ms (an idle local gateway) to the 5 s default deadline. */
    static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5)};

    /** The two timers of one call. */
    record Outcomes(Timer ok, Timer error) {
    }

    private final Outcomes dispatch;
    private final Outcomes dispatchMany;
    private final Outcomes cancel;

    CallTimer(MeterRegistry registry) {
        this.dispatch = outcomes(registry, "Dispatch");
        this.dispatchMany = outcomes(registry, "DispatchMany");
        this.cancel = outcomes(registry, "Cancel");
    }

    Outcomes dispatch() {
        return dispatch;
    }

    Outcomes dispatchMany() {
        return dispatchMany;
    }

    Outcomes cancel() {
        return cancel;
    }

    private static Outcomes outcomes(MeterRegistry registry, String call) {
        return new Outcomes(timer(registry, call, "ok"), timer(registry, call, "error"));
    }

    private static Timer timer(MeterRegistry registry, String call, String outcome) {
        return Timer.builder("runcmd.dispatch.call")
                .description("Control API to gateway internal calls (Dispatch, DispatchMany, Cancel), from the call's "
                        + "start to the gateway's answer")
                .tag("call", call).tag("outcome", outcome)
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }
}
