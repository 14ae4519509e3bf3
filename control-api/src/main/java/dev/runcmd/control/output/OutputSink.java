package dev.runcmd.control.output;

import java.util.UUID;

/**
 * Where a follower delivers one execution's output. The order is: any number of {@code chunk}, {@code truncated}
 * and {@code keepalive} calls, then exactly one {@code end} or {@code fail}, then nothing.
 */
public interface OutputSink extends FollowSink {

    /** Bytes of one stream, starting at {@code offset}, exactly as stored. */
    void chunk(StdStream stream, long offset, byte[] data);

    /** The stream hit the output cap: {@code capBytes} of it are stored, the rest was dropped. */
    void truncated(StdStream stream, long capBytes);

    /** The last event: the execution's status; then the sink completes. */
    void end(UUID executionId, ExecutionStatus status);
}
