package dev.runcmd.control.auth;

import io.grpc.Context;
import io.grpc.Contexts;
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
 * ({@link #current()}). The filter runs on the call's HTTP/2 request before the gRPC server sees it and leaves the
 * caller in the request's Vert.x context; a call that reaches a service without one (it can only be a health check,
 * which services never are) is refused UNAUTHENTICATED, so no service ever runs for an unverified caller.
 */
@ApplicationScoped
@GlobalInterceptor
public class GrpcCallers implements ServerInterceptor {

    private static final Context.Key<GrpcCall> CALL = Context.key("runcmd-call");
    private static final String HEALTH = "grpc.health.v1.Health/";

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        if (call.getMethodDescriptor().getFullMethodName().startsWith(HEALTH)) {
            return next.startCall(call, headers);
        }
        io.vertx.core.Context vertx = Vertx.currentContext();
        Caller caller = vertx == null ? null : vertx.getLocal(Caller.CONTEXT_KEY);
        if (caller == null) {
            call.close(Status.UNAUTHENTICATED.withDescription("The call carries no verified caller."),
                    new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return Contexts.interceptCall(Context.current().withValue(CALL, new GrpcCall(caller)), call, headers, next);
    }

    /** The gRPC call being served, with its verified caller; call it where the service method starts. */
    public static GrpcCall current() {
        GrpcCall call = CALL.get();
        if (call == null) {
            throw new IllegalStateException("no verified caller in this gRPC context");
        }
        return call;
    }
}
