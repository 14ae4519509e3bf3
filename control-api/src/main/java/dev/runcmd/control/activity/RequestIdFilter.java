package dev.runcmd.control.activity;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives every request, REST and gRPC alike, an id of its own and a correlation id, as ARM does: both are answered
 * as response headers ({@code x-ms-request-id}, {@code x-ms-correlation-request-id}; gRPC clients see them as
 * response metadata) and left in the {@link RoutingContext} ({@link ActivityContext#REQUEST_ID},
 * {@link ActivityContext#CORRELATION_ID}) for the activity log.
 *
 * <p>The client's {@code x-ms-correlation-request-id} is kept when it is a plain token (up to 128 letters, digits,
 * '-', '.', '_'), so that a client can find its operation in the log; anything else is replaced by a new UUID
 * rather than refused, because the header is informational. Runs first of all router filters, so that even the
 * answers of the rate limit (429), the body limit (413) and authentication (401) carry both headers. Runs on the
 * event loop and never blocks.
 */
@ApplicationScoped
public class RequestIdFilter {

    /** Above every other router filter (the rate limit is 600). */
    public static final int PRIORITY = 1000;

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    void register(@Observes Filters filters) {
        filters.register(this::identify, PRIORITY);
    }

    private void identify(RoutingContext context) {
        String requestId = UUID.randomUUID().toString();
        String correlationId = tokenOrNull(context.request().getHeader(ActivityContext.CORRELATION_ID_HEADER));
        if (correlationId == null) {
            correlationId = UUID.randomUUID().toString();
        }
        context.put(ActivityContext.REQUEST_ID, requestId);
        context.put(ActivityContext.CORRELATION_ID, correlationId);
        context.response()
                .putHeader(ActivityContext.REQUEST_ID_HEADER, requestId)
                .putHeader(ActivityContext.CORRELATION_ID_HEADER, correlationId);
        context.next();
    }

    /** The header's value when it is a plain token of at most 128 characters, else null. */
    static String tokenOrNull(String value) {
        return value != null && TOKEN.matcher(value).matches() ? value : null;
    }
}
