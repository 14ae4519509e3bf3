package dev.runcmd.control.runcommand;

import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.arm.ArmList;
import dev.runcmd.control.arm.NextLinks;
import dev.runcmd.control.arm.PageRequest;
import dev.runcmd.control.arm.ResourceNames;
import dev.runcmd.control.auth.Access;
import dev.runcmd.control.auth.Actions;
import dev.runcmd.control.auth.Authorize;
import dev.runcmd.control.auth.Caller;
import dev.runcmd.control.config.ControlConfig;
import dev.runcmd.control.machine.MachineScope;
import dev.runcmd.control.operation.OperationLinks;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
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
 * The run commands of a machine, with Azure Arc's paths, status codes, headers and shapes. Names are checked
 * before anything is read; a body is checked completely before anything is written. PUT, PATCH and DELETE are
 * ARM long-running operations: their responses carry {@code Azure-AsyncOperation}, {@code Location} and
 * {@code Retry-After} ({@link OperationLinks}).
 *
 * <p>The class path is the same as {@code MachineResource}'s on purpose: resource classes whose paths nest would
 * turn a wrong method into 404 instead of 405, because the REST layer retries the shorter class path.
 */
@Path("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.HybridCompute/machines")
@Produces(MediaType.APPLICATION_JSON)
public class RunCommandResource {

    /** The media type of RFC 7386 merge patches, accepted beside JSON on PATCH. */
    static final String MERGE_PATCH_JSON = "application/merge-patch+json";

    private final RunCommandReader reader;
    private final RunCommandService service;
    private final RunCommandRequestParser parser;
    private final int maxBodyBytes;
    private final int pageSize;
    private final Access access;

    RunCommandResource(RunCommandReader reader, RunCommandService service, RunCommandRequestParser parser,
            ControlConfig config, Access access) {
        this.access = access;
        this.reader = reader;
        this.service = service;
        this.parser = parser;
        this.maxBodyBytes = config.api().maxBodyBytes();
        this.pageSize = config.api().pageSize();
    }

    /**
     * Lists the machine's run commands by name, a page at a time ({@code $top}, {@code $skipToken}, nextLink).
     * {@code $expand} is accepted with any value: instanceView is always there.
     */
    @GET
    @Path("{machine}/runCommands")
    @Authorize(value = Actions.RUN_COMMAND_READ, up = 1)
    public Uni<ArmList<RunCommandView>> list(@RestPath String sub, @RestPath String rg, @RestPath String machine,
            @RestQuery("$top") String top, @RestQuery("$skipToken") String skipToken, @Context UriInfo uri) {
        MachineScope scope = scope(sub, rg, machine);
        PageRequest page = PageRequest.of(top, skipToken, pageSize, RunCommandReader.PAGE_KIND);
        return reader.list(scope, page).map(found -> new ArmList<>(
                found.items().stream().map(RunCommandView::of).toList(), NextLinks.of(uri, found.nextToken())));
    }

    /** Shows one run command with its instanceView. */
    @GET
    @Path("{machine}/runCommands/{name}")
    @Authorize(Actions.RUN_COMMAND_READ)
    public Uni<RunCommandView> get(@RestPath String sub, @RestPath String rg, @RestPath String machine,
            @RestPath String name) {
        return reader.get(scope(sub, rg, machine), ResourceNames.requireRunCommand(name)).map(RunCommandView::of);
    }

