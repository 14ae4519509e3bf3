package dev.runcmd.control.machine;

import dev.runcmd.control.auth.Access;
import dev.runcmd.control.auth.Actions;
import dev.runcmd.control.auth.Authorize;
import dev.runcmd.control.auth.AuthorizedInside;
import io.vertx.ext.web.RoutingContext;

import dev.runcmd.control.arm.ArmList;
import dev.runcmd.control.arm.ResourceNames;
import dev.runcmd.control.store.Transactions;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * The machines of a resource group: agents create them by enrolling (see the join tokens); the API reads and
 * deletes them.
 */
@Path("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.HybridCompute/machines")
@Produces(MediaType.APPLICATION_JSON)
public class MachineResource {

    private final Transactions transactions;
    private final MachineRepository machines;
    private final MachineService service;
    private final Access access;

    MachineResource(Transactions transactions, MachineRepository machines, MachineService service, Access access) {
        this.access = access;
        this.transactions = transactions;
        this.machines = machines;
        this.service = service;
    }

    /** Lists the machines of the resource group the caller may read, by name. */
    @GET
    @AuthorizedInside
    public Uni<ArmList<MachineView>> list(@RestPath String sub, @RestPath String rg, RoutingContext http) {
        return access.checker(Access.callerOf(http), Actions.MACHINE_READ)
                .chain(readable -> transactions.read(() -> machines.listByGroup(sub, rg))
                        .map(all -> ArmList.of(all.stream().map(MachineView::of)
                                .filter(machine -> readable.test(machine.id())).toList())));
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
}
