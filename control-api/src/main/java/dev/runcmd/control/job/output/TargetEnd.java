package dev.runcmd.control.job.output;

/**
 * One target's execution ended, and all its output was delivered before this.
 *
 * @param machine the target machine's name
 * @param executionState Succeeded, Failed, TimedOut or Canceled (Azure's names)
 * @param exitCode the exit code, 0 when there is none
 * @param message the execution's message
 */
public record TargetEnd(String machine, String executionState, int exitCode, String message) {
}
