package dev.runcmd.control.output.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runcmd.control.arm.ResourceNames;
import dev.runcmd.control.auth.Access;
import dev.runcmd.control.auth.Actions;
import dev.runcmd.control.auth.Authorize;
import dev.runcmd.control.job.JobScope;
import dev.runcmd.control.job.output.JobCursor;
import dev.runcmd.control.job.output.JobOutputs;
import dev.runcmd.control.metrics.Refusals;
import dev.runcmd.control.output.FollowerQuota;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestMulti;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * {@code GET .../runCommandJobs/{name}/output}: one merged stream of every target's output, as Server-Sent Events
 * (resumable by event id) or as text with every line prefixed by its machine, followed live until the job ends
 * or up to what is stored now. One follower per response reads the whole job; see {@link dev.runcmd.control.job.output.JobOutputSource}.
 *
 * <p>The class path is the same as the job resource's so that a wrong method stays a 405.
 */
@Path("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.HybridCompute/runCommandJobs")
public class JobOutputResource {

    private final JobOutputs outputs;
    private final ObjectMapper mapper;
    private final FollowerQuota quota;

    JobOutputResource(JobOutputs outputs, ObjectMapper mapper, FollowerQuota quota) {
        this.outputs = outputs;
        this.mapper = mapper;
        this.quota = quota;
    }

    /**
     * Streams the job's output, or with {@code endsOnly=true} only its targets' ends and its done; 404 when there is
     * no such job, 400 for a bad {@code follow} or {@code endsOnly} or a resume token
     * ({@code Last-Event-ID}, else {@code from}) that is malformed or not this job's.
     */
    @GET
    @Path("{name}/output")
    @Authorize(value = Actions.JOB_READ, up = 1)
    public RestMulti<byte[]> output(@RestPath String sub, @RestPath String rg, @RestPath String name,
            @RestQuery String from, @RestQuery String follow, @RestQuery String endsOnly,
            @RestHeader("Last-Event-ID") String lastEventId,
            @RestHeader("Accept") String accept, RoutingContext http) {
        JobScope scope = new JobScope(ResourceNames.requireSubscription(sub), ResourceNames.requireResourceGroup(rg),
                ResourceNames.requireRunCommand(name));
        boolean following = OutputQuery.follow(follow);
        boolean ends = OutputQuery.flag("endsOnly", endsOnly);
        boolean events = accept != null && accept.contains("text/event-stream");
        boolean resumed = lastEventId != null && !lastEventId.isBlank();
        String parameter = resumed ? "Last-Event-ID" : "from";
        JobCursor cursor = JobOutputs.parseToken(resumed ? lastEventId : from, parameter);
        Context context = Vertx.currentContext();
        FollowerQuota.Slot slot = quota.acquire(Access.callerOf(http).quotaKey(), Refusals.Protocol.REST);
        return FollowedBody.respond(slot, outputs.open(scope, cursor, following, ends, parameter),
                (source, emitter) -> outputs.follow(source, new JobEmitterSink(emitter,
                        events ? new JobSseFormat(mapper) : new JobTextFormat()), context, slot),
                source -> events ? Map.of("Content-Type", List.of("text/event-stream"),
                        "Cache-Control", List.of("no-cache"))
                        : Map.of("Content-Type", List.of("text/plain; charset=utf-8")));
    }
}
