package dev.runcmd.e2e;

import dev.runcmd.proto.v1.MachineRef;
import dev.runcmd.proto.v1.OutputEnd;
import dev.runcmd.proto.v1.OutputEvent;
import dev.runcmd.proto.v1.OutputStream;
import dev.runcmd.proto.v1.RunCommandsGrpc;
import dev.runcmd.proto.v1.StreamOutputRequest;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.CompletableFuture;

/**
 * Follows an execution's output over the public gRPC API's StreamOutput, checking that every chunk
 * starts exactly where the previous one of its stream ended (no gap, no duplicate). It can stop
 * reading (stall, by requesting no messages) and cut the call after some bytes.
 */
final class GrpcFollower implements ClientResponseObserver<StreamOutputRequest, OutputEvent> {

    final Received stdout;
    final Received stderr;
    /** Completes with the end, or with null when this follower cut the call itself. */
    final CompletableFuture<OutputEnd> done = new CompletableFuture<>();
    private final boolean stalled;
    private final long cutAfterStdoutBytes;
    private long stdoutOffset;
    private long stderrOffset;
    private volatile ClientCallStreamObserver<StreamOutputRequest> call;
    private volatile boolean cut;

    private GrpcFollower(Received stdout, Received stderr, long stdoutOffset, long stderrOffset,
                         boolean stalled, long cutAfterStdoutBytes) {
        this.stdout = stdout;
        this.stderr = stderr;
        this.stdoutOffset = stdoutOffset;
        this.stderrOffset = stderrOffset;
        this.stalled = stalled;
        this.cutAfterStdoutBytes = cutAfterStdoutBytes;
    }

    /** Starts following from the given offsets; {@code stalled} reads nothing until {@link #resume}. */
    static GrpcFollower start(Channel channel, String machine, String name, Received stdout, Received stderr,
                              boolean stalled, long cutAfterStdoutBytes) {
        GrpcFollower follower = new GrpcFollower(stdout, stderr, stdout.count(), stderr.count(), stalled, cutAfterStdoutBytes);
        StreamOutputRequest request = StreamOutputRequest.newBuilder()
                .setMachine(MachineRef.newBuilder().setSubscriptionId(Stack.SUBSCRIPTION)
                        .setResourceGroup(Stack.RESOURCE_GROUP).setMachineName(machine))
                .setName(name)
                .setStdoutOffset(stdout.count())
                .setStderrOffset(stderr.count())
                .setFollow(true)
                .build();
        RunCommandsGrpc.newStub(channel).streamOutput(request, follower);
        return follower;
    }

    /** Starts reading after a stall. */
    void resume() {
        call.request(Integer.MAX_VALUE);
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<StreamOutputRequest> requestStream) {
        call = requestStream;
        if (stalled) {
            requestStream.disableAutoRequestWithInitial(0);
        }
    }

    @Override
    public void onNext(OutputEvent event) {
        switch (event.getKindCase()) {
            case CHUNK -> accept(event.getChunk());
            case END -> done.complete(event.getEnd());
            default -> { }
        }
    }

    private void accept(dev.runcmd.proto.v1.OutputChunk chunk) {
        boolean isStdout = chunk.getStream() == OutputStream.STDOUT;
        long expected = isStdout ? stdoutOffset : stderrOffset;
        if (chunk.getOffset() != expected) {
            done.completeExceptionally(new AssertionError(chunk.getStream() + " chunk at offset " + chunk.getOffset()
                    + ", expected " + expected + " (gap or duplicate)"));
            call.cancel("offset mismatch", null);
            return;
        }
        byte[] data = chunk.getData().toByteArray();
        (isStdout ? stdout : stderr).add(data);
        if (isStdout) {
            stdoutOffset += data.length;
        } else {
            stderrOffset += data.length;
        }
        if (cutAfterStdoutBytes > 0 && stdoutOffset >= cutAfterStdoutBytes && !cut) {
            cut = true;
            call.cancel("cut by the test", null);
            done.complete(null);
        }
    }

    @Override
    public void onError(Throwable error) {
        if (!cut) {
            done.completeExceptionally(error);
        }
    }

    @Override
    public void onCompleted() {
        if (!done.isDone()) {
            done.completeExceptionally(new AssertionError("StreamOutput completed without an end"));
        }
    }
}
