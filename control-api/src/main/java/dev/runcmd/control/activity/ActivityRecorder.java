package dev.runcmd.control.activity;

import dev.runcmd.control.arm.ArmError;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.util.Locale;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Records REST requests in the activity log before their answer goes out: every write (PUT, PATCH, DELETE, POST)
 * whatever its status, and every refusal by authentication or authorization (401, 403) whatever its method.
 * Successful and failed reads are not recorded, nor 503 answers (overload or an unreachable PostgreSQL: nothing
 * happened, and one more write would only add to the load).
 *
 * <p>The answer waits until the event is written ({@link ActivityLog#record}), so a client that hears back can
 * find its event, and a busy log slows its writers down instead of queueing events. A response filter sees every
 * answer of the REST layer, those of exception mappers included, but not the answers router filters give before
 * it (they call {@link ActivityLog#recordRouterAnswer}). Requests already recorded ({@link ActivityContext#RECORDED})
 * are skipped.
 */
public final class ActivityRecorder {

    private static final Set<String> WRITES = Set.of("PUT", "PATCH", "DELETE", "POST");

    private final ActivityLog log;

    ActivityRecorder(ActivityLog log) {
        this.log = log;
    }

    /** Records the request when it is one the log keeps; completes when the event is stored or its loss logged. */
    @ServerResponseFilter
    public Uni<Void> record(ContainerRequestContext request, ContainerResponseContext response,
            RoutingContext context) {
        int status = response.getStatus();
        if (!isRecorded(request.getMethod(), status) || Boolean.TRUE.equals(context.get(ActivityContext.RECORDED))) {
            return Uni.createFrom().voidItem();
        }
        context.put(ActivityContext.RECORDED, Boolean.TRUE);
        ActivityEvent.Builder event = ActivityEvent.forRequest(context).httpMethod(request.getMethod())
                .httpStatus(status);
        if (!event.hasOperation()) {
            RequestOperation derived = RequestOperation.derive(request.getMethod(), request.getUriInfo().getPath());
            event.operation(derived.operationName(), derived.resourceId());
        }
        if (response.getEntity() instanceof ArmError error && error.error() != null) {
            event.property(ActivityEvent.ERROR_CODE, error.error().code());
        }
        return log.record(event.build());
    }

    /** Writes whatever their status, refusals whatever their method; never 503. */
    static boolean isRecorded(String method, int status) {
        if (status == 503) {
            return false;
        }
        return status == 401 || status == 403 || WRITES.contains(method.toUpperCase(Locale.ROOT));
    }
}
