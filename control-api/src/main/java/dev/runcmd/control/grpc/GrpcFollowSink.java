package dev.runcmd.control.grpc;

import dev.runcmd.control.output.FollowFailure;
import dev.runcmd.control.output.FollowSink;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * A server-streaming call as a follower's sink, whatever its messages. The follower writes only while
 * {@code isReady()}; grpc-java's onReady handler resumes it, and the cancel handler (the client went away) ends it.
 * The handlers are installed when the call starts, as grpc-java requires, and forward to the follower once it is
 * bound. Subclasses turn the follower's events into messages of {@link #call}.
 *
 * @param <E> the call's message type
 */
abstract class GrpcFollowSink<E> implements FollowSink {

    private static final Runnable NOTHING = () -> {
    };

    /** The call; written to only by the follower, one event at a time (see {@link FollowSink}). */
    protected final ServerCallStreamObserver<E> call;
    private volatile Runnable onReady = NOTHING;
    private volatile Runnable onClosed = NOTHING;

    /** Installs the call's handlers; must run during the initial call to the service method. */
    GrpcFollowSink(ServerCallStreamObserver<E> call) {
        this.call = call;
        call.setOnReadyHandler(() -> onReady.run());
        call.setOnCancelHandler(() -> onClosed.run());
    }

    @Override
    public final void bind(Runnable onReady, Runnable onClosed) {
        this.onReady = onReady;
        this.onClosed = onClosed;
    }

    @Override
    public final boolean isClosed() {
        return call.isCancelled();
    }

    @Override
    public final boolean isReady() {
        return call.isReady();
    }

    /** HTTP/2 keeps the stream open by itself; clients that want pings configure keepalive. */
    @Override
    public final void keepalive() {
    }

    /**
     * Ends the call with the failure's status: NOT_FOUND when what was read was deleted, RESOURCE_EXHAUSTED for a
     * stalled reader, UNAVAILABLE when the store or this replica is (resume elsewhere).
     */
    @Override
    public final void fail(FollowFailure failure) {
        Status status = switch (failure) {
            case DELETED -> Status.NOT_FOUND;
            case STALLED -> Status.RESOURCE_EXHAUSTED;
            case UNAVAILABLE, SHUTTING_DOWN -> Status.UNAVAILABLE;
        };
        call.onError(status.withDescription(failure.message()).asRuntimeException());
    }
}
