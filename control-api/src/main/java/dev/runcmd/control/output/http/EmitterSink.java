package dev.runcmd.control.output.http;

import dev.runcmd.control.output.ExecutionStatus;
import dev.runcmd.control.output.FollowFailure;
import dev.runcmd.control.output.OutputSink;
import dev.runcmd.control.output.StdStream;
import io.smallrye.mutiny.subscription.MultiEmitter;
import java.util.UUID;

/** An HTTP body as the sink of one execution's follower: events become bytes of a {@link BodyFormat}. */
final class EmitterSink extends BodyEmitter implements OutputSink {

    private final BodyFormat format;

    EmitterSink(MultiEmitter<? super byte[]> emitter, BodyFormat format) {
        super(emitter, format.prologue());
        this.format = format;
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
        complete(format.end(executionId, status));
    }

    @Override
    public void fail(FollowFailure failure) {
        fail(failure, format.error(failure));
    }
}
