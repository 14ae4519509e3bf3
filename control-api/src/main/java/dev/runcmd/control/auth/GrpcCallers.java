package dev.runcmd.control.auth;

import dev.runcmd.control.activity.ActivityEvent;
import dev.runcmd.control.activity.ActivityLog;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Hands the caller {@link AuthenticationFilter} verified for a gRPC call to the service, in the gRPC context
 * ({@link #current()}), and puts the call on record when it ends: a write, delete or action whatever its status, and
 * any call refused PERMISSION_DENIED, as the REST layer records its requests (the answer waits until the event is
 * written). The filter runs on the call's HTTP/2 request before the gRPC server sees it and leaves the caller in the
 * request's Vert.x context; a call that reaches a service without one (only health checks are not authenticated,
 * and no service is one) is refused UNAUTHENTICATED, so no service ever runs for an unverified caller.
 */
@ApplicationScoped
@GlobalInterceptor
public class GrpcCallers implements ServerInterceptor {

    private static final Context.Key<GrpcCall> CALL = Context.key("runcmd-call");
    private static final String HEALTH = "grpc.health.v1.Health/";

    private final ActivityLog activityLog;

    GrpcCallers(ActivityLog activityLog) {
        this.activityLog = activityLog;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        if (call.getMethodDescriptor().getFullMethodName().startsWith(HEALTH)) {
            return next.startCall(call, headers);
        }
        io.vertx.core.Context vertx = Vertx.currentContext();
        Object local = vertx == null ? null : vertx.getLocal(Caller.CONTEXT_KEY);
        if (!(local instanceof GrpcCall verified)) {
            call.close(Status.UNAUTHENTICATED.withDescription("The call carries no verified caller."),
                    new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        GrpcCall grpcCall = new GrpcCall(verified.caller(), verified.requestId(), verified.correlationId());
        return Contexts.interceptCall(Context.current().withValue(CALL, grpcCall), new Recorded<>(call, grpcCall),
                headers, next);
    }

    /** The gRPC call being served, with its verified caller; call it where the service method starts. */
    public static GrpcCall current() {
        GrpcCall call = CALL.get();
        if (call == null) {
            throw new IllegalStateException("no verified caller in this gRPC context");
        }
        return call;
    }

    /** Whether an action changes something (what the activity log records even when it succeeds). */
    static boolean changes(String action) {
        return action.endsWith("/write") || action.endsWith("/delete") || action.endsWith("/action");
    }

    /** A call that records its event before its status goes out. */
    private final class Recorded<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {

        private final GrpcCall grpcCall;

        Recorded(ServerCall<Q, R> delegate, GrpcCall grpcCall) {
            super(delegate);
            this.grpcCall = grpcCall;
        }

        @Override
        public void close(Status status, Metadata trailers) {
            String action = grpcCall.action();
            if (action == null || !(changes(action) || status.getCode() == Status.Code.PERMISSION_DENIED)) {
                super.close(status, trailers);
                return;
            }
            ActivityEvent event = ActivityEvent.builder()
                    .operation(action, grpcCall.resourceId())
                    .httpMethod("POST")
                    .grpcStatus(status.getCode())
                    .caller(grpcCall.caller())
                    .clientIp(grpcCall.caller().clientIp())
                    .requestId(grpcCall.requestId())
                    .correlationId(grpcCall.correlationId())
                    .property("grpcMethod", getMethodDescriptor().getFullMethodName())
                    .properties(grpcCall.properties())
                    .build();
            activityLog.record(event).subscribe().with(recorded -> super.close(status, trailers));
        }
    }
}
