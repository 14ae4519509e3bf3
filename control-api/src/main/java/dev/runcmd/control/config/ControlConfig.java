package dev.runcmd.control.config;

import dev.runcmd.control.store.Sql;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/**
 * The control API's own settings, read once at startup (prefix {@code runcmd.control}).
 *
 * <p>Quarkus settings (HTTP port, datasource, Flyway) stay under their usual {@code quarkus.*} keys; this
 * object only holds what runcmd itself decides.
 */
@ConfigMapping(prefix = "runcmd.control")
public interface ControlConfig {

    /** Settings of the ARM-shaped REST API. */
    Api api();

    /** Settings of the calls to the gateways' internal gRPC API. */
    Dispatch dispatch();

    /** Settings of output reading and following (REST output endpoint, gRPC StreamOutput). */
    Output output();

    /** Settings of the PostgreSQL connection pool beyond its size ({@code quarkus.datasource.reactive.max-size}). */
    Store store();

    /** Settings of the ARM-shaped REST API. */
    interface Api {

        /**
         * The accepted values of the {@code api-version} query parameter; any other value is answered with
         * 400 InvalidApiVersionParameter.
         */
        @WithDefault("2023-10-03-preview,2024-03-31-preview,2024-05-20-preview,2024-07-31-preview,"
                + "2024-11-10-preview,2025-02-19-preview")
        List<String> versions();

        /**
         * The largest request body accepted, in bytes. Must stay below {@code quarkus.http.limits.max-body-size}
         * so that larger bodies get an ARM error body instead of a bare 413.
         */
        @WithDefault("1048576")
        int maxBodyBytes();

        /** The page size of lists when the request gives no {@code $top} (at most 1000). */
        @WithDefault("50")
        int pageSize();

        /**
         * How long a long-running operation stays readable after it completed (or after its execution ended or
         * vanished); older ones are swept hourly.
         */
        @WithDefault("168h")
        Duration operationRetention();

        /**
         * The sustained number of requests per second one client (remote IP address) may send, REST and gRPC
         * together; above it REST answers 429 TooManyRequests and gRPC RESOURCE_EXHAUSTED. 0 turns the limit off.
         * Far above what people send from one host (a waiting CLI sends about 5 a second, a dashboard polling 100
         * resources every second 100): it keeps one runaway client from taking a replica's whole capacity, while
         * {@code ConcurrencyLimitFilter} protects the replica from all clients together.
         */
        @WithDefault("500")
        int maxRequestsPerSecond();

        /**
         * How many requests one client may send at once, above the sustained rate, before the limit applies (the
         * size of its token bucket). 0 turns the limit off.
         */
        @WithDefault("2000")
        int requestBurst();

        /**
         * How many clients the limiter remembers at most; beyond that the least recently seen one is forgotten
         * (and starts again with a full burst if it comes back).
         */
        @WithDefault("10000")
        int maxTrackedClients();
    }

    /** Settings of the calls to the gateways' internal gRPC API. */
    interface Dispatch {

        /** The deadline of one Dispatch or Cancel call to a gateway. */
        @WithDefault("5s")
        Duration deadline();

        /** How many gateway channels are kept open at most; the least recently used one is closed first. */
        @WithDefault("64")
        int maxChannels();
    }

    /** Settings of output reading and following (REST output endpoint, gRPC StreamOutput). */
    interface Output {

        /**
         * How long a following client may take nothing while output waits for it before it is cut off (gRPC
         * RESOURCE_EXHAUSTED; an HTTP response is closed). It then resumes from its last offsets.
         */
        @WithDefault("10m")
        Duration stallTimeout();

        /**
         * How often an idle follower reads again without a notification: the safety net for notifications lost
         * while the LISTEN connection was down, and how soon a deleted run command ends its followers.
         */
        @WithDefault("5s")
        Duration pollInterval();

        /**
         * How long a follower waits for an unreachable PostgreSQL (stopped, restarting) before it ends with
         * UNAVAILABLE; meanwhile it keeps its client (keepalives continue) and reads again on every safety poll and
         * once the LISTEN connection is back.
         */
        @WithDefault("60s")
        Duration storeOutageTimeout();

        /** How long an idle Server-Sent Events response stays silent before a {@code : keepalive} comment. */
        @WithDefault("15s")
        Duration keepalive();

        /**
         * The most output followers (SSE, text and raw follows, gRPC StreamOutput and StreamJobOutput) one caller may
         * hold open at once; more are answered 429 TooManyRequests (gRPC RESOURCE_EXHAUSTED).
         */
        @WithDefault("100")
        int maxFollowersPerCaller();

        /** The most output bytes one follower reads from PostgreSQL at once (half per stream, plus one chunk). */
        @WithDefault("4194304")
        int batchBytes();
    }

    /**
     * Settings of the PostgreSQL connection pool beyond its size. Every request holds at most one connection at
     * a time; when all {@code quarkus.datasource.reactive.max-size} connections are in use, up to
     * {@link #maxWaiting} requests wait for one and the rest are answered at once with 503 ServiceUnavailable
     * (gRPC UNAVAILABLE) and {@code Retry-After}: overload is shed, not queued without bound.
     */
    interface Store {

        /**
         * How many requests may wait for a pool connection while all are in use; beyond it a request is shed at
         * once. The API also lets in at most this many requests plus the pool's size at once and sheds the next
         * before any work ({@code ConcurrencyLimitFilter}). Four per connection keep the connections busy while
         * the requests holding them wait for the event loop, and bound the wait to a fraction of a second.
         */
        @WithDefault("80")
        int maxWaiting();

        /** How long a request waits for a pool connection at most before it is shed. */
        @WithDefault("3s")
        Duration acquireTimeout();

        /**
         * What a request that asks for a second connection while holding one meets: {@code fail} (tests and dev
         * mode) or {@code log} (an ERROR with the stack; the default, so a missed path does not fail users).
         */
        @WithDefault("log")
        Sql.NestedConnections nestedConnections();
    }
}
