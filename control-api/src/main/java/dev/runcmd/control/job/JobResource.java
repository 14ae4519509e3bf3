package dev.runcmd.control.job;

import dev.runcmd.control.activity.ActivityContext;
import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.arm.ArmList;
import dev.runcmd.control.arm.NextLinks;
import dev.runcmd.control.arm.PageRequest;
import dev.runcmd.control.arm.ResourceNames;
import dev.runcmd.control.auth.Access;
import dev.runcmd.control.auth.Actions;
import dev.runcmd.control.auth.Authorize;
import dev.runcmd.control.config.ControlConfig;
import dev.runcmd.control.operation.OperationLinks;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Fan-out jobs, runcmd's extension of the Azure model (docs/api.md, "Run command jobs"): one run command on many
 * machines of a resource group, at most maxConcurrency at a time, no more once over maxErrors failed. PUT is an ARM
 * long-running operation that completes when the job ends; DELETE and cancel work as for run commands.
 */
@Path("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.HybridCompute/runCommandJobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

    private final JobService service;
    private final JobReader reader;
    private final JobRequestParser parser;
    private final int maxBodyBytes;
    private final int pageSize;

    JobResource(JobService service, JobReader reader, JobRequestParser parser, ControlConfig config) {
        this.service = service;
        this.reader = reader;
        this.parser = parser;
        this.maxBodyBytes = config.api().maxBodyBytes();
        this.pageSize = config.api().pageSize();
    }

    /** The resource group's jobs by name, a page at a time. */
    @GET
    @Authorize(Actions.JOB_READ)
    public Uni<ArmList<JobView>> list(@RestPath String sub, @RestPath String rg, @RestQuery("$top") String top,
            @RestQuery("$skipToken") String skipToken, @Context UriInfo uri) {
        ResourceNames.requireSubscription(sub);
        ResourceNames.requireResourceGroup(rg);
        PageRequest page = PageRequest.of(top, skipToken, pageSize, JobReader.JOB_PAGE);
        return reader.list(sub, rg, page)
                .map(found -> new ArmList<>(found.items(), NextLinks.of(uri, found.nextToken())));
    }

    /** Shows one job with the counts of its targets per execution state. */
    @GET
    @Path("{name}")
    @Authorize(Actions.JOB_READ)
    public Uni<JobView> get(@RestPath String sub, @RestPath String rg, @RestPath String name) {
        return reader.get(scope(sub, rg, name));
    }

    /**
     * Creates (201) or replaces an ended job (200), and starts its first targets: the run command {@code name} is
     * created on every target now, and runs when the job releases it.
     */
    @PUT
    @Path("{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Authorize(Actions.JOB_WRITE)
    public Uni<RestResponse<JobView>> put(@RestPath String sub, @RestPath String rg, @RestPath String name,
            byte[] body, @Context UriInfo uri, RoutingContext http) {
        JobScope scope = scope(sub, rg, name);
        if (body != null && body.length > maxBodyBytes) {
            throw ArmException.bodyTooLarge(maxBodyBytes);
        }
        JobRequest request = parser.parse(body == null ? new byte[0] : body);
        return service.put(scope, request, Access.callerOf(http))
                .invoke(created -> http.put(ActivityContext.PROPERTIES, created.activityProperties(request)))
                .flatMap(created -> reader.get(scope).map(view -> OperationLinks
                        .forRequest(uri, sub, request.location(), created.operationId())
                        .addTo(RestResponse.ResponseBuilder.<JobView>create(created.replaced()
                                ? RestResponse.Status.OK : RestResponse.Status.CREATED).entity(view))
                        .build()));
    }

    /** The job's targets in its order, each with its execution state and exit code, a page at a time. */
    @GET
    @Path("{name}/targets")
    @Authorize(value = Actions.JOB_READ, up = 1)
    public Uni<ArmList<TargetView>> targets(@RestPath String sub, @RestPath String rg, @RestPath String name,
            @RestQuery("$top") String top, @RestQuery("$skipToken") String skipToken, @Context UriInfo uri) {
        JobScope scope = scope(sub, rg, name);
        PageRequest page = PageRequest.of(top, skipToken, pageSize, JobReader.TARGET_PAGE);
        return reader.targets(scope, page)
                .map(found -> new ArmList<>(found.items(), NextLinks.of(uri, found.nextToken())));
    }

    /**
     * Cancels a running job: it starts nothing more, and what runs is canceled; 200 with the job, which ends
     * Canceled once its targets have ended. A job that already ended is shown as it is.
     */
    @POST
    @Path("{name}/cancel")
    @Authorize(value = Actions.JOB_CANCEL, up = 1)
    public Uni<JobView> cancel(@RestPath String sub, @RestPath String rg, @RestPath String name) {
        JobScope scope = scope(sub, rg, name);
        return service.cancel(scope).chain(() -> reader.get(scope));
    }

    /**
     * Deletes the job and the run commands it created, stopping what runs: 202 with the operation headers when it
     * existed (the operation is already complete), 204 when it did not.
     */
    @DELETE
    @Path("{name}")
    @Authorize(Actions.JOB_DELETE)
    public Uni<RestResponse<Void>> delete(@RestPath String sub, @RestPath String rg, @RestPath String name,
            @Context UriInfo uri) {
        JobScope scope = scope(sub, rg, name);
        return service.delete(scope).map(stopped -> stopped.existed()
                ? OperationLinks.forRequest(uri, sub, stopped.location(), stopped.operationId())
                        .addTo(RestResponse.ResponseBuilder.<Void>accepted()).build()
                : RestResponse.noContent());
    }

    static JobScope scope(String sub, String rg, String name) {
        return new JobScope(ResourceNames.requireSubscription(sub), ResourceNames.requireResourceGroup(rg),
                ResourceNames.requireRunCommand(name));
    }
}
