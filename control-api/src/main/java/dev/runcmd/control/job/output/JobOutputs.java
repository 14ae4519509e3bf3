package dev.runcmd.control.job.output;

import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.job.JobScope;
import dev.runcmd.control.job.JobWriter;
import dev.runcmd.control.output.FollowerQuota;
import dev.runcmd.control.output.Followers;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import jakarta.enterprise.context.ApplicationScoped;

/** Opens a job's merged output for the REST and gRPC APIs, which share its checks and its followers. */
@ApplicationScoped
public class JobOutputs {

    private final JobOutputReader reader;
    private final Followers followers;

    JobOutputs(JobOutputReader reader, Followers followers) {
        this.reader = reader;
        this.followers = followers;
    }

    /**
     * Reads a resume token; absent or empty means from the start (checked against the job by {@link #open}).
     *
     * @throws ArmException 400 InvalidRequestContent naming {@code parameter} when it is malformed
     */
    public static JobCursor parseToken(String token, String parameter) {
        if (token == null || token.isBlank()) {
            return null;
        }
        try {
            return JobCursor.parse(token.trim());
        } catch (IllegalArgumentException e) {
            throw invalid(parameter, e.getMessage());
        }
    }

    /**
     * The job's output from {@code from} (null: from the start), or with {@code endsOnly} its targets' ends alone:
     * 404 ResourceNotFound when there is no such job, 400 InvalidRequestContent when the token does not fit it.
     */
    public Uni<JobOutputSource> open(JobScope scope, JobCursor from, boolean follow, boolean endsOnly,
            String parameter) {
        return reader.find(scope).map(found -> {
            JobOutputReader.JobRef job = found.orElseThrow(() -> JobWriter.notFound(scope));
            JobCursor cursor = from != null ? from : JobCursor.start(job.id());
            try {
                cursor.check(job.id(), job.targetCount());
            } catch (IllegalArgumentException e) {
                throw invalid(parameter, e.getMessage());
            }
            return new JobOutputSource(reader, job, cursor, follow, endsOnly);
        });
    }

    /** Starts delivering the source to the sink on {@code context}; the slot is given back when it ends. */
    public void follow(JobOutputSource source, JobOutputSink sink, Context context, FollowerQuota.Slot slot) {
        followers.follow(source, sink, context, slot);
    }

    private static ArmException invalid(String parameter, String problem) {
        return ArmException.invalidContent("Invalid value of '" + parameter + "': " + problem + ".");
    }
}
