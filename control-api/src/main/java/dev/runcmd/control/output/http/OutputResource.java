package dev.runcmd.control.output.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runcmd.control.arm.ResourceNames;
import dev.runcmd.control.auth.Access;
import dev.runcmd.control.auth.Actions;
import dev.runcmd.control.auth.Authorize;
import dev.runcmd.control.machine.MachineScope;
import dev.runcmd.control.metrics.Refusals;
import dev.runcmd.control.output.ExecutionLocator;
import dev.runcmd.control.output.ExecutionStatus;
import dev.runcmd.control.output.FollowSpec;
import dev.runcmd.control.output.FollowerQuota;
import dev.runcmd.control.output.Followers;
import dev.runcmd.control.output.OutputTarget;
import dev.runcmd.control.output.StdStream;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestMulti;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * {@code GET .../runCommands/{name}/output}: an execution's full output as raw bytes of one stream, as merged
 * text, or followed live as Server-Sent Events or text. Every body is streamed from PostgreSQL by a
 * {@link dev.runcmd.control.output.Follower} at the client's pace, so no response holds more than one batch.
 *
 * <p>The class path is the same as the other ARM resources' so that a wrong method stays a 405. There is no
 * {@code @Produces}: the format follows {@code stream}, {@code follow} and {@code Accept}, and errors are ARM
 * JSON bodies from the one exception mapper.
 */
@Path("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.HybridCompute/machines")
public class OutputResource {

    /** The execution read. */
    static final String EXECUTION_ID = "Runcmd-Execution-Id";
    /** Its state when the request was resolved (Azure's names). */
    static final String EXECUTION_STATE = "Runcmd-Execution-State";
    /** Raw view: the stored bytes of the stream. */
    static final String STREAM_BYTES = "Runcmd-Stream-Bytes";
    /** Raw view: present ({@code true}) when bytes of the stream were dropped past the output cap. */
    static final String TRUNCATED = "Runcmd-Truncated";

    private final ExecutionLocator locator;
    private final Followers followers;
    private final ObjectMapper mapper;

    private final FollowerQuota quota;

    OutputResource(ExecutionLocator locator, Followers followers, ObjectMapper mapper, FollowerQuota quota) {
        this.quota = quota;
        this.locator = locator;
        this.followers = followers;
        this.mapper = mapper;
    }

    /** Streams the output; 404 when the run command or execution is absent, 400 for bad parameters. */
    @GET
    @Path("{machine}/runCommands/{name}/output")
    @Authorize(value = Actions.RUN_COMMAND_READ, up = 1)
    public RestMulti<byte[]> output(@RestPath String sub, @RestPath String rg, @RestPath String machine,
            @RestPath String name, @RestQuery String stream, @RestQuery String from, @RestQuery String follow,
            @RestQuery String encoding, @RestQuery String executionId,
            @RestHeader("Last-Event-ID") String lastEventId, @RestHeader("Accept") String accept,
            RoutingContext http) {
        MachineScope scope = new MachineScope(sub, rg, ResourceNames.requireMachine(machine));
        ResourceNames.requireRunCommand(name);
        OutputQuery query = OutputQuery.parse(stream, from, follow, encoding, executionId, lastEventId, accept);
        Context context = Vertx.currentContext();
        FollowerQuota.Slot slot = quota.acquire(Access.callerOf(http).quotaKey(), Refusals.Protocol.REST);
        return FollowedBody.respond(slot, locator.locate(scope, name, query.executionId()),
                (target, emitter) -> {
                    FollowSpec spec = spec(query, target);
                    followers.follow(spec, new EmitterSink(emitter, format(query, spec)), context, slot);
                },
                target -> headers(query, target));
    }

    private static FollowSpec spec(OutputQuery query, OutputTarget target) {
        StdStream stream = query.stream();
        if (query.view() == OutputView.RAW) {
            return FollowSpec.single(target.executionId(), stream, query.from().of(stream),
                    target.status().storedBytes(stream), false);
        }
        return stream == null ? FollowSpec.both(target.executionId(), query.from(), query.follow())
                : FollowSpec.single(target.executionId(), stream, query.from().of(stream), Long.MAX_VALUE,
                        query.follow());
    }

    private BodyFormat format(OutputQuery query, FollowSpec spec) {
        return switch (query.view()) {
            case RAW -> new RawFormat();
            case TEXT -> new TextFormat(spec.streams());
            case EVENTS -> new SseFormat(mapper, query.base64(), spec.from());
        };
    }

    private Map<String, List<String>> headers(OutputQuery query, OutputTarget target) {
        ExecutionStatus status = target.status();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Content-Type", List.of(query.view().contentType()));
        headers.put(EXECUTION_ID, List.of(target.executionId().toString()));
        headers.put(EXECUTION_STATE, List.of(status.state().azure()));
        if (query.view() == OutputView.RAW) {
            headers.put(STREAM_BYTES, List.of(Long.toString(status.storedBytes(query.stream()))));
            if (status.isTruncated(query.stream())) {
                headers.put(TRUNCATED, List.of("true"));
            }
        }
        if (query.view() == OutputView.EVENTS) {
            headers.put("Cache-Control", List.of("no-cache"));
        }
        return headers;
    }
}
