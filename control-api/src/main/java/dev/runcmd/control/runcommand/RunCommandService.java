package dev.runcmd.control.runcommand;

import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.dispatch.Dispatcher;
import dev.runcmd.control.machine.MachineScope;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Runs the writes and, once they have committed, tells the gateways: the contract that a command is persisted
 * before it is dispatched lives here. The returned Uni completes with the commit; the gateway calls happen in
 * the background.
 */
@ApplicationScoped
public class RunCommandService {

    private final RunCommandWriter writer;
    private final Dispatcher dispatcher;

    RunCommandService(RunCommandWriter writer, Dispatcher dispatcher) {
        this.writer = writer;
        this.dispatcher = dispatcher;
    }

    /**
     * Creates or replaces a run command and starts its new execution. Two PUTs creating the same new run command
     * at once collide on its unique name; the loser is retried once, which then replaces the winner's, and only a
     * second collision is answered with 409 Conflict.
     */
    public Uni<PutOutcome> put(MachineScope scope, String name, RunCommandRequest request) {
        return Uni.createFrom().deferred(() -> writer.put(scope, name, request))
                .onFailure(UniqueViolation::matches).retry().atMost(1)
                .onFailure(UniqueViolation::matches).transform(e -> ArmException.conflict(
                        "The run command '" + name + "' was changed concurrently; retry the request."))
                .invoke(outcome -> {
                    outcome.cancel().ifPresent(dispatcher::cancel);
                    dispatcher.dispatch(scope, outcome.machineId());
                });
    }

    /** Deletes a run command; an execution an agent may be running is canceled after the commit. */
    public Uni<DeleteOutcome> delete(MachineScope scope, String name) {
        return writer.delete(scope, name).invoke(outcome -> outcome.cancel().ifPresent(dispatcher::cancel));
    }

    /** Cancels the run command's current execution; an agent that may be running it gets a Cancel after the commit. */
    public Uni<CancelOutcome> cancel(MachineScope scope, String name) {
        return writer.cancel(scope, name).invoke(outcome -> outcome.cancel().ifPresent(dispatcher::cancel));
    }
}
