package dev.runcmd.control.runcommand;

import dev.runcmd.control.machine.MachineRepository;
import dev.runcmd.control.machine.MachineScope;
import dev.runcmd.control.operation.OperationRepository;
import dev.runcmd.control.store.Transactions;
import dev.runcmd.state.ExecutionState;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The writes that stop a run command, each one reactive transaction: DELETE and cancel. Both end the executions
 * waiting for the stopped one in the same transaction ({@link ExecutionStopper}); an agent that may be running it
 * gets a Cancel after the commit, as the outcome says.
 */
@ApplicationScoped
public class RunCommandStopper {

    /** The message of a Pending execution canceled before any agent got it. */
    static final String CANCELED_PENDING = "Canceled before it started";

    private final Transactions transactions;
    private final MachineRepository machines;
    private final RunCommandRepository commands;
    private final OperationRepository operations;
    private final ExecutionStopper stopper;

    RunCommandStopper(Transactions transactions, MachineRepository machines, RunCommandRepository commands,
            OperationRepository operations, ExecutionStopper stopper) {
        this.transactions = transactions;
        this.machines = machines;
        this.commands = commands;
        this.operations = operations;
        this.stopper = stopper;
    }

    /**
     * Deletes the run command with its executions and output (by cascade) and records the DELETE's operation;
     * absent is not an error.
     */
    public Uni<DeleteOutcome> delete(MachineScope scope, String name) {
        return transactions.write(() -> machines.findByScope(scope)
                .flatMap(machine -> machine == null
                        ? Uni.createFrom().item(DeleteOutcome.ABSENT)
                        : commands.lockByName(machine.id, name).flatMap(command -> command == null
                                ? Uni.createFrom().item(DeleteOutcome.ABSENT)
                                : remove(scope, command))));
    }

    /**
     * Stops the run command's current execution: a Pending one is marked Canceled here (and the run command's
     * provisioning with it); one an agent may be running gets a Cancel after the commit; an ended one is left as
     * it is. Fails with 404 ParentResourceNotFound or ResourceNotFound.
     */
    public Uni<CancelOutcome> cancel(MachineScope scope, String name) {
        return transactions.write(() -> machines.requireParent(scope)
                .flatMap(machine -> commands.lockByName(machine.id, name))
                .onItem().ifNull().failWith(() -> RunCommandReader.notFound(scope, name))
                .flatMap(command -> stopper.stop(scope, command, "canceled", CANCELED_PENDING)
                        .map(stop -> outcome(command, stop))));
    }

    private Uni<DeleteOutcome> remove(MachineScope scope, RunCommandEntity command) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return stopper.stop(scope, command, "deleted", null)
                .flatMap(stop -> operations.recordDelete(scope.runCommandId(command.name), command.id,
                        command.currentExecutionId, command.location, now)
                        .flatMap(operationId -> commands.delete(command)
                                .replaceWith(new DeleteOutcome(true, stop.cancel(), operationId, command.location))));
    }

    private static CancelOutcome outcome(RunCommandEntity command, ExecutionStopper.Stop stop) {
        ExecutionState before = stop.before();
        if (before == null) {
            return new CancelOutcome(false, "the run command has no execution", ExecutionState.AZURE_UNKNOWN,
                    Optional.empty());
        }
        if (before == ExecutionState.PENDING) {
            command.provisioningState = ProvisioningState.CANCELED.stored();
            return new CancelOutcome(true, "", ExecutionState.CANCELED.azure(), Optional.empty());
        }
        if (before.isOnAgent()) {
            return new CancelOutcome(true, "", before.azure(), stop.cancel());
        }
        return new CancelOutcome(false, "the execution already ended: " + before.azure(), before.azure(),
                Optional.empty());
    }
}
