package dev.runcmd.control.runcommand;

import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.arm.ArmList;
import dev.runcmd.control.arm.ResourceNames;
import dev.runcmd.control.config.ControlConfig;
import dev.runcmd.control.machine.MachineScope;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * The run commands of a machine, with Azure Arc's paths, status codes and shapes. Names are checked before
 * anything is read; a PUT body is checked completely before anything is written.
 *
 * <p>The class path is the same as {@code MachineResource}'s on purpose: resource classes whose paths nest would
 * turn a wrong method into 404 instead of 405, because the REST layer retries the shorter class path.
 */
@Path("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.HybridCompute/machines")
@Produces(MediaType.APPLICATION_JSON)
public class RunCommandResource {

    private final RunCommandReader reader;
    private final RunCommandService service;
    private final RunCommandRequestParser parser;
    private final int maxBodyBytes;

    RunCommandResource(RunCommandReader reader, RunCommandService service, RunCommandRequestParser parser,
            ControlConfig config) {
        this.reader = reader;
        this.service = service;
        this.parser = parser;
        this.maxBodyBytes = config.api().maxBodyBytes();
    }

    /** Lists the machine's run commands with their instanceView; {@code $expand} is accepted and ignored. */
    @GET
    @Path("{machine}/runCommands")
    public Uni<ArmList<RunCommandView>> list(@RestPath String sub, @RestPath String rg, @RestPath String machine) {
        return reader.list(scope(sub, rg, machine))
                .map(snapshots -> new ArmList<>(snapshots.stream().map(RunCommandView::of).toList()));
    }

    /** Shows one run command with its instanceView. */
    @GET
    @Path("{machine}/runCommands/{name}")
    public Uni<RunCommandView> get(@RestPath String sub, @RestPath String rg, @RestPath String machine,
            @RestPath String name) {
        return reader.get(scope(sub, rg, machine), ResourceNames.requireRunCommand(name)).map(RunCommandView::of);
    }

    /** Creates (201) or replaces (200) a run command; either way a new execution starts. */
    @PUT
    @Path("{machine}/runCommands/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<RunCommandView>> put(@RestPath String sub, @RestPath String rg,
            @RestPath String machine, @RestPath String name, byte[] body) {
        MachineScope scope = scope(sub, rg, machine);
        ResourceNames.requireRunCommand(name);
        if (body != null && body.length > maxBodyBytes) {
            throw ArmException.bodyTooLarge(maxBodyBytes);
        }
        RunCommandRequest request = parser.parse(body == null ? new byte[0] : body);
        return service.put(scope, name, request).map(outcome -> RestResponse.status(
                outcome.created() ? RestResponse.Status.CREATED : RestResponse.Status.OK,
                RunCommandView.of(outcome.snapshot())));
    }

    /** Deletes a run command: 200 without a body when it existed, 204 when it did not. */
    @DELETE
    @Path("{machine}/runCommands/{name}")
    public Uni<RestResponse<Void>> delete(@RestPath String sub, @RestPath String rg, @RestPath String machine,
            @RestPath String name) {
        return service.delete(scope(sub, rg, machine), ResourceNames.requireRunCommand(name))
                .map(outcome -> outcome.existed() ? RestResponse.ok() : RestResponse.noContent());
    }

    /**
     * Cancels the current execution: 200 {@code {"canceled","message","executionState"}}; 404 when the run command
     * is absent.
     */
    @POST
    @Path("{machine}/runCommands/{name}/cancel")
    public Uni<CancelView> cancel(@RestPath String sub, @RestPath String rg, @RestPath String machine,
            @RestPath String name) {
        return service.cancel(scope(sub, rg, machine), ResourceNames.requireRunCommand(name)).map(CancelView::of);
    }

    private static MachineScope scope(String sub, String rg, String machine) {
        return new MachineScope(sub, rg, ResourceNames.requireMachine(machine));
    }
}
