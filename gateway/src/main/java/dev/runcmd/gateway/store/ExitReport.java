package dev.runcmd.gateway.store;

import dev.runcmd.state.ExecutionState;

/**
 * How an agent says an execution ended.
 *
 * @param state the terminal state
 * @param exitCode the process exit code
 * @param message the execution's message, before any note about truncated output
 * @param stdoutBytes the total bytes the script wrote to stdout
 * @param stderrBytes the total bytes the script wrote to stderr
 */
public record ExitReport(ExecutionState state, int exitCode, String message, long stdoutBytes, long stderrBytes) {
}
