package dev.runcmd.gateway.agent;

import dev.runcmd.proto.agent.v1.ExitState;
import dev.runcmd.state.ExecutionState;

/**
 * How an agent's ExitState maps onto the stored execution state and its default message.
 */
final class ExitStates {

    private ExitStates() {
    }

    /** The terminal state for an exit; an unspecified or unknown exit counts as Failed. */
    static ExecutionState toState(ExitState exit) {
        return switch (exit) {
            case SUCCEEDED -> ExecutionState.SUCCEEDED;
            case TIMED_OUT -> ExecutionState.TIMED_OUT;
            case CANCELED -> ExecutionState.CANCELED;
            case FAILED, EXIT_STATE_UNSPECIFIED, UNRECOGNIZED -> ExecutionState.FAILED;
        };
    }

    /** The message stored when the agent sent none. */
    static String defaultMessage(ExecutionState state) {
        return switch (state) {
            case SUCCEEDED -> "Execution completed";
            case TIMED_OUT -> "Execution timed out";
            case CANCELED -> "Execution canceled";
            default -> "Execution failed";
        };
    }
}
