package dev.runcmd.control.machine;

import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.arm.PageRequest;
import dev.runcmd.control.dispatch.CancelOrder;
import dev.runcmd.control.dispatch.Dispatcher;
import dev.runcmd.control.runcommand.ExecutionRepository;
import dev.runcmd.control.runcommand.WriteConflicts;
import dev.runcmd.control.store.Transactions;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Lists machines a page at a time, replaces their API-set tags, and deletes them. To delete one, in one transaction
 * the machine's row is locked and revoked (it no longer exists for the API, and the identity its certificates carry
 * is void, so its agent can no longer connect) and every unfinished execution of
 * it ends Failed; after the commit, the gateway holding its agent gets a Cancel for each execution the agent may still
 * be running. Gateways close the revoked machine's session on their own within seconds.
 */
@ApplicationScoped
public class MachineService {

    /** The executionMessage of an execution ended because its machine was deleted. */
    /** The kind of the machine lists' {@code $skipToken}. */
    public static final String PAGE_KIND = "m1";

    public static final String REVOKED_MESSAGE = "machine deleted: its identity was revoked";

    /** The reason the agent is given with the Cancel of a running script. */
    static final String CANCEL_REASON = "machine deleted";

    private final Transactions transactions;
    private final MachineRepository machines;
    private final ExecutionRepository executions;
    private final Dispatcher dispatcher;

    MachineService(Transactions transactions, MachineRepository machines, ExecutionRepository executions,
            Dispatcher dispatcher) {
        this.transactions = transactions;
        this.machines = machines;
        this.executions = executions;
        this.dispatcher = dispatcher;
    }

    /** Replaces the machine's API-set tags (checked already); 404 ResourceNotFound when it does not exist. */
    public Uni<MachineEntity> replaceTags(MachineScope scope, Map<String, String> tags) {
        String json = MachineTags.write(tags);
        return transactions.write(() -> machines.replaceTags(scope, json)
                .flatMap(replaced -> {
                    if (!replaced) {
                        throw MachineRepository.notFound(scope);
                    }
                    return machines.require(scope);
                }));
    }

    /**
     * A page of a resource group's machines by name, optionally only those with a tag (and value), filtered to
     * those {@code readable} says the caller may read. The next page starts after the last machine fetched, so a
     * page the caller may read little of can be short, never wrong.
     */
    public Uni<PageRequest.Page<MachineEntity>> list(String subscriptionId, String resourceGroup, PageRequest page,
            String tagName, String tagValue, Predicate<String> readable) {
        return transactions.read(() -> machines.listPage(subscriptionId, resourceGroup, page.after().orElse(null),
                        page.size() + 1, tagName, tagValue))
                .map(fetched -> {
                    PageRequest.Page<MachineEntity> window = page.page(fetched, PAGE_KIND, machine -> machine.name);
                    return new PageRequest.Page<>(window.items().stream()
                            .filter(machine -> readable.test(machine.scope().resourceId())).toList(),
                            window.nextToken());
                });
    }

    /**
     * Deletes the machine; an absent (or already deleted) one is not an error. A deadlock with a gateway moving the
     * same executions is retried once (the transaction was rolled back), then answered 409 Conflict.
     */
    public Uni<MachineDeletion> delete(MachineScope scope) {
        return Uni.createFrom().deferred(() -> transactions.write(() -> revoke(scope)))
                .onFailure(WriteConflicts::isDeadlock).retry().atMost(1)
                .onFailure(WriteConflicts::isDeadlock).transform(e -> ArmException.conflict("The machine '"
                        + scope.machineName() + "' was changed concurrently; retry the request."))
                .invoke(deletion -> deletion.cancels().forEach(dispatcher::cancel));
    }

    private Uni<MachineDeletion> revoke(MachineScope scope) {
        return machines.lockByScope(scope).flatMap(machineId -> machineId == null
                ? Uni.createFrom().item(MachineDeletion.ABSENT)
                : machines.revoke(machineId)
                        .chain(() -> executions.failUnfinished(machineId, REVOKED_MESSAGE))
                        .map(ended -> new MachineDeletion(true, ended.size(), cancels(scope, machineId, ended))));
    }

    private static List<CancelOrder> cancels(MachineScope scope, long machineId,
            List<ExecutionRepository.Ended> ended) {
        return ended.stream()
                .filter(execution -> execution.before().isOnAgent())
                .map(execution -> new CancelOrder(scope, machineId, execution.id(), CANCEL_REASON))
                .toList();
    }
}
