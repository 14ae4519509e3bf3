package dev.runcmd.control.runcommand;

import dev.runcmd.control.machine.MachineScope;
import dev.runcmd.state.ExecutionState;

/**
 * Everything a view of one run command needs, read together: the stored definition, its current execution and
 * that execution's output tail. The entities are detached; read their fields only.
 *
 * @param scope the machine it belongs to
 * @param command the stored run command
 * @param execution its current execution, or null when it has none
 * @param tail the output tail of that execution
 * @param blobs the run command's blob URLs, opened (the entity holds them sealed)
 */
public record RunCommandSnapshot(MachineScope scope, RunCommandEntity command, ExecutionEntity execution,
        OutputTail tail, OutputBlobs blobs) {

    /** Azure's executionState: the mapped execution state, or Unknown without an execution. */
    public String executionState() {
        return execution == null ? ExecutionState.AZURE_UNKNOWN : execution.executionState().azure();
    }

    /** The execution's message, empty without an execution. */
    public String executionMessage() {
        return execution == null ? "" : execution.message;
    }

    /** The stored exit code, 0 until there is one (as Azure shows it). */
    public int exitCode() {
        return execution == null || execution.exitCode == null ? 0 : execution.exitCode;
    }
}
