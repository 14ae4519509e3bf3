package dev.runcmd.control.runcommand;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.dispatch.Dispatcher;
import dev.runcmd.control.machine.MachineScope;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.UnaryOperator;

/**
 * Runs the writes and, once they have committed, tells the gateways: the contract that a command is persisted
 * before it is dispatched lives here. The returned Uni completes with the commit; the gateway calls happen in
 * the background. A write that loses a race with a concurrent one is answered with 409 Conflict.
 */
@ApplicationScoped
public class RunCommandService {

    private final RunCommandWriter writer;
    private final RunCommandStopper stopper;
    private final Dispatcher dispatcher;

    RunCommandService(RunCommandWriter writer, RunCommandStopper stopper, Dispatcher dispatcher) {
        this.writer = writer;
        this.stopper = stopper;
        this.dispatcher = dispatcher;
    }

    /**
     * Creates or replaces a run command and starts its new execution. Two PUTs creating the same new run command
     * at once collide on its unique name; the loser is retried once, which then replaces the winner's, and only a
     * second collision is answered with 409 Conflict.
     */
    public Uni<PutOutcome> put(MachineScope scope, String name, RunCommandRequest request, Author author) {
        return Uni.createFrom().deferred(() -> writer.put(scope, name, request, author))
                .onFailure(WriteConflicts::isUniqueViolation).retry().atMost(1)
                .onFailure(WriteConflicts::isUniqueViolation).transform(e -> conflict(name))
                .onFailure(WriteConflicts::isDeadlock).transform(e -> conflict(name))
                .invoke(outcome -> afterDefine(scope, outcome));
    }

    /** Merges a PATCH into the stored run command and starts its new execution, like a replacing PUT. */
    public Uni<PutOutcome> patch(MachineScope scope, String name, ObjectNode patch, Author author) {
        return update(scope, name, stored -> MergePatch.apply(stored, patch), author);
    }

    /**
     * Edits the stored run command's definition (as a PUT body; see {@link RunCommandWriter#update}) and starts
     * its new execution, like a replacing PUT: gRPC's UpdateRunCommand.
     */
    public Uni<PutOutcome> update(MachineScope scope, String name, UnaryOperator<ObjectNode> edit, Author author) {
        return writer.update(scope, name, edit, author)
                .onFailure(WriteConflicts::isDeadlock).transform(e -> conflict(name))
                .invoke(outcome -> afterDefine(scope, outcome));
    }

    /** Deletes a run command; an execution an agent may be running is canceled after the commit. */
    public Uni<DeleteOutcome> delete(MachineScope scope, String name) {
        return stopper.delete(scope, name)
                .onFailure(WriteConflicts::isDeadlock).transform(e -> conflict(name))
                .invoke(outcome -> outcome.cancel().ifPresent(dispatcher::cancel));
    }

    /** Cancels the run command's current execution; an agent that may be running it gets a Cancel after the commit. */
    public Uni<CancelOutcome> cancel(MachineScope scope, String name) {
        return stopper.cancel(scope, name)
                .onFailure(WriteConflicts::isDeadlock).transform(e -> conflict(name))
                .invoke(outcome -> outcome.cancel().ifPresent(dispatcher::cancel));
    }

    /**
     * 409 Conflict: a concurrent write of the same run command (or a gateway ending one of the executions
     * involved) won; nothing of this request was written.
     */
    private static ArmException conflict(String name) {
        return ArmException.conflict("The run command '" + name + "' was changed concurrently; retry the request.");
    }

    private void afterDefine(MachineScope scope, PutOutcome outcome) {
        outcome.cancel().ifPresent(dispatcher::cancel);
        dispatcher.dispatch(scope, outcome.machineId());
    }
}