    /** Creates (201) or replaces (200) a run command; either way a new execution starts. */
    @PUT
    @Path("{machine}/runCommands/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Authorize(Actions.RUN_COMMAND_WRITE)
    public Uni<RestResponse<RunCommandView>> put(@RestPath String sub, @RestPath String rg,
            @RestPath String machine, @RestPath String name, byte[] body, @Context UriInfo uri,
            RoutingContext http) {
        MachineScope scope = scope(sub, rg, machine);
        ResourceNames.requireRunCommand(name);
        RunCommandRequest request = parser.parse(limited(body));
        return author(http, scope.runCommandId(name))
                .chain(author -> service.put(scope, name, request, author))
                .invoke(outcome -> RunRecords.record(http, outcome.snapshot().command()))
                .map(outcome -> defined(outcome,
                        outcome.created() ? RestResponse.Status.CREATED : RestResponse.Status.OK, scope, uri));
    }

    /**
     * Merges {@code tags} and {@code properties} into the stored run command (RFC 7386) and runs it again, like a
     * PUT: 200 with the body.
     */
    @PATCH
    @Path("{machine}/runCommands/{name}")
    @Consumes({MediaType.APPLICATION_JSON, MERGE_PATCH_JSON})
    @Authorize(Actions.RUN_COMMAND_WRITE)
    public Uni<RestResponse<RunCommandView>> patch(@RestPath String sub, @RestPath String rg,
            @RestPath String machine, @RestPath String name, byte[] body, @Context UriInfo uri,
            RoutingContext http) {
        MachineScope scope = scope(sub, rg, machine);
        ResourceNames.requireRunCommand(name);
        var patch = parser.readObject(limited(body));
        return author(http, scope.runCommandId(name))
                .chain(author -> service.patch(scope, name, patch, author))
                .invoke(outcome -> RunRecords.record(http, outcome.snapshot().command()))
                .map(outcome -> defined(outcome, RestResponse.Status.OK, scope, uri));
    }

    /**
     * The caller as the author of a definition; whether they may run it as root is decided here, before the
     * write's transaction, and checked against the definition it stores.
     */
    private Uni<Author> author(RoutingContext http, String runCommandId) {
        Caller caller = Access.callerOf(http);
        return access.permits(caller, Actions.RUN_COMMAND_AS_ROOT, runCommandId)
                .map(mayRunAsRoot -> RunRecords.author(caller, mayRunAsRoot, runCommandId));
    }

    /**
     * Deletes a run command, stopping its script: 202 with the operation headers when it existed (the operation
     * is already complete), 204 when it did not.
     */
    @DELETE
    @Path("{machine}/runCommands/{name}")
    @Authorize(Actions.RUN_COMMAND_DELETE)
    public Uni<RestResponse<Void>> delete(@RestPath String sub, @RestPath String rg, @RestPath String machine,
            @RestPath String name, @Context UriInfo uri) {
        MachineScope scope = scope(sub, rg, machine);
        return service.delete(scope, ResourceNames.requireRunCommand(name)).map(outcome -> outcome.existed()
                ? OperationLinks.forRequest(uri, scope.subscriptionId(), outcome.location(), outcome.operationId())
                        .addTo(RestResponse.ResponseBuilder.<Void>accepted()).build()
                : RestResponse.noContent());
    }

    /**
     * Cancels the current execution: 200 {@code {"canceled","message","executionState"}}; 404 when the run command
     * is absent.
     */
    @POST
    @Path("{machine}/runCommands/{name}/cancel")
    @Authorize(value = Actions.RUN_COMMAND_CANCEL, up = 1)
    public Uni<CancelView> cancel(@RestPath String sub, @RestPath String rg, @RestPath String machine,
            @RestPath String name) {
        return service.cancel(scope(sub, rg, machine), ResourceNames.requireRunCommand(name)).map(CancelView::of);
    }

    private byte[] limited(byte[] body) {
        if (body != null && body.length > maxBodyBytes) {
            throw ArmException.bodyTooLarge(maxBodyBytes);
        }
        return body == null ? new byte[0] : body;
    }

    private static RestResponse<RunCommandView> defined(PutOutcome outcome, RestResponse.Status status,
            MachineScope scope, UriInfo uri) {
        OperationLinks links = OperationLinks.forRequest(uri, scope.subscriptionId(),
                outcome.snapshot().command().location, outcome.operationId());
        return links.addTo(RestResponse.ResponseBuilder.<RunCommandView>create(status)
                .entity(RunCommandView.of(outcome.snapshot()))).build();
    }

    static MachineScope scope(String sub, String rg, String machine) {
        return new MachineScope(sub, rg, ResourceNames.requireMachine(machine));
    }
}
