package dev.runcmd.control.machine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.arm.ArmList;
import dev.runcmd.control.arm.NextLinks;
import dev.runcmd.control.arm.PageRequest;
import dev.runcmd.control.arm.RequestJson;
import dev.runcmd.control.arm.ResourceNames;
import dev.runcmd.control.auth.Access;
import dev.runcmd.control.auth.Actions;
import dev.runcmd.control.auth.Authorize;
import dev.runcmd.control.auth.AuthorizedInside;
import dev.runcmd.control.config.ControlConfig;
import dev.runcmd.control.store.Transactions;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
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
 * The machines of a resource group: agents create them by enrolling (see the join tokens); the API lists them a page
 * at a time (optionally by tag), shows them, replaces their tags and deletes them.
 */
@Path("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.HybridCompute/machines")
@Produces(MediaType.APPLICATION_JSON)
public class MachineResource {

    private final Transactions transactions;
    private final MachineRepository machines;
    private final MachineService service;
    private final Access access;
    private final ObjectReader reader;
    private final int pageSize;
    private final int maxBodyBytes;

    MachineResource(Transactions transactions, MachineRepository machines, MachineService service, Access access,
            ObjectMapper mapper, ControlConfig config) {
        this.transactions = transactions;
        this.machines = machines;
        this.service = service;
        this.access = access;
        this.reader = RequestJson.strictReader(mapper);
        this.pageSize = config.api().pageSize();
        this.maxBodyBytes = config.api().maxBodyBytes();
    }

    /**
     * Lists the machines of the resource group the caller may read, by name, a page at a time ({@code $top},
     * {@code $skipToken}, nextLink); {@code $filter=tagName eq 'env' [and tagValue eq 'prod']} keeps those with
     * the tag.
     */
    @GET
    @AuthorizedInside
    public Uni<ArmList<MachineView>> list(@RestPath String sub, @RestPath String rg, @RestQuery("$top") String top,
            @RestQuery("$skipToken") String skipToken, @RestQuery("$filter") String filter, @Context UriInfo uri,
            RoutingContext http) {
        PageRequest page = PageRequest.of(top, skipToken, pageSize, MachineService.PAGE_KIND);
        TagFilter tag = TagFilter.parse(filter);
        return access.checker(Access.callerOf(http), Actions.MACHINE_READ)
                .chain(readable -> service.list(sub, rg, page, tag.name(), tag.value(), readable))
                .map(found -> new ArmList<>(found.items().stream().map(MachineView::of).toList(),
                        NextLinks.of(uri, found.nextToken())));
    }

    /** Shows one machine; 404 ResourceNotFound when it never enrolled or was deleted. */
    @GET
    @Path("{machine}")
    @Authorize(Actions.MACHINE_READ)
    public Uni<MachineView> get(@RestPath String sub, @RestPath String rg, @RestPath String machine) {
        MachineScope scope = new MachineScope(sub, rg, ResourceNames.requireMachine(machine));
        return transactions.read(() -> machines.require(scope)).map(MachineView::of);
    }

    /**
     * Replaces the machine's API-set tags with the body's {@code tags} (ARM's PATCH of tags: the whole object;
     * {@code {}} clears them); the agent's own tags stay. 200 with the machine; 404 when it does not exist.
     */
    @PATCH
    @Path("{machine}")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    @Authorize(Actions.MACHINE_WRITE)
    public Uni<MachineView> patch(@RestPath String sub, @RestPath String rg, @RestPath String machine, byte[] body) {
        return replaceTags(sub, rg, machine, body);
    }

    /**
     * The same as PATCH for a machine that exists (machines come into being only by enrollment, so a PUT never
     * creates one: 404).
     */
    @PUT
    @Path("{machine}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Authorize(Actions.MACHINE_WRITE)
    public Uni<MachineView> put(@RestPath String sub, @RestPath String rg, @RestPath String machine, byte[] body) {
        return replaceTags(sub, rg, machine, body);
    }

    /**
     * Deletes the machine and revokes its identity; its unfinished executions end Failed. 200 when it existed, 204
     * when it did not (ARM's delete).
     */
    @DELETE
    @Path("{machine}")
    @Authorize(Actions.MACHINE_DELETE)
    public Uni<RestResponse<Void>> delete(@RestPath String sub, @RestPath String rg, @RestPath String machine) {
        MachineScope scope = new MachineScope(sub, rg, ResourceNames.requireMachine(machine));
        return service.delete(scope).map(deletion -> deletion.existed()
                ? RestResponse.<Void>ok() : RestResponse.<Void>noContent());
    }

    private Uni<MachineView> replaceTags(String sub, String rg, String machine, byte[] body) {
        MachineScope scope = new MachineScope(sub, rg, ResourceNames.requireMachine(machine));
        if (body != null && body.length > maxBodyBytes) {
            throw ArmException.bodyTooLarge(maxBodyBytes);
        }
        var tags = TagsBody.parse(reader, body == null ? new byte[0] : body);
        return service.replaceTags(scope, tags).map(MachineView::of);
    }
}
