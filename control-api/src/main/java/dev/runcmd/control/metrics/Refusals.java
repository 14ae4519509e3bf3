package dev.runcmd.control.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;

/**
 * Counts the requests the control API refuses before doing their work, as Prometheus counters:
 * {@code runcmd_rate_limit_refusals_total} (429 TooManyRequests / RESOURCE_EXHAUSTED) and
 * {@code runcmd_unavailable_refusals_total} (503 ServiceUnavailable / UNAVAILABLE, by reason: overload shed, or the
 * store unreachable). Labels are fixed sets (protocol, limit, reason), never a caller or a path.
 *
 * <p>Static because the refusing places are static helpers and router filters alike; the counters live in
 * Micrometer's global registry, which Quarkus links to its Prometheus registry. Recording is one atomic add: safe on
 * the event loop.
 */
public final class Refusals {

    /** How a refused request arrived: REST or gRPC (both on the public port). */
    public enum Protocol {
        /** A REST request. */
        REST("rest"),
        /** A gRPC call. */
        GRPC("grpc");

        private final String label;

        Protocol(String label) {
            this.label = label;
        }
    }

    private static final Counter REQUESTS_REST = rateLimit(Protocol.REST, "requests");
    private static final Counter REQUESTS_GRPC = rateLimit(Protocol.GRPC, "requests");
    private static final Counter FOLLOWERS = rateLimit(Protocol.REST, "followers");
    private static final Counter FOLLOWERS_GRPC = rateLimit(Protocol.GRPC, "followers");
    private static final Counter OVERLOAD_REST = unavailable(Protocol.REST, "overload");
    private static final Counter OVERLOAD_GRPC = unavailable(Protocol.GRPC, "overload");
    private static final Counter STORE_REST = unavailable(Protocol.REST, "store_unreachable");
    private static final Counter STORE_GRPC = unavailable(Protocol.GRPC, "store_unreachable");

    private Refusals() {
    }

    /** A request refused by the per-caller request rate limit. */
    public static void rateLimited(Protocol protocol) {
        (protocol == Protocol.GRPC ? REQUESTS_GRPC : REQUESTS_REST).increment();
    }

    /** An output follow refused because its caller holds as many followers as allowed. */
    public static void followerQuota(Protocol protocol) {
        (protocol == Protocol.GRPC ? FOLLOWERS_GRPC : FOLLOWERS).increment();
    }

    /** A request shed under overload (the admission limit or a saturated pool). */
    public static void overloaded(Protocol protocol) {
        (protocol == Protocol.GRPC ? OVERLOAD_GRPC : OVERLOAD_REST).increment();
    }

    /** A request answered 503 / UNAVAILABLE because PostgreSQL could not be reached. */
    public static void storeUnreachable(Protocol protocol) {
        (protocol == Protocol.GRPC ? STORE_GRPC : STORE_REST).increment();
    }

    private static Counter rateLimit(Protocol protocol, String limit) {
        return Counter.builder("runcmd.rate.limit.refusals")
                .description("Requests refused 429 TooManyRequests (gRPC RESOURCE_EXHAUSTED): limit=requests is the "
                        + "per-caller request rate, limit=followers the per-caller output follower quota")
                .tag("protocol", protocol.label).tag("limit", limit)
                .register(Metrics.globalRegistry);
    }

    private static Counter unavailable(Protocol protocol, String reason) {
        return Counter.builder("runcmd.unavailable.refusals")
                .description("Requests refused 503 ServiceUnavailable (gRPC UNAVAILABLE) with Retry-After: "
                        + "reason=overload was shed at admission or by a saturated pool, reason=store_unreachable "
                        + "met PostgreSQL down")
                .tag("protocol", protocol.label).tag("reason", reason)
                .register(Metrics.globalRegistry);
    }
}
