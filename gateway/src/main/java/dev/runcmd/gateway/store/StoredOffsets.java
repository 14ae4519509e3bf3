package dev.runcmd.gateway.store;

/**
 * How many bytes of each output stream of an execution are durably stored.
 *
 * @param stdoutBytes bytes of stdout stored, counted from the start of the stream
 * @param stderrBytes bytes of stderr stored, counted from the start of the stream
 */
public record StoredOffsets(long stdoutBytes, long stderrBytes) {
}
