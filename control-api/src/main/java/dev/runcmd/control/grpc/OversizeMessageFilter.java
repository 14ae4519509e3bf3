package dev.runcmd.control.grpc;

import io.grpc.Status;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Gives the gRPC server's refusal of an oversize request message a description.
 *
 * <p>The Vert.x gRPC server refuses a request message larger than {@code quarkus.grpc.server.max-inbound-message-size}
 * from its 5-byte length prefix, before any of it is buffered, which is what it should do; but it answers a bare
 * RESOURCE_EXHAUSTED that tells the client nothing. This router filter, which every gRPC call passes, watches the
 * call's response headers: a trailers-only answer with RESOURCE_EXHAUSTED and no {@code grpc-message} can only be
 * that refusal (every RESOURCE_EXHAUSTED of runcmd's own carries one), and gets the limit as its description.
 */
@ApplicationScoped
public class OversizeMessageFilter {

    /** After the rate limit (600) and the REST body limit (500); it only adds a response hook. */
    private static final int PRIORITY = 400;

    private static final String EXHAUSTED = Integer.toString(Status.Code.RESOURCE_EXHAUSTED.value());

    private final String description;

    OversizeMessageFilter(@ConfigProperty(name = "quarkus.grpc.server.max-inbound-message-size") int maxBytes) {
        this.description = GrpcOverHttp.percentEncode(description(maxBytes));
    }

    void register(@Observes Filters filters) {
        filters.register(this::watch, PRIORITY);
    }

    /** The description of the refusal. */
    private static String description(int maxBytes) {
        return "the request message is larger than the " + maxBytes + " bytes this server accepts "
                + "(quarkus.grpc.server.max-inbound-message-size)";
    }

    private void watch(RoutingContext context) {
        if (GrpcOverHttp.isGrpc(context)) {
            context.response().headersEndHandler(ignored -> describe(context.response().headers()));
        }
        context.next();
    }

    private void describe(MultiMap headers) {
        if (EXHAUSTED.equals(headers.get("grpc-status")) && headers.get("grpc-message") == null) {
            headers.set("grpc-message", description);
        }
    }
}
