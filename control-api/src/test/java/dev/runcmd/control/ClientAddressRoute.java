package dev.runcmd.control;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * A route of the test application only: {@value #PATH} answers the client address the control API sees for the
 * request ({@code remoteAddress()}, the forwarded one when a trusted proxy forwarded it). Ordered before every other
 * route, so no filter (rate limit, authentication) stands in its way.
 */
@ApplicationScoped
public class ClientAddressRoute {

    /** The path of the route. */
    public static final String PATH = "/test-only/client-address";

    void register(@Observes Router router) {
        router.get(PATH).order(Integer.MIN_VALUE)
                .handler(context -> context.response().end(context.request().remoteAddress().host()));
    }
}
