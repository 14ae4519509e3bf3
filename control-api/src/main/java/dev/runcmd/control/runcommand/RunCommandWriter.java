package dev.runcmd.control.runcommand;

import dev.runcmd.control.dispatch.CancelOrder;
import dev.runcmd.control.machine.MachineEntity;
import dev.runcmd.control.machine.MachineRepository;
import dev.runcmd.control.machine.MachineScope;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

/**
 * The two writes of the resource model, each one reactive transaction: PUT (create or replace a run command and
 * start a new execution) and DELETE. Nothing here talks to a gateway; the outcomes say what to send once the
 * transaction has committed.
 *
 * <p>The run command row is locked first and its current execution row second, so concurrent PUTs and DELETEs of
 * one run command run one after the other and no gateway moves the old execution while it is being superseded.
 */
@ApplicationScoped
public class RunCommandWriter {

    /** The message of a Pending execution that a PUT replaced before any agent got it. */
    static final String SUPERSEDED = "Canceled: replaced by an update before it was delivered";

    /** The message of a Pending execution canceled before any agent got it. */
    static final String CANCELED_PENDING = "Canceled before it started";

    private final MachineRepository machines;
    private final RunCommandRepository commands;
    private final ExecutionRepository executions;

    RunCommandWriter(MachineRepository machines, RunCommandRepository commands, ExecutionRepository executions) {
        this.machines = machines;
        this.commands = commands;
        this.executions = executions;
    }

    /**
     * Creates or replaces the run command and inserts its new Pending execution. Fails with 404
     * ParentResourceNotFound when the machine never registered; then nothing is written.
     */
    public Uni<PutOutcome> put(MachineScope scope, String name, RunCommandRequest request) {
        return Panache.withTransaction(() -> machines.requireParent(scope)
                .flatMap(machine -> commands.lockByName(machine.id, name)
                        .flatMap(existing -> existing == null
                                ? create(scope, machine, name, request)
                                : replace(scope, existing, request))));
    }

    /** Deletes the run command with its executions and output (by cascade); absent is not an error. */
    public Uni<DeleteOutcome> delete(MachineScope scope, String name) {
        return Panache.withTransaction(() -> machines.findByScope(scope)
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
        return Panache.withTransaction(() -> machines.requireParent(scope)
                .flatMap(machine -> commands.lockByName(machine.id, name))
                .onItem().ifNull().failWith(() -> RunCommandReader.notFound(scope, name))
                .flatMap(command -> cancelCurrent(scope, command)));
    }

    private Uni<CancelOutcome> cancelCurrent(MachineScope scope, RunCommandEntity command) {
        UUID current = command.currentExecutionId;
        if (current == null) {
            return Uni.createFrom().item(new CancelOutcome(false, "the run command has no execution",
                    ExecutionState.AZURE_UNKNOWN, Optional.empty()));
        }
        return executions.lockState(current).flatMap(state -> {
            if (state == ExecutionState.PENDING) {
                command.provisioningState = ProvisioningState.CANCELED.stored();
                return executions.cancelIfPending(current, CANCELED_PENDING, now()).replaceWith(new CancelOutcome(
                        true, "", ExecutionState.CANCELED.azure(), Optional.empty()));
            }
            if (state != null && state.isOnAgent()) {
                CancelOrder order = new CancelOrder(scope, command.machineId, current, "canceled");
                return Uni.createFrom().item(new CancelOutcome(true, "", state.azure(), Optional.of(order)));
            }
            String shown = state == null ? ExecutionState.AZURE_UNKNOWN : state.azure();
            return Uni.createFrom().item(new CancelOutcome(false, "the execution already ended: " + shown, shown,
                    Optional.empty()));
        });
    }

    private Uni<PutOutcome> create(MachineScope scope, MachineEntity machine, String name,
            RunCommandRequest request) {
        OffsetDateTime now = now();
        RunCommandEntity command = new RunCommandEntity();
        command.id = UUID.randomUUID();
        command.machineId = machine.id;
        command.name = name;
        command.createdAt = now;
        ExecutionEntity execution = define(command, request, ProvisioningState.CREATING, now);
        return commands.persist(command)
                .chain(() -> executions.persist(execution))
                .map(ignored -> outcome(true, scope, command, execution, Optional.empty()));
    }

    private Uni<PutOutcome> replace(MachineScope scope, RunCommandEntity command, RunCommandRequest request) {
        return stopCurrent(scope, command, "updated", true).flatMap(cancel -> {
            ExecutionEntity execution = define(command, request, ProvisioningState.UPDATING, now());
            return executions.persist(execution)
                    .map(ignored -> outcome(false, scope, command, execution, cancel));
        });
    }

    private Uni<DeleteOutcome> remove(MachineScope scope, RunCommandEntity command) {
        return stopCurrent(scope, command, "deleted", false)
                .flatMap(cancel -> commands.delete(command).replaceWith(new DeleteOutcome(true, cancel)));
    }

    /**
     * Decides how to stop the current execution: one no agent holds yet is canceled in the database (when asked
     * to; a delete removes it anyway), one an agent may hold needs a Cancel after the commit.
     */
    private Uni<Optional<CancelOrder>> stopCurrent(MachineScope scope, RunCommandEntity command, String reason,
            boolean cancelPending) {
        UUID current = command.currentExecutionId;
        if (current == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return executions.lockState(current).flatMap(state -> {
            if (state == ExecutionState.PENDING && cancelPending) {
                return executions.cancelIfPending(current, SUPERSEDED, now()).replaceWith(Optional.empty());
            }
            boolean onAgent = state != null && state.isOnAgent();
            return Uni.createFrom().item(onAgent
                    ? Optional.of(new CancelOrder(scope, command.machineId, current, reason))
                    : Optional.empty());
        });
    }

    /** Copies the request into the run command and returns its new execution, already made current. */
    private static ExecutionEntity define(RunCommandEntity command, RunCommandRequest request,
            ProvisioningState state, OffsetDateTime now) {
        command.location = request.location();
        command.tagsJson = JsonColumns.writeTags(request.tags());
        command.script = request.script();
        command.parametersJson = JsonColumns.writeParameters(request.parameters());
        command.protectedParametersJson = JsonColumns.writeParameters(request.protectedParameters());
        command.asyncExecution = request.asyncExecution();
        command.timeoutSeconds = request.timeoutSeconds();
        command.provisioningState = state.stored();
        command.updatedAt = now;
        ExecutionEntity execution = NewExecution.of(command, now);
        command.currentExecutionId = execution.id;
        return execution;
    }

    private static PutOutcome outcome(boolean created, MachineScope scope, RunCommandEntity command,
            ExecutionEntity execution, Optional<CancelOrder> cancel) {
        RunCommandSnapshot snapshot = new RunCommandSnapshot(scope, command, execution, OutputTail.EMPTY);
        return new PutOutcome(created, snapshot, command.machineId, cancel);
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
