package dev.runcmd.control.output;

import dev.runcmd.state.ExecutionState;
import io.vertx.mutiny.sqlclient.Row;

/**
 * What a reader of output needs to know about its execution, read from the {@code execution} row.
 *
 * @param state the stored state
 * @param exitCode the exit code, or null until there is one
 * @param message the execution's message
 * @param stdoutBytes bytes of stdout stored
 * @param stderrBytes bytes of stderr stored
 * @param stdoutDropped bytes of stdout written past the output cap and not stored
 * @param stderrDropped bytes of stderr written past the output cap and not stored
 * @param capBytes the output cap per stream, or null when none was recorded
 */
public record ExecutionStatus(ExecutionState state, Integer exitCode, String message, long stdoutBytes,
        long stderrBytes, long stdoutDropped, long stderrDropped, Long capBytes) {

    /** Bytes of the stream that are stored. */
    public long storedBytes(StdStream stream) {
        return stream == StdStream.STDOUT ? stdoutBytes : stderrBytes;
    }

    /** Bytes of the stream that were written past the cap and not stored. */
    public long droppedBytes(StdStream stream) {
        return stream == StdStream.STDOUT ? stdoutDropped : stderrDropped;
    }

    /** Bytes the script wrote to the stream: the stored ones plus the dropped ones. */
    public long writtenBytes(StdStream stream) {
        return storedBytes(stream) + droppedBytes(stream);
    }

    /** True when bytes of the stream were dropped past the cap. */
    public boolean isTruncated(StdStream stream) {
        return droppedBytes(stream) > 0;
    }

    /** The cap a truncated stream hit: the recorded cap, or the stored bytes when none was recorded. */
    public long capOf(StdStream stream) {
        return capBytes != null ? capBytes : storedBytes(stream);
    }

    /** The exit code as shown: 0 until there is one. */
    public int shownExitCode() {
        return exitCode == null ? 0 : exitCode;
    }

    /** Reads the status from a row with the columns of {@code execution} under their own names. */
    public static ExecutionStatus fromRow(Row row) {
        return new ExecutionStatus(ExecutionState.fromStored(row.getString("state")), row.getInteger("exit_code"),
                row.getString("message"), row.getLong("stdout_bytes"), row.getLong("stderr_bytes"),
                row.getLong("stdout_dropped"), row.getLong("stderr_dropped"), row.getLong("output_cap_bytes"));
    }
}
