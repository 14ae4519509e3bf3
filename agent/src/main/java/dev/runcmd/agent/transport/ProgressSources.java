package dev.runcmd.agent.transport;

import dev.runcmd.proto.agent.v1.AgentMessage;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * The progress side of the {@link OutboundQueue}: the registered {@link ProgressSource}s (one per
 * execution), the round robin over those that were woken, the in-flight window (Output bytes handed
 * out on the current stream and not yet acknowledged, at most {@code windowBytes}), and the stream
 * generation (counted up by each rewind). A source that had nothing to hand out for lack of room is
 * starved: it is woken again as soon as an Ack frees room.
 *
 * <p>Threading: not thread-safe; every method must be called holding the owning queue's lock. No
 * method calls a source except {@link #register} and {@link #rewind}, whose {@code rewind} is
 * non-blocking.
 */
final class ProgressSources {
    private final long windowBytes;
    private final Map<String, ProgressSource> sources = new LinkedHashMap<>();
    private final LinkedHashSet<ProgressSource> ready = new LinkedHashSet<>();
    private final LinkedHashSet<ProgressSource> starved = new LinkedHashSet<>(); // wait for room
    private long inFlight;
    private boolean inHand; // the sender holds a polled source, or a booked message it has not written or dropped
    private long generation;

    ProgressSources(long windowBytes) {
        this.windowBytes = windowBytes;
    }

    /** Adds {@code source} (it starts on the current stream) and marks it ready. */
    void register(ProgressSource source) {
        source.rewind(generation);
        sources.put(source.executionId(), source);
        markReady(source);
    }

    /** Removes the source of {@code executionId}, if any. */
    void unregister(String executionId) {
        ProgressSource source = sources.remove(executionId);
        if (source != null) {
            ready.remove(source);
            starved.remove(source);
        }
    }

    /** The registered source of {@code executionId}, or null. */
    ProgressSource get(String executionId) {
        return sources.get(executionId);
    }

    /** True while {@code source} is the one registered for its execution. */
    boolean isRegistered(ProgressSource source) {
        return sources.get(source.executionId()) == source;
    }

    /** Puts {@code source} at the back of the ready line. */
    void markReady(ProgressSource source) {
        ready.remove(source);
        ready.add(source);
    }

    /**
     * Takes the first ready source out of the line, or returns null when none is ready. The sender holds the
     * source from now on (see {@link #putDown}): while it asks the source for a message outside the lock, the
     * queue is not idle.
     */
    ProgressSource pollReady() {
        Iterator<ProgressSource> first = ready.iterator();
        if (!first.hasNext()) {
            return null;
        }
        ProgressSource source = first.next();
        first.remove();
        inHand = true;
        return source;
    }

    /** True when no source is ready and the sender holds no source or message of one (see {@link #putDown}). */
    boolean idle() {
        return ready.isEmpty() && !inHand;
    }

    /** The sender wrote, or dropped, the message last booked, or its source had none: it holds nothing any more. */
    void putDown() {
        inHand = false;
    }

    /** {@code released} Output bytes of {@code source} were acknowledged: frees room, wakes it and the starved. */
    void acknowledged(ProgressSource source, long released) {
        inFlight = Math.max(0, inFlight - released);
        markReady(source);
        if (released > 0) {
            starved.forEach(this::markReady);
            starved.clear();
        }
    }

    /** A new stream: the generation moves on, the window empties, every source starts over and is ready. */
    void rewind() {
        generation++;
        inFlight = 0;
        inHand = false; // a message taken for the old stream is dropped by the sender, never written
        starved.clear();
        for (ProgressSource source : sources.values()) {
            source.rewind(generation);
            markReady(source);
        }
    }

    /** {@code source} had nothing with {@code room} bytes of room: it waits for an Ack when room was short. */
    void nothingFrom(ProgressSource source, long room) {
        if (room < OutputChunks.MAX_BYTES) {
            starved.add(source);
        }
    }

    /** Books {@code message}, just taken from {@code source}: its data counts in flight; the source goes to the back. */
    void book(ProgressSource source, AgentMessage message) {
        inFlight += message.hasOutput() ? message.getOutput().getData().size() : 0;
        inHand = true;
        markReady(source);
    }

    /** Bytes that may still be handed out before the window is full (never negative). */
    long room() {
        return Math.max(0, windowBytes - inFlight);
    }

    /** The current stream's generation. */
    long generation() {
        return generation;
    }

    /** Output bytes handed out on the current stream and not yet acknowledged. */
    long inFlight() {
        return inFlight;
    }

    /** How many sources are registered. */
    int size() {
        return sources.size();
    }
}
