package dev.runcmd.control.output;

import java.util.UUID;

/**
 * Where a follower delivers one execution's output: a gRPC stream or an HTTP body. The follower calls every
 * method except {@link #bind} on its own Vert.x context, one call at a time, and delivers an event only while
 * {@link #isReady()} is true; a sink therefore never buffers more than the event it was just given.
 *
 * <p>The order is: any number of {@code chunk}, {@code truncated} and {@code keepalive} calls, then exactly one
 * {@code end} or {@code fail}, then nothing.
 */
public interface OutputSink {

    /**
     * Registers the follower's callbacks: {@code onReady} when the client can take more after {@link #isReady()}
     * said false, {@code onClosed} when the client went away. Both may run on any thread.
     */
    void bind(Runnable onReady, Runnable onClosed);

    /** True once the client went away; nothing more is delivered. */
    boolean isClosed();

    /** True when the client can take another event now. */
    boolean isReady();

    /** Bytes of one stream, starting at {@code offset}, exactly as stored. */
    void chunk(StdStream stream, long offset, byte[] data);

    /** The stream hit the output cap: {@code capBytes} of it are stored, the rest was dropped. */
    void truncated(StdStream stream, long capBytes);

    /** Nothing happened for a while; a sink that needs traffic to stay open sends some. */
    void keepalive();

    /** The last event: the execution's status; then the sink completes. */
    void end(UUID executionId, ExecutionStatus status);

    /** Ends the delivery with an error instead of the end event, even when the sink is not ready. */
    void fail(FollowFailure failure);
}
