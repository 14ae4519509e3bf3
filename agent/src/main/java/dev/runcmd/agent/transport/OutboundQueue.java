package dev.runcmd.agent.transport;

import dev.runcmd.proto.agent.v1.Ack;
import dev.runcmd.proto.agent.v1.AgentMessage;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Everything that waits for the gateway stream. Control messages (Accepted, Rejected, Heartbeat) sit
 * in a small FIFO of {@link #capacity()} messages ({@link ControlFifo}) and go first; the progress of
 * executions is pulled from their {@link ProgressSource}s ({@link ProgressSources}), round robin over
 * the sources that were woken, only when the sender can write. So output that cannot leave yet stays
 * in its file, not in the heap.
 *
 * <p>In-flight window: Output bytes handed out on the current stream and not yet acknowledged are
 * counted; once they reach {@link #windowBytes()} (8 MiB by default) no source gets room for more
 * until Acks arrive. A rewind (a new stream's Welcome) forgets every hand-out: each source starts
 * again from its acknowledged offsets, and a message a source produced for an older stream is never
 * written to a newer one ({@link #isCurrent}).
 *
 * <p>Threading: any number of producers; exactly one consumer (the {@link OutboundSender}), which
 * takes a message with {@link #awaitNext()} and reports it with {@link #written} once it was written.
 * Sources are asked for their next message outside this queue's lock, and never call back into the
 * queue while they hold their own lock.
 */
public final class OutboundQueue implements Outbox {
    /** The default bound of the control FIFO. */
    public static final int DEFAULT_CAPACITY = 4;
    /** The default bound on Output bytes handed out and not yet acknowledged: 8 MiB. */
    public static final long DEFAULT_WINDOW_BYTES = 8L * 1024 * 1024;

    private final int capacity;
    private final long windowBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final Condition notEmpty = lock.newCondition();
    private final Condition drained = lock.newCondition();
    private final ControlFifo control; // guarded by lock
    private final ProgressSources progress; // guarded by lock

    /** A message handed to the sender for the stream of {@code generation}; {@code control}: the FIFO's head. */
    record Next(AgentMessage message, boolean control, long generation) {}

    /** Creates a queue with a control FIFO of {@code capacity} messages and the default window. */
    public OutboundQueue(int capacity) {
        this(capacity, DEFAULT_WINDOW_BYTES);
    }

    /** Creates a queue with explicit bounds. */
    public OutboundQueue(int capacity, long windowBytes) {
        if (capacity < 1 || windowBytes < 1) {
            throw new IllegalArgumentException("capacity and window must be positive");
        }
        this.capacity = capacity;
        this.windowBytes = windowBytes;
        this.control = new ControlFifo(capacity);
        this.progress = new ProgressSources(windowBytes);
    }

    @Override
    public void put(AgentMessage message) throws InterruptedException {
        ControlFifo.requireControl(message);
        lock.lockInterruptibly();
        try {
            while (control.isFull()) {
                notFull.await();
            }
            add(message);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean offer(AgentMessage message) {
        ControlFifo.requireControl(message);
        lock.lock();
        try {
            if (control.isFull()) {
                return false;
            }
            add(message);
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void register(ProgressSource source) {
        locked(() -> {
            progress.register(source);
            notEmpty.signal();
            return null;
        });
    }

    @Override
    public void unregister(String executionId) {
        locked(() -> {
            progress.unregister(executionId);
            return null;
        });
    }

    @Override
    public void wake(ProgressSource source) {
        lock.lock();
        try {
            if (progress.isRegistered(source)) {
                progress.markReady(source);
                notEmpty.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void acknowledge(Ack ack) {
        ProgressSource source = locked(() -> progress.get(ack.getExecutionId()));
        if (source == null) {
            return;
        }
        long released = source.acknowledge(ack);
        lock.lock();
        try {
            progress.acknowledged(source, released);
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A new stream opened (called before it is handed to the writer): every source hands out its
     * unacknowledged progress again; control messages not yet written stay queued.
     */
    void rewind() {
        lock.lock();
        try {
            progress.rewind();
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the next message to write: the head of the control FIFO (left in place until
     * {@link #written}), else the next message of a woken source. Waits while there is none.
     */
    Next awaitNext() throws InterruptedException {
        while (true) {
            ProgressSource source;
            long room;
            long gen;
            lock.lockInterruptibly();
            try {
                AgentMessage head = control.head();
                if (head != null) {
                    return new Next(head, true, progress.generation());
                }
                source = pollReady();
                if (source == null) {
                    notEmpty.await();
                    continue;
                }
                room = progress.room();
                gen = progress.generation();
            } finally {
                lock.unlock();
            }
            Next next = take(source, room, gen);
            if (next != null) {
                return next;
            }
        }
    }

    /**
     * Asks {@code source}, which the sender holds since {@link #pollReady}, for its next message and books it; null
     * when it had none (or was rewound). The sender holds nothing once this returns null or throws.
     */
    private Next take(ProgressSource source, long room, long gen) {
        AgentMessage message;
        try {
            message = source.next(room, gen);
        } catch (RuntimeException e) {
            locked(this::putDownNothing);
            throw e;
        }
        lock.lock(); // not interruptible: the hold taken in pollReady must be put down
        try {
            if (message == null) {
                progress.nothingFrom(source, room);
                putDown();
                return null;
            }
            if (gen != progress.generation() || !progress.isRegistered(source)) {
                putDown();
                return null; // rewound meanwhile: the source starts over from its acknowledged offsets
            }
            progress.book(source, message); // round robin: it goes to the back of the line
            notEmpty.signal();
            return new Next(message, false, gen);
        } finally {
            lock.unlock();
        }
    }

    /** True while {@code next} may still be written: control messages always, progress on its own stream only. */
    boolean isCurrent(Next next) {
        return locked(() -> next.control() || next.generation() == progress.generation());
    }

    /** Records that {@code next} was written: a control message leaves the FIFO; the sender holds nothing. */
    void written(Next next) {
        lock.lock();
        try {
            if (next.control()) {
                control.removeHead();
                notFull.signalAll();
            }
            putDown();
        } finally {
            lock.unlock();
        }
    }

    /** The sender holds no progress message now; wakes {@link #awaitEmpty} if nothing is left. Under lock. */
    private void putDown() {
        progress.putDown();
        if (isEmpty()) {
            drained.signalAll();
        }
    }

    /** True when no control message waits and the sources are idle. Under lock. */
    private boolean isEmpty() {
        return control.isEmpty() && progress.idle();
    }

    /**
     * Waits until every queued control message and every progress message the sender took was written
     * and no source has anything left to hand out, at most {@code timeout}; returns whether it did.
     */
    public boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (!isEmpty() && nanos > 0) {
                nanos = drained.awaitNanos(Math.min(nanos, 10_000_000L));
            }
            return isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** The most control messages this queue holds at once. */
    public int capacity() {
        return capacity;
    }

    /** The bound on Output bytes handed out and not yet acknowledged. */
    public long windowBytes() {
        return windowBytes;
    }

    /** The most control messages this queue has held at once (a health metric). */
    public int highWaterMark() {
        return locked(() -> control.highWaterMark());
    }

    /** Output bytes handed out on the current stream and not yet acknowledged (a health metric). */
    public long inFlightBytes() {
        return locked(() -> progress.inFlight());
    }

    /** How many executions' progress is registered. */
    public int sourceCount() {
        return locked(() -> progress.size());
    }

    /** Runs {@code read} holding the lock and returns its result. */
    private <T> T locked(Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }

    /** {@link #putDown()} for {@link #locked}. */
    private Void putDownNothing() {
        putDown();
        return null;
    }

    /** The next ready source, or null; with nothing left at all, wakes {@link #awaitEmpty}. */
    private ProgressSource pollReady() {
        ProgressSource source = progress.pollReady();
        if (source == null && isEmpty()) {
            drained.signalAll();
        }
        return source;
    }

    private void add(AgentMessage message) {
        control.add(message);
        notEmpty.signal();
    }
}
