package dev.runcmd.control.job;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One target of a job as {@code GET …/runCommandJobs/{name}/targets} lists it.
 *
 * @param machine the machine's name
 * @param runCommandId the ARM id of the job's run command on it
 * @param executionState Pending (not started yet, or waiting for the machine), Running, Succeeded, Failed,
 *     TimedOut or Canceled; Canceled too when the run command was deleted or replaced by hand
 * @param executionMessage the execution's message
 * @param exitCode the script's exit code, absent until it exited
 * @param startTime when the script started, absent before
 * @param endTime when it ended, absent before
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetView(String machine, String runCommandId, String executionState, String executionMessage,
        Integer exitCode, String startTime, String endTime) {
}
