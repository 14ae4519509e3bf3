package dev.runcmd.control.activity;

import dev.runcmd.control.auth.Caller;
import io.grpc.Status;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One event of the activity log, as recorded: who did what to which resource, with which outcome. Build one with
 * {@link #forRequest} (REST or gRPC: caller, client address and ids from the request) or {@link #builder}.
 *
 * @param eventDataId the event's own id
 * @param eventTimestamp when the request was answered (microseconds, as PostgreSQL keeps them)
 * @param operationName the ARM operation, such as {@code Microsoft.HybridCompute/machines/runCommands/write}
 * @param resourceId the ARM id the operation acted on
 * @param httpMethod the request's method ({@code POST} for gRPC)
 * @param httpStatus the answer's HTTP status; for gRPC the HTTP equivalent of its code
 * @param caller the caller's name, or {@value #ANONYMOUS}
 * @param callerObjectId the caller's object id, or null when anonymous
 * @param principalType {@code User}, {@code Application} or {@code Group}, or null when anonymous
 * @param clientIp the client's address, or null
 * @param correlationId the request's correlation id, or null
 * @param requestId the request's own id, or null
 * @param clientRequestId the client's own id of the request, or null
 * @param properties what else the event shows under {@code properties} (JSON-serializable values, never secrets)
 */
public record ActivityEvent(UUID eventDataId, Instant eventTimestamp, String operationName, String resourceId,
        String httpMethod, int httpStatus, String caller, String callerObjectId, String principalType,
        String clientIp, String correlationId, String requestId, String clientRequestId,
        Map<String, Object> properties) {

    /** The caller of a request without an authenticated caller. */
    public static final String ANONYMOUS = "anonymous";

    /** The property with the gRPC status code's name, for events of gRPC calls. */
    public static final String GRPC_STATUS = "grpcStatus";

    /** The property with the ARM error code of a failed REST request. */
    public static final String ERROR_CODE = "errorCode";

    public ActivityEvent {
        Objects.requireNonNull(eventDataId, "eventDataId");
        Objects.requireNonNull(eventTimestamp, "eventTimestamp");
        Objects.requireNonNull(operationName, "operationName");
        Objects.requireNonNull(resourceId, "resourceId");
        Objects.requireNonNull(httpMethod, "httpMethod");
        Objects.requireNonNull(caller, "caller");
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /** True for a 2xx answer: ARM's status {@code Succeeded}; anything else is {@code Failed}. */
    public boolean succeeded() {
        return httpStatus >= 200 && httpStatus < 300;
    }

    /** The fields worth a log line when the event cannot be stored (no properties: they are for the log alone). */
    String summary() {
        return "eventDataId=" + eventDataId + " time=" + eventTimestamp + " operation=" + operationName
                + " resource=" + resourceId + " method=" + httpMethod + " status=" + httpStatus + " caller=" + caller
                + " callerObjectId=" + callerObjectId + " clientIp=" + clientIp + " correlationId=" + correlationId
                + " requestId=" + requestId;
    }

    /** A builder without anything filled in; the caller is anonymous until {@link Builder#caller} says otherwise. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder with what the request tells: its caller ({@link Caller#CONTEXT_KEY}, anonymous when absent), the
     * client's address, the request and correlation ids ({@link RequestIdFilter}), the client's request id, the
     * method, and the operation, resource and properties authorization left ({@link ActivityContext}). The
     * operation and status remain to be given where the context has none.
     */
    public static Builder forRequest(RoutingContext context) {
        Builder builder = new Builder()
                .caller(Caller.of(context))
                .clientIp(hostOf(context.request().remoteAddress()))
                .requestId(ActivityContext.requestId(context))
                .correlationId(ActivityContext.correlationId(context))
                .clientRequestId(RequestIdFilter.tokenOrNull(
                        context.request().getHeader(ActivityContext.CLIENT_REQUEST_ID_HEADER)))
                .httpMethod(context.request().method().name())
                .properties(ActivityContext.properties(context));
        String action = context.get(ActivityContext.ACTION);
        String resourceId = context.get(ActivityContext.RESOURCE_ID);
        if (action != null && resourceId != null) {
            builder.operation(action, resourceId);
        }
        return builder;
    }

    private static String hostOf(SocketAddress address) {
        return address == null ? null : address.hostAddress();
    }

    /** The HTTP status a gRPC code corresponds to (as gRPC-gateway maps them). */
    static int httpStatusOf(Status.Code code) {
        return switch (code) {
            case OK -> 200;
            case CANCELLED -> 499;
            case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS, ABORTED -> 409;
            case RESOURCE_EXHAUSTED -> 429;
            case UNIMPLEMENTED -> 501;
            case UNAVAILABLE -> 503;
            case DEADLINE_EXCEEDED -> 504;
            case UNKNOWN, INTERNAL, DATA_LOSS -> 500;
        };
    }

    /** Builds an {@link ActivityEvent}; not thread-safe. */
    public static final class Builder {

        private UUID eventDataId = UUID.randomUUID();
        private Instant eventTimestamp;
        private String operationName;
        private String resourceId;
        private String httpMethod;
        private Integer httpStatus;
        private String caller = ANONYMOUS;
        private String callerObjectId;
        private String principalType;
        private String clientIp;
        private String correlationId;
        private String requestId;
        private String clientRequestId;
        private final Map<String, Object> properties = new LinkedHashMap<>();

        private Builder() {
        }

        /** The operation and the resource it acted on; required. */
        public Builder operation(String operationName, String resourceId) {
            this.operationName = operationName;
            this.resourceId = resourceId;
            return this;
        }

        /** True once {@link #operation} was given (by the context or explicitly). */
        boolean hasOperation() {
            return operationName != null && resourceId != null;
        }

        /** The request's HTTP method; required ({@link #grpcStatus} sets {@code POST} when none was given). */
        public Builder httpMethod(String method) {
            this.httpMethod = method;
            return this;
        }

        /** The HTTP status answered; required unless {@link #grpcStatus} is given. */
        public Builder httpStatus(int status) {
            this.httpStatus = status;
            return this;
        }

        /**
         * The gRPC code answered: stored as its HTTP equivalent (PERMISSION_DENIED 403, INVALID_ARGUMENT 400, ...),
         * with the code's name as {@code properties.grpcStatus}.
         */
        public Builder grpcStatus(Status.Code code) {
            this.httpStatus = httpStatusOf(code);
            if (httpMethod == null) {
                httpMethod = "POST";
            }
            properties.put(GRPC_STATUS, code.name());
            return this;
        }

        /** The authenticated caller, or null for an anonymous one. */
        public Builder caller(Caller caller) {
            this.caller = caller == null ? ANONYMOUS : caller.name();
            this.callerObjectId = caller == null ? null : caller.objectId();
            this.principalType = caller == null || caller.type() == null ? null : caller.type().name();
            return this;
        }

        /** The client's IP address. */
        public Builder clientIp(String clientIp) {
            this.clientIp = clientIp;
            return this;
        }

        /** The request's correlation id. */
        public Builder correlationId(String correlationId) {
            this.correlationId = correlationId;
            return this;
        }

        /** The request's own id. */
        public Builder requestId(String requestId) {
            this.requestId = requestId;
            return this;
        }

        /** The client's own id of the request. */
        public Builder clientRequestId(String clientRequestId) {
            this.clientRequestId = clientRequestId;
            return this;
        }

        /** Adds one property (a JSON-serializable value; never a secret). */
        public Builder property(String name, Object value) {
            properties.put(name, value);
            return this;
        }

        /** Adds properties (JSON-serializable values; never secrets). */
        public Builder properties(Map<String, ?> more) {
            properties.putAll(more);
            return this;
        }

        /** When the request was answered; by default, when {@link #build} is called. */
        public Builder eventTimestamp(Instant time) {
            this.eventTimestamp = time;
            return this;
        }

        /** The event; throws IllegalStateException when the operation, resource, method or status is missing. */
        public ActivityEvent build() {
            if (!hasOperation() || httpMethod == null || httpStatus == null) {
                throw new IllegalStateException("an activity event needs an operation, a resource id, a method and "
                        + "a status");
            }
            Instant time = (eventTimestamp == null ? Instant.now() : eventTimestamp).truncatedTo(ChronoUnit.MICROS);
            return new ActivityEvent(eventDataId, time, operationName, resourceId, httpMethod, httpStatus, caller,
                    callerObjectId, principalType, clientIp, correlationId, requestId, clientRequestId, properties);
        }
    }
}
