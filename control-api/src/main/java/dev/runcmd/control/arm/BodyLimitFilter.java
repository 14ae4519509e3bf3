package dev.runcmd.control.arm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runcmd.control.config.ControlConfig;
import dev.runcmd.control.grpc.GrpcOverHttp;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Refuses a request whose declared {@code Content-Length} exceeds the body limit before any of the body is read,
 * with 413 and an ARM error body, and closes the connection so the rest of the body is never read
 * ({@link EarlyAnswers}).
 *
 * <p>Bodies without a length (chunked) are measured by the resource after reading, up to Quarkus's own
 * {@code quarkus.http.limits.max-body-size}, beyond which Quarkus answers a bare 413. gRPC calls, which share the
 * port, are never touched.
 */
@ApplicationScoped
public class BodyLimitFilter {

    /** Runs before the REST layer and the gRPC handler, which start reading bodies. */
    private static final int PRIORITY = 500;

    private final int maxBytes;
    private final String errorBody;

    BodyLimitFilter(ControlConfig config, ObjectMapper mapper) throws JsonProcessingException {
        this.maxBytes = config.api().maxBodyBytes();
        ArmException error = ArmException.bodyTooLarge(maxBytes);
        this.errorBody = mapper.writeValueAsString(ArmError.of(error.code(), error.getMessage()));
    }

    void register(@Observes Filters filters) {
        filters.register(this::check, PRIORITY);
    }

    private void check(RoutingContext context) {
        if (declaredLength(context) > maxBytes && !GrpcOverHttp.isGrpc(context)) {
            EarlyAnswers.endAndClose(context, context.response()
                    .setStatusCode(413)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json"), errorBody);
            return;
        }
        context.next();
    }

    /** The declared body length, or -1 when absent or unreadable (left to the HTTP layer to reject). */
    private static long declaredLength(RoutingContext context) {
        String value = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
