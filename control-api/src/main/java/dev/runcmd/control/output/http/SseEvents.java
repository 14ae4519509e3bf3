package dev.runcmd.control.output.http;

/**
 * The JSON {@code data} of the Server-Sent Events of the output endpoints (a run command's, a job's); the member
 * order is the wire order.
 */
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

    /**
     * Event {@code output} of a job's merged output.
     *
     * @param machine the target machine
     * @param stream {@code stdout} or {@code stderr}
     * @param offset the byte offset of the first byte of {@code text} in its stream
     * @param text the bytes as UTF-8 text
     */
    record JobOutput(String machine, String stream, long offset, String text) {
    }

    /**
     * Event {@code end} of a job's merged output: one target's execution ended.
     *
     * @param machine the target machine
     * @param executionState its terminal state
     * @param exitCode its exit code, 0 when there is none
     * @param message its message
     */
    record JobEnd(String machine, String executionState, int exitCode, String message) {
    }

    /**
     * Event {@code done}, the last of a job's merged output.
     *
     * @param provisioningState the job's state: Running only when not following
     */
    record JobDone(String provisioningState) {
    }
}
