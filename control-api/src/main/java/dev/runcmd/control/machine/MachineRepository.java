package dev.runcmd.control.machine;

import dev.runcmd.control.arm.ArmException;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Reads machines. Every method must run inside a {@code Transactions} unit (read, snapshot or write).
 */
@ApplicationScoped
public class MachineRepository implements PanacheRepositoryBase<MachineEntity, Long> {

    /** The machine at this scope, or null when it never registered. */
    public Uni<MachineEntity> findByScope(MachineScope scope) {
        return find("subscriptionId = ?1 and resourceGroup = ?2 and name = ?3",
                scope.subscriptionId(), scope.resourceGroup(), scope.machineName()).firstResult();
    }

    /** The machine at this scope; fails with 404 ResourceNotFound when it never registered. */
    public Uni<MachineEntity> require(MachineScope scope) {
        return findByScope(scope).onItem().ifNull().failWith(() -> ArmException.resourceNotFound(
                "The Resource '" + MachineScope.TYPE + "/" + scope.machineName() + "' under resource group '"
                        + scope.resourceGroup() + "' was not found."));
    }

    /** The machine at this scope; fails with 404 ParentResourceNotFound when it never registered. */
    public Uni<MachineEntity> requireParent(MachineScope scope) {
        return findByScope(scope).onItem().ifNull()
                .failWith(() -> ArmException.parentNotFound(scope.machineName(), scope.resourceGroup()));
    }

    /** The machines of a resource group, by name. */
    public Uni<List<MachineEntity>> listByGroup(String subscriptionId, String resourceGroup) {
        return find("subscriptionId = ?1 and resourceGroup = ?2", Sort.by("name"), subscriptionId, resourceGroup)
                .list();
    }
}
