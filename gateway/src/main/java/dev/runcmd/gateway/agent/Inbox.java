package dev.runcmd.gateway.agent;

import dev.runcmd.proto.agent.v1.AgentMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages of one agent stream that arrived and are not handled yet, in arrival order, and
 * how they are cut into units of work: a run of consecutive well-formed Output messages, at most
 * half the window, is one unit (stored together); any other message is a unit of its own. Units
 * of half the window leave room for the next unit to arrive while one is being stored.
 *
 * <p>It never holds more than the stream's window, because the transport delivers only the
 * messages that were requested. Not thread-safe: the owning {@link AgentStream} guards it.
 */
final class Inbox {

    private final int capacity;
    private final int maxUnit;
    private final ArrayDeque<AgentMessage> messages;

    /** An inbox for a window of {@code capacity} messages. */
    Inbox(int capacity) {
        this.capacity = capacity;
        this.maxUnit = Math.max(1, capacity / 2);
        this.messages = new ArrayDeque<>(capacity);
    }

    /** Appends a message that arrived; more than the window means flow control was broken. */
    void add(AgentMessage message) {
        if (messages.size() >= capacity) {
            throw new IllegalStateException("more than " + capacity + " unhandled messages: flow control broken");
        }
        messages.addLast(message);
    }

    boolean isEmpty() {
        return messages.isEmpty();
    }

    /** True when the next unit is a full run of Outputs (worth sending behind a running one). */
    boolean hasFullOutputUnit() {
        if (messages.size() < maxUnit) {
            return false;
        }
        int counted = 0;
        for (AgentMessage message : messages) {
            if (!isBatchable(message)) {
                return false;
            }
            if (++counted == maxUnit) {
                return true;
            }
        }
        return false;
    }

    /** Removes and returns the next unit, oldest first; the inbox must not be empty. */
    List<AgentMessage> take() {
        List<AgentMessage> unit = new ArrayList<>();
        unit.add(messages.removeFirst());
        if (isBatchable(unit.get(0))) {
            while (unit.size() < maxUnit && !messages.isEmpty() && isBatchable(messages.peekFirst())) {
                unit.add(messages.removeFirst());
            }
        }
        return unit;
    }

    /** A well-formed Output; a malformed one is handled alone, so it fails after what preceded it. */
    private static boolean isBatchable(AgentMessage message) {
        return message.hasOutput() && OutputChecks.problem(message.getOutput()).isEmpty();
    }
}
