package dev.runcmd.gateway.store;

/**
 * The lifecycle of an execution as stored in {@code execution.state}; the enum names are the
 * stored values.
 */
public enum ExecutionState {
    /** Persisted, waiting to be delivered to the machine's agent. */
    Pending,
    /** Claimed by a gateway session and sent (or about to be sent) to the agent as Run. */
    Dispatched,
    /** The agent reported that the script's process started. */
    Running,
    /** The script exited with code 0. */
    Succeeded,
    /** The script exited with a non-zero code, could not start, or the agent rejected it. */
    Failed,
    /** The agent ended the script because its timeout passed. */
    TimedOut,
    /** The agent ended the script because of a Cancel. */
    Canceled;

    /** True for the states an execution never leaves. */
    public boolean isTerminal() {
        return this == Succeeded || this == Failed || this == TimedOut || this == Canceled;
    }
}
