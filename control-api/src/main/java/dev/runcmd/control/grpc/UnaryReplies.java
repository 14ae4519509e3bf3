package dev.runcmd.control.grpc;

import io.grpc.stub.StreamObserver;
import io.smallrye.mutiny.Uni;
import java.util.function.Supplier;

/** Answers unary calls of grpc-java style services from a Uni: one message then completion, or one status. */
final class UnaryReplies {

    private UnaryReplies() {
    }

    /**
     * Subscribes to the result built by {@code call} and answers with it; a failure, including one thrown while
     * building the result, becomes a status through {@link GrpcErrors#toStatus}.
     */
    static <T> void reply(Supplier<Uni<? extends T>> call, StreamObserver<T> observer) {
        Uni.createFrom().<T>deferred(call).subscribe().with(
                item -> {
                    observer.onNext(item);
                    observer.onCompleted();
                },
                failure -> observer.onError(GrpcErrors.toStatus(failure)));
    }
}
