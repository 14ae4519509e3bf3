package dev.runcmd.gateway.store;

/**
 * How far each output stream of an execution is durably accounted for: stored, or (past the
 * output cap) counted as dropped. An Ack carries these offsets.
 *
 * @param stdoutBytes bytes of stdout accounted for, counted from the start of the stream
 * @param stderrBytes bytes of stderr accounted for, counted from the start of the stream
 */
public record StoredOffsets(long stdoutBytes, long stderrBytes) {
}
