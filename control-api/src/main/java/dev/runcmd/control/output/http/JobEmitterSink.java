package dev.runcmd.control.output.http;

import dev.runcmd.control.job.output.JobCursor;
import dev.runcmd.control.job.output.JobOutputSink;
import dev.runcmd.control.job.output.TargetEnd;
import dev.runcmd.control.job.output.TargetOutput;
import dev.runcmd.control.output.FollowFailure;
import io.smallrye.mutiny.subscription.MultiEmitter;

/** An HTTP body as the sink of a job's follower: events become bytes of a {@link JobBodyFormat}. */
final class JobEmitterSink extends BodyEmitter implements JobOutputSink {

    private final JobBodyFormat format;

    JobEmitterSink(MultiEmitter<? super byte[]> emitter, JobBodyFormat format) {
        super(emitter, format.prologue());
        this.format = format;
    }

    @Override
    public void output(TargetOutput output, JobCursor at) {
        emit(format.output(output, at));
    }

    @Override
    public void end(TargetEnd end, JobCursor at) {
        emit(format.end(end, at));
    }

    @Override
    public void done(String provisioningState, JobCursor at) {
        complete(format.done(provisioningState, at));
    }

    @Override
    public void keepalive() {
        emit(format.keepalive());
    }

    @Override
    public void fail(FollowFailure failure) {
        fail(failure, format.error(failure));
    }
}
