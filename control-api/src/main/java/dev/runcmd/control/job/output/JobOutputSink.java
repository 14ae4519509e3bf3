package dev.runcmd.control.job.output;

import dev.runcmd.control.output.FollowSink;

/**
 * Where a follower delivers a job's merged output: an HTTP body or a gRPC stream. Each event comes with the cursor
 * right after it, whose {@link JobCursor#token()} resumes after that event. The order is: {@code output} and
 * {@code end} events of the targets (per target its output in byte order, then its end), then exactly one
 * {@code done} or {@code fail}, then nothing.
 */
public interface JobOutputSink extends FollowSink {

    /** Output of one target. */
    void output(TargetOutput output, JobCursor at);

    /** A target's execution ended. */
    void end(TargetEnd end, JobCursor at);

    /** The last event: the job ended (following), or all that was stored was sent (not following). */
    void done(String provisioningState, JobCursor at);
}
