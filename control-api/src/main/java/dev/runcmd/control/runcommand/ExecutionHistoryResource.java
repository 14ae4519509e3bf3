package dev.runcmd.control.runcommand;

import dev.runcmd.control.arm.ArmList;
import dev.runcmd.control.arm.NextLinks;
import dev.runcmd.control.arm.PageRequest;
import dev.runcmd.control.arm.ResourceNames;
import dev.runcmd.control.config.ControlConfig;
import dev.runcmd.control.machine.MachineScope;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * The execution history of a run command (a runcmd addition): every run is kept until the run command is deleted.
 * Same class path as {@link RunCommandResource}, for the reason given there.
 */
@Path("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.HybridCompute/machines")
@Produces(MediaType.APPLICATION_JSON)
public class ExecutionHistoryResource {

    private final ExecutionHistoryReader reader;
    private final int pageSize;

    ExecutionHistoryResource(ExecutionHistoryReader reader, ControlConfig config) {
        this.reader = reader;
        this.pageSize = config.api().pageSize();
    }

    /** The executions, newest first, a page at a time ({@code $top}, {@code $skipToken}, nextLink). */
    @GET
    @Path("{machine}/runCommands/{name}/executions")
    @dev.runcmd.control.auth.Authorize(value = dev.runcmd.control.auth.Actions.RUN_COMMAND_READ, up = 1)
    public Uni<ArmList<ExecutionView>> list(@RestPath String sub, @RestPath String rg, @RestPath String machine,
            @RestPath String name, @RestQuery("$top") String top, @RestQuery("$skipToken") String skipToken,
            @Context UriInfo uri) {
        MachineScope scope = RunCommandResource.scope(sub, rg, machine);
        ResourceNames.requireRunCommand(name);
        PageRequest page = PageRequest.of(top, skipToken, pageSize, ExecutionHistoryReader.PAGE_KIND);
        return reader.list(scope, name, page)
                .map(found -> new ArmList<>(found.items().stream().map(ExecutionView::of).toList(),
                        NextLinks.of(uri, found.nextToken())));
    }
}
