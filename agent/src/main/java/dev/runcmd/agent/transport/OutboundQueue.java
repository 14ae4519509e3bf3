package dev.runcmd.agent.transport;

import dev.runcmd.proto.agent.v1.Ack;
import dev.runcmd.proto.agent.v1.AgentMessage;
import java.time.Duration;
import java.util.ArrayDeque;
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
 * peeks with {@link #awaitHead()} and removes with {@link #removeHead()} only after the message was
 * written, so a message waiting for a stream still counts against the bound.
 *
 * <p>Acknowledgements are ignored: a message leaves memory once written to a stream, and one written
 * to a stream that then breaks is lost. Keeping it until acknowledged is the disk spool's job.
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
    private int highWaterMark; // guarded by lock

    /** Creates a queue that holds at most {@code capacity} messages. */
    public OutboundQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
    }

    @Override
    public void put(AgentMessage message) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (messages.size() >= capacity) {
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
            if (messages.size() >= capacity) {
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
        // Nothing is kept after it is written; see the class comment.
    }

    /** Returns the oldest message without removing it, waiting while the queue is empty. */
    AgentMessage awaitHead() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (messages.isEmpty()) {
                notEmpty.await();
            }
            return messages.peekFirst();
        } finally {
            lock.unlock();
        }
    }

    /** Removes the message last returned by {@link #awaitHead()}; only the consumer calls this. */
    void removeHead() {
        lock.lock();
        try {
            messages.pollFirst();
            notFull.signal();
            if (messages.isEmpty()) {
                drained.signalAll();
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

    private void add(AgentMessage message) {
        messages.addLast(message);
        highWaterMark = Math.max(highWaterMark, messages.size());
        notEmpty.signal();
    }
}
