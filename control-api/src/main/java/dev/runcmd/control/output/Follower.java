package dev.runcmd.control.output;

import dev.runcmd.control.store.StoreFailures;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Delivers one execution's output to one client at the client's pace: reads a batch from PostgreSQL only when
 * the client can take more, hands it over event by event while the client is ready, and when caught up either
 * ends (the execution ended, or the client did not ask to follow) or waits for a wake-up.
 *
 * <p>A read that fails because PostgreSQL is unreachable, or because every pool connection is in use, is tried
 * again on the next poll or wake-up (the hub wakes every follower when LISTEN is back), so a follower rides
 * through a restart or an overload and catches up by offset; an outage past the outage timeout, or any other read
 * failure, ends it with {@link FollowFailure#UNAVAILABLE}.
 *
 * <p>Memory: at most one batch per follower. A client that does not read is not read for; it catches up from
 * storage later, so it never slows the agent, the gateway, the store or other clients.
 *
 * <p>Threading: every field below is confined to the follower's Vert.x context. {@link #start}, {@link #wake},
 * {@link #tick} and the sink's callbacks may run on any thread: each sets a signal bit and posts at most one task
 * to the context, so a burst of notifications costs one task and nothing is queued per notification.
 */
public final class Follower {

    private static final Logger LOG = Logger.getLogger(Follower.class);
    private static final int WAKE = 1;
    private static final int READY = 2;
    private static final int TICK = 4;
    private static final int CLOSED = 8;
    private static final int SHUTDOWN = 16;

    private final FollowSpec spec;
    private final OutputSink sink;
    private final OutputReader reader;
    private final Context context;
    private final FollowTimings timings;
    private final Consumer<Follower> onEnded;
    private final AtomicInteger signals = new AtomicInteger();
    private final ArrayDeque<FollowEvent> pending = new ArrayDeque<>();
    private final EnumSet<StdStream> truncationSent = EnumSet.noneOf(StdStream.class);
    private Offsets next;
    private FollowerState state = FollowerState.IDLE;
    private boolean dirty = true;
    private boolean pumping;
    private boolean again;
    private boolean unready;
    private long unreadySince;
    private long lastReadAt;
    private long lastWriteAt;
    /** The last read was shed (every pool connection in use): read again at the next tick, not the next poll. */
    private boolean shed;
    private final StoreOutage outage;

    Follower(FollowSpec spec, OutputSink sink, OutputReader reader, Context context, FollowTimings timings,
            Consumer<Follower> onEnded) {
        this.spec = spec;
        this.sink = sink;
        this.reader = reader;
        this.context = context;
        this.timings = timings;
        this.onEnded = onEnded;
        this.outage = new StoreOutage(timings.outageNanos());
        this.next = spec.from();
        this.lastReadAt = System.nanoTime();
        this.lastWriteAt = lastReadAt;
    }

    /** The execution this follower reads. */
    public UUID executionId() {
        return spec.executionId();
    }

    /** Binds the sink's callbacks and reads the first batch. Call once, after registering for wake-ups. */
    void start() {
        sink.bind(() -> signal(READY), () -> signal(CLOSED));
        signal(WAKE);
    }

    /** Something may have been stored for this execution, or its state changed. Any thread. */
    void wake() {
        signal(WAKE);
    }

    /** Shutdown: a following follower ends with {@link FollowFailure#SHUTTING_DOWN}; a plain read finishes. */
    void shutdown() {
        signal(SHUTDOWN);
    }

    /** Periodic check (about once a second): stall cut-off, safety poll, keepalive. Any thread. */
    void tick() {
        signal(TICK);
    }

    private void signal(int bit) {
        if (signals.getAndUpdate(s -> s | bit) == 0) {
            context.runOnContext(ignored -> onSignals(signals.getAndSet(0)));
        }
    }

    private void onSignals(int bits) {
        if (state == FollowerState.ENDED) {
            return;
        }
        if ((bits & CLOSED) != 0 || sink.isClosed()) {
            finish();
            return;
        }
        if ((bits & SHUTDOWN) != 0 && spec.follow()) {
            fail(FollowFailure.SHUTTING_DOWN);
            return;
        }
        dirty |= (bits & WAKE) != 0;
        if ((bits & TICK) != 0) {
            onTick(System.nanoTime());
        }
        pump();
    }

    private void onTick(long now) {
        if (unready && now - unreadySince >= timings.stallNanos()) {
            fail(FollowFailure.STALLED);
            return;
        }
        boolean pollDue = (spec.follow() || outage.isActive()) && now - lastReadAt >= timings.pollNanos();
        if (state == FollowerState.IDLE && (shed || pollDue)) {
            dirty = true;
        }
        if (state == FollowerState.IDLE && !dirty && now - lastWriteAt >= timings.keepaliveNanos()
                && sink.isReady()) {
            sink.keepalive();
            lastWriteAt = now;
        }
    }

    /** Runs steps until none makes progress; a re-entrant call (from a sink or a callback) asks for one more. */
    private void pump() {
        if (pumping) {
            again = true;
            return;
        }
        pumping = true;
        try {
            do {
                again = false;
                step();
            } while (again && state != FollowerState.ENDED);
        } finally {
            pumping = false;
        }
    }

    private void step() {
        if (state == FollowerState.SENDING) {
            drain();
        } else if (state == FollowerState.IDLE && dirty && ready()) {
            read();
        }
    }

    private void drain() {
        while (!pending.isEmpty()) {
            if (!ready()) {
                return;
            }
            deliver(pending.poll());
            if (state == FollowerState.ENDED) {
                return;
            }
        }
        state = FollowerState.IDLE;
        again = true;
    }

    private void deliver(FollowEvent event) {
        lastWriteAt = System.nanoTime();
        if (event instanceof FollowEvent.Chunk chunk) {
            sink.chunk(chunk.stream(), chunk.offset(), chunk.data());
        } else if (event instanceof FollowEvent.Truncated truncated) {
            sink.truncated(truncated.stream(), truncated.capBytes());
        } else if (event instanceof FollowEvent.End end) {
            finish();
            sink.end(spec.executionId(), end.status());
        }
    }

    /** Asks the sink, and remembers since when it has been unready for the stall cut-off. */
    private boolean ready() {
        boolean ready = sink.isReady();
        if (ready) {
            unready = false;
        } else if (!unready) {
            unready = true;
            unreadySince = System.nanoTime();
        }
        return ready;
    }

    private void read() {
        dirty = false;
        state = FollowerState.READING;
        lastReadAt = System.nanoTime();
        reader.read(spec.executionId(), readOffsets()).subscribe().with(
                batch -> onContext(() -> onBatch(batch)),
                failure -> onContext(() -> onReadFailure(failure)));
    }

    /** The offsets to read from; a stream not delivered, or at its limit, is skipped. */
    private Offsets readOffsets() {
        Offsets offsets = Offsets.UNLIMITED;
        for (StdStream stream : spec.streams()) {
            if (next.of(stream) < spec.until().of(stream)) {
                offsets = offsets.with(stream, next.of(stream));
            }
        }
        return offsets;
    }

    private void onBatch(Optional<Batch> batch) {
        if (state == FollowerState.ENDED) {
            return;
        }
        state = FollowerState.IDLE;
        outage.end();
        shed = false;
        if (batch.isEmpty()) {
            fail(FollowFailure.DELETED);
            return;
        }
        ExecutionStatus status = batch.get().status();
        long delivered = take(batch.get());
        addTruncations(status);
        if (delivered > 0) {
            dirty = true;
        } else if (!spec.follow() || status.state().isTerminal() || readOffsets().equals(Offsets.UNLIMITED)) {
            pending.add(new FollowEvent.End(status));
        }
        if (!pending.isEmpty()) {
            state = FollowerState.SENDING;
        }
        pump();
    }

    /** Queues what the batch holds beyond the offsets (see {@link BatchSlicer}); returns the bytes queued. */
    private long take(Batch batch) {
        BatchSlicer.Slice slice = BatchSlicer.slice(batch, spec, next, pending);
        next = slice.next();
        return slice.bytes();
    }

    /** Queues a truncated event, once per stream, when the stream's stored bytes are all taken. */
    private void addTruncations(ExecutionStatus status) {
        for (StdStream stream : spec.streams()) {
            if (status.isTruncated(stream) && next.of(stream) >= status.storedBytes(stream)
                    && truncationSent.add(stream)) {
                pending.add(new FollowEvent.Truncated(stream, status.capOf(stream)));
            }
        }
    }

    private void onReadFailure(Throwable failure) {
        if (state == FollowerState.ENDED) {
            return;
        }
        shed = StoreFailures.isSaturated(failure);
        if ((shed || StoreFailures.isUnreachable(failure)) && outage.waitOut(System.nanoTime())) {
            state = FollowerState.IDLE;
            dirty = false;
            return;
        }
        LOG.warnf(failure, "Reading the output of execution %s failed", spec.executionId());
        fail(FollowFailure.UNAVAILABLE);
    }

    private void fail(FollowFailure failure) {
        if (state != FollowerState.ENDED) {
            finish();
            sink.fail(failure);
        }
    }

    private void finish() {
        state = FollowerState.ENDED;
        pending.clear();
        onEnded.accept(this);
    }

    private void onContext(Runnable action) {
        if (Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(ignored -> action.run());
        }
    }
}
