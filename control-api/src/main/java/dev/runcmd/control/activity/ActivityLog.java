package dev.runcmd.control.activity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runcmd.control.arm.ArmPathNormalizer;
import dev.runcmd.control.store.Sql;
import dev.runcmd.control.store.StoreFailures;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * Writes the activity log: one row per event, append-only (V10__activity_log.sql).
 *
 * <p>Recording never fails the request it describes: the change it records has happened (or was refused) and
 * cannot be undone, so a row that cannot be written (PostgreSQL down, or the pool still saturated after a few
 * tries) is logged as an ERROR with the event's fields, and the returned Uni completes normally. Each record
 * takes one pool connection of its own through {@link Sql}, so it must not be called while the request holds one
 * in a {@code Transactions} unit.
 * An event outside any subscription (a path such as {@code /foo}) is not stored: no query could show it.
 */
@ApplicationScoped
public class ActivityLog {

    private static final Logger LOG = Logger.getLogger(ActivityLog.class);

    private static final String INSERT = """
            insert into activity_log (event_data_id, event_timestamp, subscription_id, resource_group, resource_id,
                resource_id_lower, resource_provider, resource_type, operation_name, http_method, status, sub_status,
                http_status, caller, caller_object_id, principal_type, client_ip, correlation_id, request_id,
                client_request_id, properties)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
                $21)
            """;

    /** How often an insert the pool shed is tried again, and the first pause (doubled each time). */
    private static final int SHED_RETRIES = 5;
    private static final Duration SHED_BACKOFF = Duration.ofMillis(100);

    private final Sql sql;
    private final ObjectMapper mapper;
    private final Vertx vertx;

    ActivityLog(Sql sql, ObjectMapper mapper, Vertx vertx) {
        this.sql = sql;
        this.mapper = mapper;
        this.vertx = vertx;
    }

    /**
     * Records an event (of a gRPC call, or any other); completes when the row is written, or when its loss has
     * been logged. Never fails.
     */
    public Uni<Void> record(ActivityEvent event) {
        ResourceId resource = ResourceId.parse(event.resourceId());
        if (resource.subscriptionId() == null) {
            LOG.debugf("Activity outside any subscription not recorded: %s", event.summary());
            return Uni.createFrom().voidItem();
        }
        return insert(event, resource, 0)
                .onFailure().recoverWithUni(e -> {
                    LOG.errorf("Activity log event lost (%s): %s", e.toString(), event.summary());
                    return Uni.createFrom().voidItem();
                });
    }

    /**
     * Inserts the row; when the pool sheds the statement (every connection busy and the wait queue full), tries
     * again after 100, 200, 400, 800 and 1600 ms. The request keeps its place meanwhile, so the API lets fewer new
     * requests in ({@code ConcurrencyLimitFilter}) rather than losing the event of a change already made.
     */
    private Uni<Void> insert(ActivityEvent event, ResourceId resource, int attempt) {
        return Uni.createFrom().deferred(() -> sql.query(INSERT, arguments(event, resource)))
                .replaceWithVoid()
                .onFailure(e -> StoreFailures.isSaturated(e) && attempt < SHED_RETRIES)
                .recoverWithUni(e -> pause(SHED_BACKOFF.multipliedBy(1L << attempt))
                        .chain(() -> insert(event, resource, attempt + 1)));
    }

    /** Completes after {@code delay}, on the caller's Vert.x context (a timer, not a worker thread). */
    private Uni<Void> pause(Duration delay) {
        return Uni.createFrom().emitter(emitter -> vertx.setTimer(delay.toMillis(), timer -> emitter.complete(null)));
    }

    /**
     * Records the answer a router filter gives before the REST layer or the gRPC server sees the request (such as
     * authentication's 401 or authorization's 403); call it before answering, and answer when it completes. The
     * REST layer's own recording does not see such answers. {@code operationName} and {@code resourceId} may be
     * null: they are then taken from {@link ActivityContext#ACTION} and {@link ActivityContext#RESOURCE_ID}, else
     * derived from the method and path ({@link RequestOperation}). Marks the request recorded. Never fails.
     */
    public Uni<Void> recordRouterAnswer(RoutingContext context, int status, String operationName, String resourceId) {
        ActivityEvent.Builder event = ActivityEvent.forRequest(context).httpStatus(status);
        if (operationName != null && resourceId != null) {
            event.operation(operationName, resourceId);
        } else if (!event.hasOperation()) {
            RequestOperation derived = RequestOperation.derive(context.request().method().name(),
                    canonicalPath(context.normalizedPath()));
            event.operation(operationName != null ? operationName : derived.operationName(),
                    resourceId != null ? resourceId : derived.resourceId());
        }
        context.put(ActivityContext.RECORDED, Boolean.TRUE);
        return record(event.build());
    }

    /** The decoded path with ARM's fixed segments in their canonical spelling, as the REST layer sees it. */
    static String canonicalPath(String rawPath) {
        String decoded;
        try {
            decoded = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            decoded = rawPath;
        }
        return ArmPathNormalizer.canonical(decoded);
    }

    private Tuple arguments(ActivityEvent event, ResourceId resource) {
        return Tuple.tuple()
                .addValue(event.eventDataId())
                .addValue(OffsetDateTime.ofInstant(event.eventTimestamp(), ZoneOffset.UTC))
                .addValue(resource.subscriptionId().toLowerCase(Locale.ROOT))
                .addValue(resource.resourceGroup())
                .addValue(resource.id())
                .addValue(ResourceId.lower(resource.id()))
                .addValue(resource.provider())
                .addValue(resource.type())
                .addValue(event.operationName())
                .addValue(event.httpMethod().toUpperCase(Locale.ROOT))
                .addValue(event.succeeded() ? "Succeeded" : "Failed")
                .addValue(HttpStatuses.subStatus(event.httpStatus()))
                .addValue(event.httpStatus())
                .addValue(event.caller())
                .addValue(event.callerObjectId())
                .addValue(event.principalType())
                .addValue(event.clientIp())
                .addValue(event.correlationId())
                .addValue(event.requestId())
                .addValue(event.clientRequestId())
                .addValue(json(event));
    }

    /** The properties as a JSON object (a String would be stored as a JSON string). */
    private JsonObject json(ActivityEvent event) {
        try {
            return new JsonObject(mapper.writeValueAsString(event.properties()));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("activity properties are not JSON-serializable: "
                    + event.properties().keySet(), e);
        }
    }
}
