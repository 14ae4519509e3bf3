package dev.runcmd.control.runcommand;

import dev.runcmd.control.dispatch.CancelOrder;
import dev.runcmd.control.machine.MachineScope;
import dev.runcmd.state.ExecutionState;
import dev.runcmd.state.LockOrder;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Stops a run command's current execution inside the caller's transaction, which already holds the run command's
 * row lock: the execution's row is locked next ({@link LockOrder}), the executions waiting for it are canceled
 * (transitively), a Pending one is marked Canceled here, and one an agent may hold yields a Cancel to send after the
 * commit. An execution that already ended is left alone.
 */
@ApplicationScoped
class ExecutionStopper {

    /**
     * What stopping found and decided.
     *
     * @param before the execution's state before, or null when the run command had no execution
     * @param cancel a Cancel for the agent when one may be running the execution
     */
    record Stop(ExecutionState before, Optional<CancelOrder> cancel) {

        static final Stop NOTHING = new Stop(null, Optional.empty());
    }

    private final ExecutionRepository executions;
    private final DependentCancellation dependents;

    ExecutionStopper(ExecutionRepository executions, DependentCancellation dependents) {
        this.executions = executions;
        this.dependents = dependents;
    }

    /**
     * Stops the current execution.
     *
     * @param reason the Cancel's reason for an agent ("updated", "deleted", "canceled")
     * @param pendingMessage the message of a Pending execution marked Canceled, or null to leave a Pending one as
     *     it is (a delete removes it anyway)
     */
    Uni<Stop> stop(MachineScope scope, RunCommandEntity command, String reason, String pendingMessage) {
        UUID current = command.currentExecutionId;
        if (current == null) {
            return Uni.createFrom().item(Stop.NOTHING);
        }
        return executions.lockState(current).flatMap(state -> {
            if (state == null || state.isTerminal()) {
                return Uni.createFrom().item(new Stop(state, Optional.empty()));
            }
            return dependents.cancelDependents(List.of(current), command.name)
                    .chain(() -> state == ExecutionState.PENDING && pendingMessage != null
                            ? executions.cancelIfPending(current, pendingMessage)
                            : Uni.createFrom().item(false))
                    .map(ignored -> new Stop(state, state.isOnAgent()
                            ? Optional.of(new CancelOrder(scope, command.machineId, current, reason))
                            : Optional.empty()));
        });
    }
}
