package dev.runcmd.agent.transport;

import dev.runcmd.proto.agent.v1.Ack;
import dev.runcmd.proto.agent.v1.AgentMessage;

/**
 * Where producers (output pumps, the execution lifecycle, the heartbeat timer) leave messages for
 * the gateway. Messages leave in the order they were put, on whichever stream is open at the time;
 * while no stream is open they wait.
 *
 * <p>This is the seam for the at-least-once contract: the bounded in-memory {@link OutboundQueue}
 * keeps every written Started, Output and Exited until {@link #acknowledge(Ack)} releases it, and
 * replays what is unacknowledged on the next stream. A disk spool (surviving an agent restart) would
 * implement this same interface.
 */
public interface Outbox {
    /**
     * Adds a message, blocking while the outbox is full. This is the back-pressure path: a pump
     * blocked here stops reading its pipe, so the script blocks on write.
     *
     * @throws InterruptedException when the agent is stopping
     */
    void put(AgentMessage message) throws InterruptedException;

    /** Adds a message if there is room now; returns false (dropping it) otherwise. */
    boolean offer(AgentMessage message);

    /** The gateway stored the execution's progress up to the offsets in {@code ack}. */
    void acknowledge(Ack ack);
}
