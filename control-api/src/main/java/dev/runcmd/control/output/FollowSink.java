package dev.runcmd.control.output;

/**
 * Where a follower delivers: a gRPC stream or an HTTP body. The follower calls every method except {@link #bind} on
 * its own Vert.x context, one call at a time, and delivers an event only while {@link #isReady()} is true; a sink
 * therefore never buffers more than the event it was just given. What an event is depends on what is followed
 * ({@link OutputSink} for one execution, a job's sink for a job's merged output).
 *
 * <p>The order is: any number of events and {@code keepalive} calls, then exactly one last event or {@code fail},
 * then nothing.
 */
public interface FollowSink {

    /**
     * Registers the follower's callbacks: {@code onReady} when the client can take more after {@link #isReady()}
     * said false, {@code onClosed} when the client went away. Both may run on any thread.
     */
    void bind(Runnable onReady, Runnable onClosed);

    /** True once the client went away; nothing more is delivered. */
    boolean isClosed();

    /** True when the client can take another event now. */
    boolean isReady();

    /** Nothing happened for a while; a sink that needs traffic to stay open sends some. */
    void keepalive();

    /** Ends the delivery with an error instead of the last event, even when the sink is not ready. */
    void fail(FollowFailure failure);
}
