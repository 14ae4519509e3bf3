package dev.runcmd.control.operation;

import dev.runcmd.control.auth.Access;
import dev.runcmd.control.auth.Actions;
import dev.runcmd.control.auth.AuthorizedInside;
import io.vertx.ext.web.RoutingContext;

import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.job.JobReader;
import dev.runcmd.control.job.JobScope;
import dev.runcmd.control.runcommand.RunCommandReader;
import dev.runcmd.control.runcommand.RunCommandView;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * The two polling URLs of ARM long-running operations, as PUT, PATCH and DELETE hand them out:
 * {@code operationStatuses/{id}} (Azure-AsyncOperation) answers the status; {@code operationResults/{id}}
 * (Location) answers 202 while the operation runs, then its result: the run command for a PUT or PATCH (404 if
 * it has since been deleted), 204 for a DELETE.
 */
@Path("/subscriptions/{sub}/providers/Microsoft.HybridCompute/locations/{location}")
@Produces(MediaType.APPLICATION_JSON)
public class OperationResource {

    private final OperationService service;
    private final RunCommandReader reader;
    private final JobReader jobs;
    private final Access access;

    OperationResource(OperationService service, RunCommandReader reader, JobReader jobs, Access access) {
        this.jobs = jobs;
        this.access = access;
        this.service = service;
        this.reader = reader;
    }

    /** The status monitor: 200 {@code {"id","name","status","startTime","endTime"?,"error"?}}. */
    @GET
    @Path(OperationLinks.STATUSES + "/{operationId}")
    @AuthorizedInside
    public Uni<OperationView> status(@RestPath String sub, @RestPath String location, @RestPath String operationId,
            RoutingContext http) {
        return readable(sub, location, operationId, http).map(operation -> OperationView.of(operation, sub, location));
    }

    /** The operation, when the caller may read the run command it is about (else 403, as for the run command). */
    private Uni<OperationEntity> readable(String sub, String location, String operationId, RoutingContext http) {
        return service.read(sub, location, operationId).call(operation -> access.require(http,
                operation.operationKind() == OperationKind.JOB ? Actions.JOB_READ : Actions.RUN_COMMAND_READ,
                operation.resourceId));
    }

    /** The result: 202 with Location and Retry-After while InProgress, then 200 with the run command or 204. */
    @GET
    @Path(OperationLinks.RESULTS + "/{operationId}")
    @AuthorizedInside
    public Uni<RestResponse<Object>> result(@RestPath String sub, @RestPath String location,
            @RestPath String operationId, @Context UriInfo uri, RoutingContext http) {
        return readable(sub, location, operationId, http).flatMap(operation -> {
            if (!operation.operationStatus().isTerminal()) {
                return Uni.createFrom().item(stillRunning(uri.getRequestUri()));
            }
            if (operation.operationKind() == OperationKind.DELETE) {
                return Uni.createFrom().item(RestResponse.noContent());
            }
            if (operation.operationKind() == OperationKind.JOB) {
                return jobs.get(JobScope.ofResourceId(operation.resourceId)).map(RestResponse::ok);
            }
            return reader.get(operation.runCommandId).map(snapshot -> {
                if (snapshot == null) {
                    throw ArmException.resourceNotFound("The run command '" + operation.resourceId
                            + "' of operation '" + operationId + "' no longer exists.");
                }
                return RestResponse.ok((Object) RunCommandView.of(snapshot));
            });
        });
    }

    private static RestResponse<Object> stillRunning(URI self) {
        return RestResponse.ResponseBuilder.accepted()
                .header("Location", self.toString())
                .header("Retry-After", OperationLinks.RETRY_AFTER_SECONDS)
                .build();
    }
}
