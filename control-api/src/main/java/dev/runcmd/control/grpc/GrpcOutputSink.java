package dev.runcmd.control.grpc;

import com.google.protobuf.UnsafeByteOperations;
import dev.runcmd.control.output.ExecutionStatus;
import dev.runcmd.control.output.FollowFailure;
import dev.runcmd.control.output.OutputSink;
import dev.runcmd.control.output.StdStream;
import dev.runcmd.proto.v1.OutputChunk;
import dev.runcmd.proto.v1.OutputEnd;
import dev.runcmd.proto.v1.OutputEvent;
import dev.runcmd.proto.v1.OutputStream;
import dev.runcmd.proto.v1.OutputTruncated;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.UUID;

/**
 * A StreamOutput call as a follower's sink. The follower writes only while {@code isReady()}; grpc-java's
 * onReady handler resumes it, and the cancel handler (the client went away) ends it. The handlers are installed
 * when the call starts, as grpc-java requires, and forward to the follower once it is bound.
 */
final class GrpcOutputSink implements OutputSink {

    private static final Runnable NOTHING = () -> {
    };

    private final ServerCallStreamObserver<OutputEvent> call;
    private volatile Runnable onReady = NOTHING;
    private volatile Runnable onClosed = NOTHING;

    /** Installs the call's handlers; must run during the initial call to the service method. */
    GrpcOutputSink(ServerCallStreamObserver<OutputEvent> call) {
        this.call = call;
        call.setOnReadyHandler(() -> onReady.run());
        call.setOnCancelHandler(() -> onClosed.run());
    }

    @Override
    public void bind(Runnable onReady, Runnable onClosed) {
        this.onReady = onReady;
        this.onClosed = onClosed;
    }

    @Override
    public boolean isClosed() {
        return call.isCancelled();
    }

    @Override
    public boolean isReady() {
        return call.isReady();
    }

    /** Wraps the bytes without a copy: a follower never changes an array it handed over. */
    @Override
    public void chunk(StdStream stream, long offset, byte[] data) {
        call.onNext(OutputEvent.newBuilder().setChunk(OutputChunk.newBuilder().setStream(proto(stream))
                .setOffset(offset).setData(UnsafeByteOperations.unsafeWrap(data))).build());
    }

    @Override
    public void truncated(StdStream stream, long capBytes) {
        call.onNext(OutputEvent.newBuilder().setTruncated(OutputTruncated.newBuilder().setStream(proto(stream))
                .setCapBytes(capBytes)).build());
    }

    /** HTTP/2 keeps the stream open by itself; clients that want pings configure keepalive. */
    @Override
    public void keepalive() {
    }

    @Override
    public void end(UUID executionId, ExecutionStatus status) {
        call.onNext(OutputEvent.newBuilder().setEnd(OutputEnd.newBuilder()
                .setExecutionId(executionId.toString())
                .setExecutionState(status.state().azure())
                .setExitCode(status.shownExitCode())
                .setExecutionMessage(status.message())
                .setStdoutBytes(status.writtenBytes(StdStream.STDOUT))
                .setStderrBytes(status.writtenBytes(StdStream.STDERR))).build());
        call.onCompleted();
    }

    @Override
    public void fail(FollowFailure failure) {
        Status status = switch (failure) {
            case DELETED -> Status.NOT_FOUND;
            case STALLED -> Status.RESOURCE_EXHAUSTED;
            case UNAVAILABLE, SHUTTING_DOWN -> Status.UNAVAILABLE;
        };
        call.onError(status.withDescription(failure.message()).asRuntimeException());
    }

    private static OutputStream proto(StdStream stream) {
        return stream == StdStream.STDOUT ? OutputStream.STDOUT : OutputStream.STDERR;
    }
}
