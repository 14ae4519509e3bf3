package dev.runcmd.agent.transport;

import dev.runcmd.proto.agent.v1.Ack;
import dev.runcmd.proto.agent.v1.AgentMessage;

/**
 * The progress of one execution as the stream should carry it: Started, then Output chunks in offset
 * order per stream, then Exited. The {@link OutboundQueue} pulls from it when the stream can take a
 * message, so nothing waits in memory: what is not sent yet stays where it is (the output files).
 *
 * <p>Contract: {@link #next} returns the next message not yet handed out on the stream of
 * {@code generation}, or null when there is none now (the source is woken through
 * {@link Outbox#wake} when that changes). {@link #rewind} starts a new stream: everything not
 * acknowledged is handed out again, in order. A message is produced only while the generation the
 * caller passes equals the one of the last rewind, so a rewind racing with {@code next} never leaves a
 * gap. Output data per message is at most the {@code room} the caller passes.
 *
 * <p>Threading: every method may be called from any thread; implementations serialize them.
 */
public interface ProgressSource {
    /** The execution id this source reports on. */
    String executionId();

    /** The next message for the stream of {@code generation}, with at most {@code room} bytes of data; or null. */
    AgentMessage next(long room, long generation);

    /** A new stream of {@code generation} opened: hand out everything unacknowledged again. */
    void rewind(long generation);

    /**
     * The gateway stored progress up to {@code ack}. Returns how many Output bytes that were handed out
     * on the current stream are now acknowledged (they leave the in-flight window).
     */
    long acknowledge(Ack ack);
}
