package dev.runcmd.agent.transport;

import dev.runcmd.proto.agent.v1.Ack;
import dev.runcmd.proto.agent.v1.AgentMessage;

/**
 * Where the agent leaves messages for the gateway. Two kinds: small control messages (Accepted,
 * Rejected, Heartbeat) are queued with {@link #put}/{@link #offer} and written once, in order; the
 * progress of an execution (Started, Output, Exited) is pulled from its registered
 * {@link ProgressSource} whenever the stream can take a message, and replayed from the last
 * acknowledged point after a new stream opens. A control message queued before a source is
 * registered is written before anything of that source.
 */
public interface Outbox {
    /**
     * Queues a control message, blocking while the control queue is full.
     *
     * @throws InterruptedException when the agent is stopping
     * @throws IllegalArgumentException for Started, Output or Exited, which come from sources
     */
    void put(AgentMessage message) throws InterruptedException;

    /** Queues a control message if there is room now; returns false (dropping it) otherwise. */
    boolean offer(AgentMessage message);

    /** Adds the progress of one execution; it is pulled from now on. */
    void register(ProgressSource source);

    /** Removes the progress of {@code executionId} (it was acknowledged to the end, or given up). */
    void unregister(String executionId);

    /** Tells the outbox that {@code source} may have something new to send. Cheap; any thread. */
    void wake(ProgressSource source);

    /** The gateway stored the execution's progress up to the offsets in {@code ack}. */
    void acknowledge(Ack ack);
}
