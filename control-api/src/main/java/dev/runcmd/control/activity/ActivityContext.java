package dev.runcmd.control.activity;

import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * The {@link RoutingContext} keys and HTTP headers through which a request tells the activity log what it was.
 *
 * <p>{@link RequestIdFilter} sets {@link #REQUEST_ID} and {@link #CORRELATION_ID} on every request before any other
 * router filter runs. Authorization sets {@link #ACTION} and {@link #RESOURCE_ID} (and, for runs,
 * {@link #PROPERTIES}) when it decides; where they are absent, the recorder derives both from the method and the
 * path ({@link RequestOperation}).
 */
public final class ActivityContext {

    /** The ARM operation the request performs, a String such as {@code Microsoft.HybridCompute/machines/write}. */
    public static final String ACTION = "runcmd.activity.action";

    /** The ARM id of the resource the request acts on, a String. */
    public static final String RESOURCE_ID = "runcmd.activity.resourceId";

    /**
     * What else the event should show under {@code properties}: a {@code Map<String, Object>} of JSON-serializable
     * values, such as {@code scriptSha256} and {@code runAsUser}. Never secrets.
     */
    public static final String PROPERTIES = "runcmd.activity.properties";

    /** The id runcmd gave the request, a String (a UUID), also answered as {@link #REQUEST_ID_HEADER}. */
    public static final String REQUEST_ID = "runcmd.activity.requestId";

    /** The correlation id of the request, a String, also answered as {@link #CORRELATION_ID_HEADER}. */
    public static final String CORRELATION_ID = "runcmd.activity.correlationId";

    /** Set (to {@code Boolean.TRUE}) once the request's event is recorded, so that it is never recorded twice. */
    public static final String RECORDED = "runcmd.activity.recorded";

    /** The response header with the request's own id. */
    public static final String REQUEST_ID_HEADER = "x-ms-request-id";

    /** The request and response header that ties the requests of one client operation together. */
    public static final String CORRELATION_ID_HEADER = "x-ms-correlation-request-id";

    /** The request header with the client's own id of the request (kept when it is a plain token). */
    public static final String CLIENT_REQUEST_ID_HEADER = "x-ms-client-request-id";

    private ActivityContext() {
    }

    /** The request's id, or null when {@link RequestIdFilter} did not see the request. */
    public static String requestId(RoutingContext context) {
        return context.get(REQUEST_ID);
    }

    /** The request's correlation id, or null when {@link RequestIdFilter} did not see the request. */
    public static String correlationId(RoutingContext context) {
        return context.get(CORRELATION_ID);
    }

    /** The properties authorization left for the event, or an empty map. */
    public static Map<String, Object> properties(RoutingContext context) {
        Map<String, Object> properties = context.get(PROPERTIES);
        return properties == null ? Map.of() : properties;
    }
}
