package dev.runcmd.control.output.http;

/** The JSON {@code data} of the Server-Sent Events of the output endpoint; the member order is the wire order. */
final class SseEvents {

    private SseEvents() {
    }

    /**
     * Event {@code stdout} or {@code stderr}.
     *
     * @param stream {@code stdout} or {@code stderr}
     * @param offset the byte offset of the first byte of {@code data} in its stream
     * @param data the bytes as text (encoding utf8) or as base64 (encoding base64)
     */
    record Output(String stream, long offset, String data) {
    }

    /**
     * Event {@code truncated}.
     *
     * @param stream the stream that hit the cap
     * @param capBytes the cap: that many bytes of the stream are stored
     */
    record Truncated(String stream, long capBytes) {
    }

    /**
     * Event {@code end}, the last one.
     *
     * @param executionId the execution read
     * @param executionState its state (terminal when following)
     * @param exitCode its exit code, 0 until there is one
     * @param executionMessage its message
     * @param stdoutBytes bytes the script wrote to stdout (stored plus dropped past the cap)
     * @param stderrBytes bytes the script wrote to stderr
     */
    record End(String executionId, String executionState, int exitCode, String executionMessage, long stdoutBytes,
            long stderrBytes) {
    }

    /**
     * Event {@code error}, sent instead of {@code end} when the output cannot be read to its end.
     *
     * @param code an ARM-style error code
     * @param message a sentence for a human
     */
    record Error(String code, String message) {
    }
}
