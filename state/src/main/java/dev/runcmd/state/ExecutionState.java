package dev.runcmd.state;

/**
 * The lifecycle of one execution (column {@code execution.state}); see DESIGN.md, "Execution states". The one
 * enum of it: control-api and the gateway both read and write through it, and the statements that move an
 * execution between states live beside it in this package.
 *
 * <p>Pending may go to Dispatched, Running, Failed or Canceled; Dispatched back to Pending (requeued before the
 * agent accepted it), to Running, or to any terminal state; Running to any terminal state. Terminal states never
 * change again.
 */
public enum ExecutionState {

    /** Persisted, not yet handed to an agent; waits for the machine to be connected (and its dependencies). */
    PENDING("Pending", "Pending"),
    /** Claimed by a gateway session and sent (or about to be sent) to the agent as Run; not started yet. */
    DISPATCHED("Dispatched", "Pending"),
    /** The agent reported that the script's process started. */
    RUNNING("Running", "Running"),
    /** The script exited with code 0. */
    SUCCEEDED("Succeeded", "Succeeded"),
    /** The script exited with a non-zero code, could not start, was rejected, or was lost with its agent. */
    FAILED("Failed", "Failed"),
    /** The script ran past its timeout and the agent ended it. */
    TIMED_OUT("TimedOut", "TimedOut"),
    /** Stopped by cancel, delete or update, possibly before it was ever delivered, or by a dependency's end. */
    CANCELED("Canceled", "Canceled");

    /** What Azure shows when a run command has no execution at all. */
    public static final String AZURE_UNKNOWN = "Unknown";

    private final String stored;
    private final String azure;

    ExecutionState(String stored, String azure) {
        this.stored = stored;
        this.azure = azure;
    }

    /** The value in the {@code execution.state} column. */
    public String stored() {
        return stored;
    }

    /** The value of Azure's {@code instanceView.executionState}; Dispatched shows as Pending. */
    public String azure() {
        return azure;
    }

    /** True once the state can no longer change. */
    public boolean isTerminal() {
        return this != PENDING && this != DISPATCHED && this != RUNNING;
    }

    /** True when an agent may hold the execution, so stopping it needs a Cancel sent to the agent. */
    public boolean isOnAgent() {
        return this == DISPATCHED || this == RUNNING;
    }

    /** Parses a stored value; an unknown value is a schema fault and throws IllegalStateException. */
    public static ExecutionState fromStored(String value) {
        for (ExecutionState state : values()) {
            if (state.stored.equals(value)) {
                return state;
            }
        }
        throw new IllegalStateException("Unknown execution state in the database: " + value);
    }
}
