package dev.runcmd.control.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runcmd.control.activity.ActivityContext;
import dev.runcmd.control.activity.ActivityLog;
import dev.runcmd.control.arm.ArmError;
import dev.runcmd.control.arm.EarlyAnswers;
import dev.runcmd.control.auth.oidc.OidcUnavailableException;
import dev.runcmd.control.config.ControlConfig;
import dev.runcmd.control.grpc.GrpcOverHttp;
import dev.runcmd.control.limit.ClientRateLimiter;
import dev.runcmd.control.metrics.Refusals;
import dev.runcmd.control.store.StoreFailures;
import io.grpc.Status;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Authenticates every REST request and gRPC call before anything else reads it: both arrive on the one HTTP port
 * and pass this router filter. A verified {@link Caller} is left in the routing context (and in the request's
 * Vert.x context, where the gRPC interceptor finds it); a missing or bad credential is answered 401 with ARM's error
 * body and {@code WWW-Authenticate: Bearer …} (gRPC: UNAUTHENTICATED with the same message) before the body is read.
 * The gRPC health service ({@code grpc.health.v1.Health}) stays open so probes need no credential; HTTP health and
 * metrics are not on this port at all but on the management interface ({@code quarkus.management.port}), which
 * this filter does not see.
 *
 * <p>A token verified within {@code runcmd.auth.cache-ttl} passes at once on the event loop; otherwise the request
 * is paused while the token is looked up, and resumed on its own context.
 */
@ApplicationScoped
public class AuthenticationFilter {

    private static final Logger LOG = Logger.getLogger(AuthenticationFilter.class);

    /** Runs before the rate limit (600), which counts requests per verified caller. */
    private static final int PRIORITY = 700;

    private static final List<String> OPEN_PREFIXES = List.of("/grpc.health.v1.Health/");

    private final Authenticator authenticator;
    private final ObjectMapper mapper;
    private final ClientRateLimiter lookups;
    private final ActivityLog activityLog;

    AuthenticationFilter(Authenticator authenticator, ObjectMapper mapper, ControlConfig config,
            ActivityLog activityLog) {
        this.activityLog = activityLog;
        this.authenticator = authenticator;
        this.mapper = mapper;
        ControlConfig.Api api = config.api();
        this.lookups = api.maxRequestsPerSecond() <= 0 || api.requestBurst() <= 0 ? null
                : new ClientRateLimiter(api.maxRequestsPerSecond(), api.requestBurst(), api.maxTrackedClients(),
                        System::nanoTime);
    }

    void register(@Observes Filters filters) {
        filters.register(this::authenticate, PRIORITY);
    }

    private void authenticate(RoutingContext context) {
        if (isOpen(context.normalizedPath())) {
            context.next();
            return;
        }
        String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        String client = clientOf(context);
        Caller known = authenticator.recentlyVerified(header, client);
        if (known != null) {
            admit(context, known, false);
            return;
        }
        // A token not verified lately costs a lookup: those are limited per client address, so a client sending
        // made-up tokens cannot turn its requests into database reads beyond the request rate.
        long retryAfter = lookups == null ? 0 : lookups.acquire(client);
        if (retryAfter > 0) {
            context.response().putHeader("Retry-After", Long.toString(retryAfter));
            answer(context, 429, "TooManyRequests", "Too many requests with credentials not verified lately from "
                    + "this client; retry after the Retry-After seconds.", Status.Code.RESOURCE_EXHAUSTED);
            return;
        }
        // The lookup completes on whatever thread the store answers on: the request waits paused, and goes on on its
        // own context.
        Context requestContext = Vertx.currentContext();
        context.request().pause();
        authenticator.authenticate(header, client).subscribe().with(
                caller -> requestContext.runOnContext(ignored -> admit(context, caller, true)),
                failure -> requestContext.runOnContext(ignored -> refuse(context, failure)));
    }

    private void admit(RoutingContext context, Caller caller, boolean paused) {
        context.put(Caller.CONTEXT_KEY, caller);
        Context local = Vertx.currentContext();
        if (local != null) {
            local.putLocal(Caller.CONTEXT_KEY, new GrpcCall(caller, ActivityContext.requestId(context),
                    ActivityContext.correlationId(context)));
        }
        // The REST layer resumes a paused request itself once its body handlers are in place (resuming it here,
        // before the REST layer dispatched, would drop the body). The gRPC server installs its handlers while
        // next() runs and leaves resuming to its caller.
        context.next();
        if (paused && GrpcOverHttp.isGrpc(context)) {
            context.request().resume();
        }
    }

    private void refuse(RoutingContext context, Throwable failure) {
        if (failure instanceof AuthenticationFailure refused) {
            answer(context, 401, refused.code(), refused.getMessage(), Status.Code.UNAUTHENTICATED);
        } else if (failure instanceof OidcUnavailableException unavailable) {
            LOG.warnf("Could not verify an OIDC access token: %s", unavailable.getMessage());
            answer(context, 503, "ServiceUnavailable", "The identity provider could not be reached to verify the "
                    + "access token; retry later.", Status.Code.UNAVAILABLE);
        } else if (StoreFailures.isUnreachable(failure) || StoreFailures.isSaturated(failure)) {
            context.response().putHeader("Retry-After", Integer.toString(StoreFailures.RETRY_AFTER_SECONDS));
            Refusals.storeUnreachable(GrpcOverHttp.isGrpc(context) ? Refusals.Protocol.GRPC : Refusals.Protocol.REST);
            answer(context, 503, StoreFailures.CODE, StoreFailures.MESSAGE, Status.Code.UNAVAILABLE);
        } else {
            LOG.errorf(failure, "Authentication failed unexpectedly");
            answer(context, 503, "ServiceUnavailable", "The credential could not be checked; retry later.",
                    Status.Code.UNAVAILABLE);
        }
    }

    private void answer(RoutingContext context, int status, String code, String message, Status.Code grpcCode) {
        if (context.response().ended()) {
            return;
        }
        if (status == 401) {
            // On record before the caller hears back; a gRPC call's resource is in its unread body, so only REST
            // refusals (whose path names the resource) are recorded.
            activityLog.recordRouterAnswer(context, status, null, null)
                    .subscribe().with(recorded -> send(context, status, code, message, grpcCode));
            return;
        }
        send(context, status, code, message, grpcCode);
    }

    private void send(RoutingContext context, int status, String code, String message, Status.Code grpcCode) {
        if (context.response().ended()) {
            return;
        }
        if (status == 401) {
            context.response().putHeader("WWW-Authenticate", "Bearer realm=\"runcmd\", error=\""
                    + "invalid_token\", error_description=\"" + message.replace("\"", "'") + "\"");
        }
        if (GrpcOverHttp.isGrpc(context)) {
            GrpcOverHttp.endCall(context, grpcCode, GrpcOverHttp.percentEncode(message));
            return;
        }
        String body;
        try {
            body = mapper.writeValueAsString(ArmError.of(code, message));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
        EarlyAnswers.endAndClose(context, context.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json"), body);
    }

    private static boolean isOpen(String path) {
        for (String prefix : OPEN_PREFIXES) {
            if (path.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The client's IP address (the forwarded one only from a trusted proxy); "local" without one. */
    static String clientOf(RoutingContext context) {
        SocketAddress address = context.request().remoteAddress();
        String host = address == null ? null : address.hostAddress();
        return host == null ? "local" : host;
    }
}
