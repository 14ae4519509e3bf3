package dev.runcmd.control.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Counts the requests the control API refuses before doing their work, as Prometheus counters:
 * {@code runcmd_rate_limit_refusals_total} (429 TooManyRequests / RESOURCE_EXHAUSTED, by the limit that refused)
 * and {@code runcmd_unavailable_refusals_total} (503 ServiceUnavailable / UNAVAILABLE, by reason: overload shed, or
 * the store unreachable). Labels are fixed sets (protocol, limit, reason), never a caller or a path.
 *
 * <p>The refusing places are router filters and static helpers alike, so the counting methods are static; the bean
 * binds them to Quarkus's registry at start, so every counter is scraped (as 0) before the first refusal. Before
 * that, nothing is counted. Recording is one atomic add: safe on the event loop.
 */
@ApplicationScoped
@Startup
public class Refusals {

    /** How a refused request arrived: REST or gRPC (both on the public port). */
    public enum Protocol {
        /** A REST request. */
        REST,
        /** A gRPC call. */
        GRPC
    }

    /** The counters of one registry, by protocol: index 0 REST, 1 gRPC. */
    private record Counters(Counter[] requests, Counter[] followers, Counter[] overload, Counter[] store) {
    }

    private static volatile Counters counters;

    Refusals(MeterRegistry registry) {
        counters = new Counters(
                rateLimit(registry, "requests"), rateLimit(registry, "followers"),
                unavailable(registry, "overload"), unavailable(registry, "store_unreachable"));
    }

    /** A request refused by the per-caller request rate limit. */
    public static void rateLimited(Protocol protocol) {
        Counters bound = counters;
        if (bound != null) {
            bound.requests()[protocol.ordinal()].increment();
        }
    }

    /** An output follow refused because its caller holds as many followers as allowed. */
    public static void followerQuota(Protocol protocol) {
        Counters bound = counters;
        if (bound != null) {
            bound.followers()[protocol.ordinal()].increment();
        }
    }

    /** A request shed under overload (the admission limit or a saturated pool). */
    public static void overloaded(Protocol protocol) {
        Counters bound = counters;
        if (bound != null) {
            bound.overload()[protocol.ordinal()].increment();
        }
    }

    /** A request answered 503 / UNAVAILABLE because PostgreSQL could not be reached. */
    public static void storeUnreachable(Protocol protocol) {
        Counters bound = counters;
        if (bound != null) {
            bound.store()[protocol.ordinal()].increment();
        }
    }

    private static Counter[] rateLimit(MeterRegistry registry, String limit) {
        Counter[] byProtocol = new Counter[Protocol.values().length];
        for (Protocol protocol : Protocol.values()) {
            byProtocol[protocol.ordinal()] = Counter.builder("runcmd.rate.limit.refusals")
                    .description("Requests refused 429 TooManyRequests (gRPC RESOURCE_EXHAUSTED): limit=requests is "
                            + "the per-caller request rate, limit=followers the per-caller output follower quota")
                    .tag("protocol", label(protocol)).tag("limit", limit)
                    .register(registry);
        }
        return byProtocol;
    }

    private static Counter[] unavailable(MeterRegistry registry, String reason) {
        Counter[] byProtocol = new Counter[Protocol.values().length];
        for (Protocol protocol : Protocol.values()) {
            byProtocol[protocol.ordinal()] = Counter.builder("runcmd.unavailable.refusals")
                    .description("Requests refused 503 ServiceUnavailable (gRPC UNAVAILABLE) with Retry-After: "
                            + "reason=overload was shed at admission or by a saturated pool, "
                            + "reason=store_unreachable met PostgreSQL down")
                    .tag("protocol", label(protocol)).tag("reason", reason)
                    .register(registry);
        }
        return byProtocol;
    }

    private static String label(Protocol protocol) {
        return protocol == Protocol.GRPC ? "grpc" : "rest";
    }
}
