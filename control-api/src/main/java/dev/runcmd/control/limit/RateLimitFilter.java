package dev.runcmd.control.limit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runcmd.control.auth.Caller;
import dev.runcmd.control.config.ControlConfig;
import dev.runcmd.control.grpc.GrpcOverHttp;
import dev.runcmd.control.metrics.Refusals;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Limits the requests of each caller (its verified principal; the remote IP address before authentication) to {@code runcmd.control.api.max-requests-per-second}
 * with bursts of {@code runcmd.control.api.request-burst}, REST and gRPC together: both arrive on the one HTTP
 * port and pass this router filter before the REST layer and the gRPC server, so a refused request costs no
 * parsing, no body and no database work. REST is answered 429 TooManyRequests, gRPC RESOURCE_EXHAUSTED
 * ({@link TooManyRequests}). The gRPC {@code grpc.health.v1.Health} service is never limited, so probes keep
 * working while a client floods; HTTP health and metrics are on the management interface, which has no limit.
 *
 * <p>Runs on the event loop and never blocks: a bucket is one atomic ({@link ClientRateLimiter}). The client is
 * the verified caller, or the request's remote address (the forwarded one only from a trusted proxy). Either setting at 0 turns the filter off.
 */
@ApplicationScoped
public class RateLimitFilter {

    private static final Logger LOG = Logger.getLogger(RateLimitFilter.class);

    /** Runs before {@code BodyLimitFilter} (500): a flooding client gets 429 whatever it sends. */
    private static final int PRIORITY = 600;

    private static final List<String> EXEMPT_PREFIXES = List.of("/grpc.health.v1.Health/");

    private final ClientRateLimiter limiter;
    private final TooManyRequests answers;

    RateLimitFilter(ControlConfig config, ObjectMapper mapper) throws JsonProcessingException {
        ControlConfig.Api api = config.api();
        this.limiter = isOff(api) ? null : new ClientRateLimiter(api.maxRequestsPerSecond(), api.requestBurst(),
                api.maxTrackedClients(), System::nanoTime);
        this.answers = limiter == null ? null : new TooManyRequests(api.maxRequestsPerSecond(), mapper);
    }

    void register(@Observes Filters filters) {
        if (limiter == null) {
            LOG.info("Request rate limit off");
            return;
        }
        filters.register(this::check, PRIORITY);
    }

    private void check(RoutingContext context) {
        if (isExempt(context.normalizedPath())) {
            context.next();
            return;
        }
        long retryAfterSeconds = limiter.acquire(clientOf(context));
        if (retryAfterSeconds == 0) {
            context.next();
        } else if (GrpcOverHttp.isGrpc(context)) {
            Refusals.rateLimited(Refusals.Protocol.GRPC);
            answers.answerGrpc(context, retryAfterSeconds);
        } else {
            Refusals.rateLimited(Refusals.Protocol.REST);
            answers.answerRest(context, retryAfterSeconds);
        }
    }

    private static boolean isOff(ControlConfig.Api api) {
        if (api.maxRequestsPerSecond() < 0 || api.requestBurst() < 0 || api.maxTrackedClients() < 1) {
            throw new IllegalArgumentException("runcmd.control.api.max-requests-per-second and request-burst must be "
                    + "0 (off) or positive, and max-tracked-clients positive");
        }
        return api.maxRequestsPerSecond() == 0 || api.requestBurst() == 0;
    }

    private static boolean isExempt(String path) {
        for (String prefix : EXEMPT_PREFIXES) {
            if (path.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whom the request is counted for: its verified caller (authentication runs first), so a principal's quota does
     * not depend on how many addresses it calls from, nor do callers behind one proxy share one; the IP address of a
     * request without one.
     */
    private static String clientOf(RoutingContext context) {
        Caller caller = Caller.of(context);
        if (caller != null) {
            return caller.quotaKey();
        }
        SocketAddress address = context.request().remoteAddress();
        String host = address == null ? null : address.hostAddress();
        return host == null ? "local" : host;
    }
}
