package dev.runcmd.agent.transport;

import dev.runcmd.proto.agent.v1.Ack;
import dev.runcmd.proto.agent.v1.AgentMessage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one bounded queue between the producers and the gateway stream. It holds at most
 * {@link #capacity()} messages; since an Output carries at most 64 KiB, that bounds memory to about
 * capacity × 64 KiB (256 KiB by default). The bound is kept small on purpose: output that cannot
 * be sent yet waits in the script's pipe instead of the agent's heap, so chunks rarely live long
 * enough to be promoted in the agent's small heap (which made full collections frequent), and the
 * transport keeps its own bytes in flight ({@code Session.TRANSPORT_BUFFER_BYTES}).
 *
 * <p>Threading: any number of producers; exactly one consumer (the {@link OutboundSender}), which
 * takes the next message with {@link #awaitNext()} and reports it with {@link #written} only after
 * it was written, so a message waiting for a stream still counts against the bound.
 *
 * <p>Replay: a written Started, Output or Exited moves to the {@link Unacknowledged} buffer (at most
 * 8 MiB of Output data by default) until {@link #acknowledge(Ack)} releases it. After
 * {@link #rewind()} (a new stream's Welcome) {@link #awaitNext()} hands out every unacknowledged
 * message again, in the original order, before any new one. While that buffer is full, an Output is
 * not taken ({@link #put} blocks the pump, {@link #offer} refuses): back-pressure, never loss. The
 * buffer may thus exceed its bound by at most the Outputs already queued ({@link #capacity()}).
 * Only Outputs wait for room, so the control thread (which queues Accepted, Rejected and the Exited
 * of a canceled waiting execution, and handles the Acks that make room) never waits for an Ack.
 * Accepted, Rejected and Heartbeat leave memory once written.
 */
public final class OutboundQueue implements Outbox {
    /** The default bound: 4 messages, at most 256 KiB of output. */
    public static final int DEFAULT_CAPACITY = 4;

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final Condition notEmpty = lock.newCondition();
    private final Condition drained = lock.newCondition();
    private final ArrayDeque<AgentMessage> messages = new ArrayDeque<>(); // guarded by lock
    private final Unacknowledged unacked; // guarded by lock
    private int highWaterMark; // guarded by lock
    private long generation; // guarded by lock; counts rewinds, i.e. streams

    /**
     * A message handed to the sender: {@code seq} is its place in the unacknowledged buffer (a
     * replay), or -1 for the head of the queue; {@code generation} is the stream it was taken for.
     */
    record Next(AgentMessage message, long seq, long generation) {
        /** True when this is a replay of an unacknowledged message. */
        boolean isReplay() {
            return seq >= 0;
        }
    }

    /** Creates a queue that holds at most {@code capacity} messages and 8 MiB unacknowledged. */
    public OutboundQueue(int capacity) {
        this(capacity, Unacknowledged.DEFAULT_CAP_BYTES);
    }

    /** Creates a queue with explicit bounds, for tests. */
    OutboundQueue(int capacity, long unackedCapBytes) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.unacked = new Unacknowledged(unackedCapBytes);
    }

    @Override
    public void put(AgentMessage message) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (messages.size() >= capacity || (message.hasOutput() && unacked.isFull())) {
                notFull.await();
            }
            add(message);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean offer(AgentMessage message) {
        lock.lock();
        try {
            if (messages.size() >= capacity || (message.hasOutput() && unacked.isFull())) {
                return false;
            }
            add(message);
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void acknowledge(Ack ack) {
        lock.lock();
        try {
            unacked.release(ack);
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A new stream opened (called before it is handed to the writer): every unacknowledged message
     * is to be written again, before any new one.
     */
    void rewind() {
        lock.lock();
        try {
            generation++;
            unacked.rewind();
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the next message to write without removing it: the oldest unacknowledged message not
     * yet written on the current stream, else the head of the queue. Waits while there is none.
     */
    Next awaitNext() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (true) {
                Map.Entry<Long, AgentMessage> replay = unacked.nextToReplay();
                if (replay != null) {
                    return new Next(replay.getValue(), replay.getKey(), generation);
                }
                AgentMessage head = messages.peekFirst();
                if (head != null) {
                    return new Next(head, -1, generation);
                }
                notEmpty.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records that {@code next} was written: a head leaves the queue (into the unacknowledged buffer
     * if it is kept); either counts as written on the current stream only if no rewind came between.
     */
    void written(Next next) {
        lock.lock();
        try {
            long seq = next.seq();
            if (!next.isReplay()) {
                AgentMessage head = messages.pollFirst();
                seq = Unacknowledged.keeps(head) ? unacked.add(head) : -1;
                notFull.signalAll();
                if (messages.isEmpty()) {
                    drained.signalAll();
                }
            }
            if (seq >= 0 && next.generation() == generation) {
                unacked.sent(seq);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every queued message was written, at most {@code timeout}; returns whether it was. */
    public boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (!messages.isEmpty() && nanos > 0) {
                nanos = drained.awaitNanos(nanos);
            }
            return messages.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** The most messages this queue holds at once. */
    public int capacity() {
        return capacity;
    }

    /** The most messages this queue has held at once since it was created (a health metric). */
    public int highWaterMark() {
        lock.lock();
        try {
            return highWaterMark;
        } finally {
            lock.unlock();
        }
    }

    /** Output bytes written but not yet acknowledged (a health metric; 0 once all is acked). */
    public long unacknowledgedBytes() {
        lock.lock();
        try {
            return unacked.bytes();
        } finally {
            lock.unlock();
        }
    }

    /** Messages written but not yet acknowledged. */
    public int unacknowledgedCount() {
        lock.lock();
        try {
            return unacked.size();
        } finally {
            lock.unlock();
        }
    }

    private void add(AgentMessage message) {
        messages.addLast(message);
        highWaterMark = Math.max(highWaterMark, messages.size());
        notEmpty.signal();
    }
}
