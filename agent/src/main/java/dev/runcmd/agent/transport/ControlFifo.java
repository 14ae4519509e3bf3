package dev.runcmd.agent.transport;

import dev.runcmd.proto.agent.v1.AgentMessage;
import java.util.ArrayDeque;

/**
 * The control side of the {@link OutboundQueue}: a FIFO of at most {@code capacity} small control
 * messages (Accepted, Rejected, Heartbeat), written once each, in order, ahead of any progress. The
 * head stays in place until it was written, so a message is never lost between two streams.
 *
 * <p>Threading: not thread-safe; every method must be called holding the owning queue's lock.
 */
final class ControlFifo {
    private final int capacity;
    private final ArrayDeque<AgentMessage> messages = new ArrayDeque<>();
    private int highWaterMark;

    ControlFifo(int capacity) {
        this.capacity = capacity;
    }

    /** True when {@code capacity} messages wait. */
    boolean isFull() {
        return messages.size() >= capacity;
    }

    /** True when no message waits. */
    boolean isEmpty() {
        return messages.isEmpty();
    }

    /** Appends {@code message}; the caller checked {@link #isFull()}. */
    void add(AgentMessage message) {
        messages.addLast(message);
        highWaterMark = Math.max(highWaterMark, messages.size());
    }

    /** The oldest waiting message, left in place, or null. */
    AgentMessage head() {
        return messages.peekFirst();
    }

    /** Removes the head: it was written. */
    void removeHead() {
        messages.pollFirst();
    }

    /** The most messages this FIFO has held at once. */
    int highWaterMark() {
        return highWaterMark;
    }

    /**
     * Checks that {@code message} is a control message.
     *
     * @throws IllegalArgumentException for Started, Output and Exited, which come from progress sources
     */
    static void requireControl(AgentMessage message) {
        switch (message.getKindCase()) {
            case STARTED, OUTPUT, EXITED -> throw new IllegalArgumentException(
                    message.getKindCase() + " comes from the execution's progress source, not the control queue");
            default -> { }
        }
    }
}
