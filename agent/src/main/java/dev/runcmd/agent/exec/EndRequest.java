package dev.runcmd.agent.exec;

import dev.runcmd.proto.agent.v1.ExitState;

/**
 * Why the agent ends an execution before its script finishes, and how that is reported: the state
 * and message its Exited carries.
 *
 * @param state the Exited state to report
 * @param message the Exited message to report
 */
public record EndRequest(ExitState state, String message) {
    /** The gateway sent Cancel with {@code reason}. */
    public static EndRequest canceled(String reason) {
        return new EndRequest(ExitState.CANCELED, "Canceled: " + reason);
    }

    /** The Run's timeout of {@code seconds} passed. */
    public static EndRequest timedOut(long seconds) {
        return new EndRequest(ExitState.TIMED_OUT, "Execution timed out after " + seconds + " s");
    }

    /** The agent itself is shutting down. */
    public static EndRequest agentStopped() {
        return new EndRequest(ExitState.CANCELED, "agent stopped");
    }
}
