package dev.runcmd.gateway.agent;

import dev.runcmd.gateway.store.ExecutionState;
import dev.runcmd.proto.agent.v1.ExitState;

/**
 * How an agent's ExitState maps onto the stored execution state and its default message.
 */
final class ExitStates {

    private ExitStates() {
    }

    /** The terminal state for an exit; an unspecified or unknown exit counts as Failed. */
    static ExecutionState toState(ExitState exit) {
        return switch (exit) {
            case SUCCEEDED -> ExecutionState.Succeeded;
            case TIMED_OUT -> ExecutionState.TimedOut;
            case CANCELED -> ExecutionState.Canceled;
            case FAILED, EXIT_STATE_UNSPECIFIED, UNRECOGNIZED -> ExecutionState.Failed;
        };
    }

    /** The message stored when the agent sent none. */
    static String defaultMessage(ExecutionState state) {
        return switch (state) {
            case Succeeded -> "Execution completed";
            case TimedOut -> "Execution timed out";
            case Canceled -> "Execution canceled";
            default -> "Execution failed";
        };
    }
}
