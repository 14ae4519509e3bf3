package dev.runcmd.agent.transport;

import dev.runcmd.proto.agent.v1.Ack;
import dev.runcmd.proto.agent.v1.AgentMessage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything that waits for the gateway stream. Control messages (Accepted, Rejected, Heartbeat) sit
 * in a small FIFO of {@link #capacity()} messages and go first; the progress of executions is pulled
 * from their {@link ProgressSource}s, round robin over the sources that were woken, only when the
 * sender can write. So output that cannot leave yet stays in its file, not in the heap.
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
    private final ArrayDeque<AgentMessage> control = new ArrayDeque<>(); // guarded by lock
    private final Map<String, ProgressSource> sources = new LinkedHashMap<>(); // guarded by lock
    private final LinkedHashSet<ProgressSource> ready = new LinkedHashSet<>(); // guarded by lock
    private final LinkedHashSet<ProgressSource> starved = new LinkedHashSet<>(); // guarded by lock; wait for room
    private int highWaterMark; // guarded by lock
    private long inFlight; // guarded by lock
    private long generation; // guarded by lock; counts rewinds, i.e. streams

    /**
     * A message handed to the sender, taken for the stream of {@code generation}; {@code control} is
     * true for the head of the control FIFO.
     */
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
    }

    @Override
    public void put(AgentMessage message) throws InterruptedException {
        requireControl(message);
        lock.lockInterruptibly();
        try {
            while (control.size() >= capacity) {
                notFull.await();
            }
            add(message);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean offer(AgentMessage message) {
        requireControl(message);
        lock.lock();
        try {
            if (control.size() >= capacity) {
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
        lock.lock();
        try {
            source.rewind(generation);
            sources.put(source.executionId(), source);
            markReady(source);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void unregister(String executionId) {
        lock.lock();
        try {
            ProgressSource source = sources.remove(executionId);
            if (source != null) {
                ready.remove(source);
                starved.remove(source);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void wake(ProgressSource source) {
        lock.lock();
        try {
            if (sources.get(source.executionId()) == source) {
                markReady(source);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void acknowledge(Ack ack) {
        ProgressSource source;
        lock.lock();
        try {
            source = sources.get(ack.getExecutionId());
        } finally {
            lock.unlock();
        }
        if (source == null) {
            return;
        }
        long released = source.acknowledge(ack);
        lock.lock();
        try {
            inFlight = Math.max(0, inFlight - released);
            markReady(source);
            if (released > 0) {
                starved.forEach(this::markReady);
                starved.clear();
            }
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
            generation++;
            inFlight = 0;
            starved.clear();
            for (ProgressSource source : sources.values()) {
                source.rewind(generation);
                markReady(source);
            }
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
                AgentMessage head = control.peekFirst();
                if (head != null) {
                    return new Next(head, true, generation);
                }
                source = pollReady();
                if (source == null) {
                    notEmpty.await();
                    continue;
                }
                room = windowBytes - inFlight;
                gen = generation;
            } finally {
                lock.unlock();
            }
            Next next = take(source, room, gen);
            if (next != null) {
                return next;
            }
        }
    }

    /** Asks {@code source} for its next message and books it; null when it had none (or was rewound). */
    private Next take(ProgressSource source, long room, long gen) throws InterruptedException {
        AgentMessage message = source.next(Math.max(0, room), gen);
        lock.lockInterruptibly();
        try {
            if (message == null) {
                if (room < OutputChunks.MAX_BYTES) {
                    starved.add(source);
                }
                return null;
            }
            if (gen != generation || sources.get(source.executionId()) != source) {
                return null; // rewound meanwhile: the source starts over from its acknowledged offsets
            }
            inFlight += message.hasOutput() ? message.getOutput().getData().size() : 0;
            markReady(source); // round robin: it goes to the back of the line
            return new Next(message, false, gen);
        } finally {
            lock.unlock();
        }
    }

    /** True while {@code next} may still be written: control messages always, progress on its own stream only. */
    boolean isCurrent(Next next) {
        lock.lock();
        try {
            return next.control() || next.generation() == generation;
        } finally {
            lock.unlock();
        }
    }

    /** Records that {@code next} was written: a control message leaves the FIFO. */
    void written(Next next) {
        if (!next.control()) {
            return;
        }
        lock.lock();
        try {
            control.pollFirst();
            notFull.signalAll();
            if (control.isEmpty() && ready.isEmpty()) {
                drained.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every queued control message was written and no source was left with something to
     * hand out, at most {@code timeout}; returns whether that happened.
     */
    public boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (!(control.isEmpty() && ready.isEmpty()) && nanos > 0) {
                nanos = drained.awaitNanos(Math.min(nanos, 10_000_000L));
            }
            return control.isEmpty() && ready.isEmpty();
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
        lock.lock();
        try {
            return highWaterMark;
        } finally {
            lock.unlock();
        }
    }

    /** Output bytes handed out on the current stream and not yet acknowledged (a health metric). */
    public long inFlightBytes() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** How many executions' progress is registered. */
    public int sourceCount() {
        lock.lock();
        try {
            return sources.size();
        } finally {
            lock.unlock();
        }
    }

    private ProgressSource pollReady() {
        Iterator<ProgressSource> first = ready.iterator();
        if (!first.hasNext()) {
            if (control.isEmpty()) {
                drained.signalAll();
            }
            return null;
        }
        ProgressSource source = first.next();
        first.remove();
        return source;
    }

    private void markReady(ProgressSource source) {
        ready.remove(source);
        ready.add(source);
        notEmpty.signal();
    }

    private void add(AgentMessage message) {
        control.addLast(message);
        highWaterMark = Math.max(highWaterMark, control.size());
        notEmpty.signal();
    }

    private static void requireControl(AgentMessage message) {
        switch (message.getKindCase()) {
            case STARTED, OUTPUT, EXITED -> throw new IllegalArgumentException(
                    message.getKindCase() + " comes from the execution's progress source, not the control queue");
            default -> { }
        }
    }
}
