package dev.runcmd.control.grpc;

import dev.runcmd.control.auth.GrpcCall;
import dev.runcmd.control.metrics.Refusals;
import dev.runcmd.control.output.FollowerQuota;
import io.grpc.stub.StreamObserver;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Supplier;

/**
 * Starts the follower behind a public server-streaming call (StreamOutput, StreamJobOutput): checks the request,
 * takes one of the caller's follower slots, opens what is followed, and hands it to a follower on the call's Vert.x
 * context. Every failure before the follower starts ends the call with its status and gives the slot back; from
 * then on the follower owns the slot.
 */
@ApplicationScoped
public class FollowStarter {

    /** Hands what was opened to a follower, which gives {@code slot} back when it ends. */
    @FunctionalInterface
    interface Start<T> {
        void follow(T opened, Context context, FollowerQuota.Slot slot);
    }

    private final FollowerQuota quota;

    FollowStarter(FollowerQuota quota) {
        this.quota = quota;
    }

    /**
     * Runs {@code open} at once: it checks the request synchronously (a throw is the call's status, before any slot
     * is taken) and returns the lazy authorization and lookup, subscribed to once the slot is taken. Must run during
     * the initial call, after the call's sink installed its handlers.
     */
    <T> void start(GrpcCall call, StreamObserver<?> observer, Supplier<Uni<T>> open, Start<T> start) {
        Context context = Vertx.currentContext();
        Uni<T> opening;
        FollowerQuota.Slot slot;
        try {
            opening = open.get();
            slot = quota.acquire(call.caller().quotaKey(), Refusals.Protocol.GRPC);
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
            return;
        }
        opening.subscribe().with(
                opened -> start.follow(opened, context, slot),
                failure -> {
                    slot.release();
                    observer.onError(GrpcErrors.toStatus(failure));
                });
    }
}
