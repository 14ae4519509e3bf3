package dev.runcmd.control.runcommand;

import dev.runcmd.control.arm.ArmTime;

/**
 * One run of a run command in its history ({@code GET .../runCommands/{name}/executions}), a runcmd addition.
 *
 * @param executionId the execution's id (usable as {@code executionId} of the output endpoint)
 * @param executionState Pending, Running, Succeeded, Failed, TimedOut or Canceled
 * @param executionMessage the execution's message
 * @param exitCode the script's exit code, or null when it has none (yet)
 * @param startTime when the script started, or null
 * @param endTime when it ended, or null
 * @param createdTime when the execution was created (the PUT or PATCH that started it)
 */
public record ExecutionView(String executionId, String executionState, String executionMessage, Integer exitCode,
        String startTime, String endTime, String createdTime) {

    /** The view of a stored execution. */
    public static ExecutionView of(ExecutionEntity execution) {
        return new ExecutionView(execution.id.toString(), execution.executionState().azure(), execution.message,
                execution.exitCode, ArmTime.format(execution.startTime), ArmTime.format(execution.endTime),
                ArmTime.format(execution.createdAt));
    }
}
