package dev.runcmd.control.grpc;

import dev.runcmd.control.job.output.JobCursor;
import dev.runcmd.control.job.output.JobOutputSink;
import dev.runcmd.control.job.output.TargetEnd;
import dev.runcmd.control.job.output.TargetOutput;
import dev.runcmd.proto.v1.JobDone;
import dev.runcmd.proto.v1.JobOutput;
import dev.runcmd.proto.v1.JobOutputEvent;
import dev.runcmd.proto.v1.JobTargetEnd;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * A StreamJobOutput call as the sink of a job's follower: one message per event, each with the resume token of the
 * cursor right after it (the same token REST sends as the event's id). Flow control as {@link GrpcFollowSink} says.
 */
final class GrpcJobOutputSink extends GrpcFollowSink<JobOutputEvent> implements JobOutputSink {

    /** Installs the call's handlers; must run during the initial call to the service method. */
    GrpcJobOutputSink(ServerCallStreamObserver<JobOutputEvent> call) {
        super(call);
    }

    @Override
    public void output(TargetOutput output, JobCursor at) {
        call.onNext(event(at).setOutput(JobOutput.newBuilder().setMachine(output.machine())
                .setStream(GrpcOutputSink.proto(output.stream())).setOffset(output.offset())
                .setText(output.text())).build());
    }

    @Override
    public void end(TargetEnd end, JobCursor at) {
        call.onNext(event(at).setEnd(JobTargetEnd.newBuilder().setMachine(end.machine())
                .setExecutionState(end.executionState()).setExitCode(end.exitCode())
                .setMessage(ProtoViews.orEmpty(end.message()))).build());
    }

    @Override
    public void done(String provisioningState, JobCursor at) {
        call.onNext(event(at).setDone(JobDone.newBuilder().setProvisioningState(provisioningState)).build());
        call.onCompleted();
    }

    private static JobOutputEvent.Builder event(JobCursor at) {
        return JobOutputEvent.newBuilder().setResumeToken(at.token());
    }
}
