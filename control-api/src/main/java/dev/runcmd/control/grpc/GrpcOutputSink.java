package dev.runcmd.control.grpc;

import com.google.protobuf.UnsafeByteOperations;
import dev.runcmd.control.output.ExecutionStatus;
import dev.runcmd.control.output.OutputSink;
import dev.runcmd.control.output.StdStream;
import dev.runcmd.proto.v1.OutputChunk;
import dev.runcmd.proto.v1.OutputEnd;
import dev.runcmd.proto.v1.OutputEvent;
import dev.runcmd.proto.v1.OutputStream;
import dev.runcmd.proto.v1.OutputTruncated;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.UUID;

/** A StreamOutput call as the sink of one execution's follower; flow control as {@link GrpcFollowSink} says. */
final class GrpcOutputSink extends GrpcFollowSink<OutputEvent> implements OutputSink {

    /** Installs the call's handlers; must run during the initial call to the service method. */
    GrpcOutputSink(ServerCallStreamObserver<OutputEvent> call) {
        super(call);
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

    /** The public enum value of a stream. */
    static OutputStream proto(StdStream stream) {
        return stream == StdStream.STDOUT ? OutputStream.STDOUT : OutputStream.STDERR;
    }
}
