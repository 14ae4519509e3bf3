package dev.runcmd.control.runcommand;

import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.arm.PageRequest;
import dev.runcmd.control.machine.MachineRepository;
import dev.runcmd.control.machine.MachineScope;
import dev.runcmd.control.store.Transactions;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads run commands with their current execution and output tail, for the REST and the gRPC views. Each read
 * is one read-only REPEATABLE READ transaction on one connection ({@link Transactions#snapshot}), so the run
 * command, its execution and its output tail come from one snapshot: a gateway ends an execution and its run
 * command's provisioning in one statement, and a reader must never show one changed and not the other (an ended
 * execution under a run command still "Creating"). The tails come from one extra query for all listed executions.
 */
@ApplicationScoped
public class RunCommandReader {

    /** The kind prefix of this list's $skipToken. */
    public static final String PAGE_KIND = "rc1";

    private final Transactions transactions;
    private final MachineRepository machines;
    private final RunCommandRepository commands;
    private final ExecutionRepository executions;
    private final OutputTailReader tails;
    private final StoredDefinition definitions;

    RunCommandReader(Transactions transactions, MachineRepository machines, RunCommandRepository commands,
            ExecutionRepository executions, OutputTailReader tails, StoredDefinition definitions) {
        this.transactions = transactions;
        this.machines = machines;
        this.commands = commands;
        this.executions = executions;
        this.tails = tails;
        this.definitions = definitions;
    }

    /**
     * One run command; fails with 404 ParentResourceNotFound when the machine never registered and 404
     * ResourceNotFound when the run command does not exist.
     */
    public Uni<RunCommandSnapshot> get(MachineScope scope, String name) {
        return transactions.snapshot(() -> machines.requireParent(scope)
                .flatMap(machine -> commands.findByName(machine.id, name))
                .onItem().ifNull().failWith(() -> notFound(scope, name))
                .flatMap(command -> withExecutions(scope, List.of(command))))
                .map(snapshots -> snapshots.get(0));
    }

    /** One page of a machine's run commands by name; fails with 404 ParentResourceNotFound for an unknown machine. */
    public Uni<PageRequest.Page<RunCommandSnapshot>> list(MachineScope scope, PageRequest page) {
        return transactions.snapshot(() -> machines.requireParent(scope)
                .flatMap(machine -> commands.listByMachine(machine.id, page.after(), page.size() + 1))
                .flatMap(found -> withExecutions(scope, found)))
                .map(found -> page.page(found, PAGE_KIND, snapshot -> snapshot.command().name));
    }

    /** The run command with this id, or null when it no longer exists. */
    public Uni<RunCommandSnapshot> get(UUID id) {
        return transactions.snapshot(() -> commands.findById(id).flatMap(command -> command == null
                ? Uni.createFrom().nullItem()
                : machines.findById(command.machineId).flatMap(machine -> withExecutions(machine.scope(),
                        List.of(command))).map(snapshots -> snapshots.get(0))));
    }

    private Uni<List<RunCommandSnapshot>> withExecutions(MachineScope scope, List<RunCommandEntity> found) {
        List<UUID> ids = found.stream().map(c -> c.currentExecutionId).filter(Objects::nonNull).toList();
        return executions.findByIds(ids)
                .flatMap(rows -> tails.read(ids).map(tailsById -> found.stream()
                        .map(command -> snapshot(scope, command, byId(rows), tailsById))
                        .toList()));
    }

    private RunCommandSnapshot snapshot(MachineScope scope, RunCommandEntity command,
            Map<UUID, ExecutionEntity> executionsById, Map<UUID, OutputTail> tailsById) {
        UUID current = command.currentExecutionId;
        ExecutionEntity execution = current == null ? null : executionsById.get(current);
        OutputTail tail = current == null ? OutputTail.EMPTY : tailsById.getOrDefault(current, OutputTail.EMPTY);
        return new RunCommandSnapshot(scope, command, execution, tail, definitions.blobs(command));
    }

    private static Map<UUID, ExecutionEntity> byId(List<ExecutionEntity> rows) {
        return rows.stream().collect(Collectors.toMap(e -> e.id, Function.identity()));
    }

    /** 404 ResourceNotFound for a run command that does not exist. */
    static ArmException notFound(MachineScope scope, String name) {
        return ArmException.resourceNotFound("The Resource '" + MachineScope.TYPE + "/" + scope.machineName()
                + "/runCommands/" + name + "' under resource group '" + scope.resourceGroup() + "' was not found.");
    }
}
