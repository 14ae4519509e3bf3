package dev.runcmd.control.output.http;

import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.output.ExecutionStatus;
import dev.runcmd.control.output.FollowFailure;
import dev.runcmd.control.output.OutputSink;
import dev.runcmd.control.output.StdStream;
import io.smallrye.mutiny.subscription.MultiEmitter;
import java.util.UUID;

/**
 * An HTTP body as a follower's sink: events become byte arrays of a {@link BodyFormat} emitted into the Multi
 * that Quarkus REST writes to the response. Quarkus REST asks for the next item only once the previous write
 * has reached the socket, so {@link #isReady()} (outstanding demand) is true exactly when a slow client has
 * taken what it was sent; nothing is ever emitted without demand.
 */
final class EmitterSink implements OutputSink {

    private final MultiEmitter<? super byte[]> emitter;
    private final BodyFormat format;
    private boolean prologueSent;

    EmitterSink(MultiEmitter<? super byte[]> emitter, BodyFormat format) {
        this.emitter = emitter;
        this.format = format;
    }

    @Override
    public void bind(Runnable onReady, Runnable onClosed) {
        emitter.onRequest(ignored -> onReady.run());
        emitter.onTermination(onClosed);
    }

    @Override
    public boolean isClosed() {
        return emitter.isCancelled();
    }

    /** Outstanding demand; the format's prologue goes out with the first demand, which flushes the headers. */
    @Override
    public boolean isReady() {
        if (!prologueSent && emitter.requested() > 0) {
            prologueSent = true;
            emit(format.prologue());
        }
        return emitter.requested() > 0;
    }

    @Override
    public void chunk(StdStream stream, long offset, byte[] data) {
        emit(format.chunk(stream, offset, data));
    }

    @Override
    public void truncated(StdStream stream, long capBytes) {
        emit(format.truncated(stream, capBytes));
    }

    @Override
    public void keepalive() {
        emit(format.keepalive());
    }

    @Override
    public void end(UUID executionId, ExecutionStatus status) {
        emit(format.end(executionId, status));
        emitter.complete();
    }

    /**
     * Sends the format's error event when it has one and the client can take it, then completes. Otherwise the
     * Multi fails: before any byte was sent that is an ARM error response, afterwards the connection is closed.
     */
    @Override
    public void fail(FollowFailure failure) {
        byte[] error = format.error(failure);
        if (error != null && emitter.requested() > 0) {
            emit(error);
            emitter.complete();
            return;
        }
        emitter.fail(switch (failure) {
            case DELETED -> ArmException.resourceNotFound(failure.message());
            case STALLED -> new ArmException(408, "ClientStalled", failure.message());
            case UNAVAILABLE, SHUTTING_DOWN -> new ArmException(503, "ServiceUnavailable", failure.message());
        });
    }

    private void emit(byte[] bytes) {
        if (bytes != null && bytes.length > 0) {
            emitter.emit(bytes);
        }
    }
}
