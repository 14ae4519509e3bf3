package dev.runcmd.control.limit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runcmd.control.arm.ArmError;
import dev.runcmd.control.arm.EarlyAnswers;
import dev.runcmd.control.config.ControlConfig;
import dev.runcmd.control.grpc.GrpcOverHttp;
import dev.runcmd.control.store.Shedding;
import dev.runcmd.control.store.StoreFailures;
import io.grpc.Status;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Sheds requests the database could not serve soon, before any work is spent on them: at most as many API
 * requests are in progress at once as the pool has connections plus waiting places
 * ({@code quarkus.datasource.reactive.max-size} + {@code runcmd.control.store.max-waiting}); one more is answered
 * at once with 503 ServiceUnavailable and {@code Retry-After} (gRPC UNAVAILABLE with a {@code retry-after}
 * trailer). Every request holds at most one connection, so the requests let in can all be served from the pool and
 * its queue; those turned away cost a few microseconds instead of a pass through the REST layer and a failed
 * acquisition, so an overloaded replica keeps its CPU for the work it accepted.
 *
 * <p>Not counted: health and metrics (never limited), and live output followers (SSE, chunked text, gRPC
 * StreamOutput and StreamJobOutput), which hold no connection while they wait for output; their reads are shed by
 * the pool itself and retried ({@code Follower}). Runs on the event loop after the per-client rate limit and never
 * blocks.
 */
@ApplicationScoped
public class ConcurrencyLimitFilter {

    /** After {@code RateLimitFilter} (600): a flooding client is answered 429 first, by its own limit. */
    private static final int PRIORITY = 550;

    private static final List<String> EXEMPT_PREFIXES = List.of("/q/", "/grpc.health.v1.Health/");
    /** The gRPC follows; whether they follow is in the request message, so they are never counted. */
    private static final Set<String> GRPC_FOLLOWS = Set.of("/runcmd.v1.RunCommands/StreamOutput",
            "/runcmd.v1.RunCommandJobs/StreamJobOutput");

    private final int capacity;
    private final AtomicInteger inProgress = new AtomicInteger();
    private final String restBody;
    private final String grpcMessage;

    ConcurrencyLimitFilter(ControlConfig config, ObjectMapper mapper,
            @ConfigProperty(name = "quarkus.datasource.reactive.max-size", defaultValue = "20") int poolSize)
            throws JsonProcessingException {
        this.capacity = poolSize + config.store().maxWaiting();
        this.restBody = mapper.writeValueAsString(ArmError.of(StoreFailures.CODE, StoreFailures.BUSY_MESSAGE));
        this.grpcMessage = GrpcOverHttp.percentEncode(StoreFailures.BUSY_MESSAGE);
    }

    void register(@Observes Filters filters) {
        filters.register(this::check, PRIORITY);
    }

    private void check(RoutingContext context) {
        if (!isCounted(context.request(), context.normalizedPath())) {
            context.next();
            return;
        }
        if (inProgress.incrementAndGet() > capacity) {
            inProgress.decrementAndGet();
            shed(context);
            return;
        }
        context.addEndHandler(ended -> inProgress.decrementAndGet());
        context.next();
    }

    private static boolean isCounted(HttpServerRequest request, String path) {
        for (String prefix : EXEMPT_PREFIXES) {
            if (path.startsWith(prefix)) {
                return false;
            }
        }
        boolean follows = path.endsWith("/output") && "true".equals(request.getParam("follow"));
        return !follows && !GRPC_FOLLOWS.contains(path);
    }

    private void shed(RoutingContext context) {
        boolean grpc = GrpcOverHttp.isGrpc(context);
        Shedding.record(grpc ? "gRPC" : "REST");
        if (grpc) {
            GrpcOverHttp.endCall(context, Status.Code.UNAVAILABLE, grpcMessage, StoreFailures.BUSY_RETRY_AFTER_SECONDS);
            return;
        }
        context.response()
                .setStatusCode(503)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(StoreFailures.BUSY_RETRY_AFTER_SECONDS));
        if (hasNoBody(context.request())) {
            context.response().end(restBody);
        } else {
            EarlyAnswers.endAndClose(context, context.response(), restBody);
        }
    }

    /** A request that announces no body leaves nothing unread on its connection, which may then be kept. */
    private static boolean hasNoBody(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        return request.getHeader(HttpHeaders.TRANSFER_ENCODING) == null && (length == null || length.equals("0"));
    }
}
