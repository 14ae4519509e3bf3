package dev.runcmd.control.output;

import dev.runcmd.control.store.StoreFailures;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Delivers what a {@link FollowSource} reads (one execution's output, or a job's merged output) to one client at
 * the client's pace: reads a round from PostgreSQL only when the client can take more, hands it over event by
 * event while the client is ready, and when caught up either ends (the source gave its last event) or waits for a
 * wake-up.
 *
 * <p>A read that fails because PostgreSQL is unreachable, or because every pool connection is in use, is tried
 * again on the next poll or wake-up (the hub wakes every follower when LISTEN is back), so a follower rides
 * through a restart or an overload and catches up from where its client stands; an outage past the outage
 * timeout, or any other read failure, ends it with {@link FollowFailure#UNAVAILABLE}.
 *
 * <p>A chunk whose notification carried it ({@link NotifiedChunk}) is handed to the source's
 * {@link FollowSource#offer} and delivered without a read when it continues exactly what the client has; otherwise,
 * or while a read runs or the follower is behind, it only wakes the follower as an id alone would.
 *
 * <p>Memory: at most one round per follower, plus at most {@link #MAX_PUSHED} notified chunks waiting for the
 * follower's context and {@link #MAX_PENDING} events queued for a client that is not ready. A client that does not
 * read is not read for; it catches up from storage later, so it never slows the agent, the gateway, the store or
 * other clients.
 *
 * <p>Threading: every field below is confined to the follower's Vert.x context. {@link #start}, {@link #wake},
 * {@link #tick} and the sink's callbacks may run on any thread: each sets a signal bit and posts at most one task
 * to the context, so a burst of notifications costs one task and nothing is queued per notification.
 *
 * @param <S> the sink the source's events are written to
 */
public final class Follower<S extends FollowSink> {

    private static final Logger LOG = Logger.getLogger(Follower.class);
    private static final int WAKE = 1;
    private static final int READY = 2;
    private static final int TICK = 4;
    private static final int CLOSED = 8;
    private static final int SHUTDOWN = 16;
    private static final int PUSHED = 32;
    /** Notified chunks waiting for the context; past this many, a chunk only wakes the follower. */
    static final int MAX_PUSHED = 16;
    /** Undelivered events past which notified chunks are left to a read. */
    static final int MAX_PENDING = 64;

    private final FollowSource<S> source;
    private final S sink;
    private final Context context;
    private final FollowTimings timings;
    private final OutputHub hub;
    private final Runnable onEnded;
    private final AtomicInteger signals = new AtomicInteger();
    private final ArrayDeque<Delivery<S>> pending = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<NotifiedChunk> pushed = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pushedCount = new AtomicInteger();
    private final StoreOutage outage;
    /** The ids the hub wakes this follower for. */
    private Set<UUID> watched = Set.of();
    private FollowerState state = FollowerState.IDLE;
    private boolean dirty = true;
    private boolean pumping;
    private boolean again;
    private boolean unready;
    private long unreadySince;
    private long lastReadAt;
    private long lastWriteAt;
    /** How many reads this follower made (written on its context only; read from any thread). */
    private volatile long reads;
    /** The last read was shed (every pool connection in use): read again at the next tick, not the next poll. */
    private boolean shed;

    Follower(FollowSource<S> source, S sink, Context context, FollowTimings timings, OutputHub hub,
            Runnable onEnded) {
        this.source = source;
        this.sink = sink;
        this.context = context;
        this.timings = timings;
        this.hub = hub;
        this.onEnded = onEnded;
        this.outage = new StoreOutage(timings.outageNanos());
        this.lastReadAt = System.nanoTime();
        this.lastWriteAt = lastReadAt;
    }

    /**
     * Registers with the hub for the source's wake-ups, binds the sink's callbacks and reads the first round.
     * Call once, on the follower's context or before anything else can reach it.
     */
    void start() {
        watched = Set.copyOf(source.wakeIds());
        hub.register(this, watched);
        sink.bind(() -> signal(READY), () -> signal(CLOSED));
        signal(WAKE);
    }

    /** Something may have been stored for what this follower reads, or its state changed. Any thread. */
    void wake() {
        signal(WAKE);
    }

    /** How many reads of the store this follower made so far. Any thread. */
    long reads() {
        return reads;
    }

    /** A chunk too large for its notification was stored: a read, unless the source reads no output. Any thread. */
    void outputStored() {
        if (source.readsOutput()) {
            signal(WAKE);
        }
    }

    /**
     * A chunk was stored and its notification carried it: delivered without a read when it can be, ignored by a
     * source that reads no output. Any thread.
     */
    void push(NotifiedChunk chunk) {
        if (!source.readsOutput()) {
            return;
        }
        if (pushedCount.incrementAndGet() > MAX_PUSHED) {
            pushedCount.decrementAndGet();
            signal(WAKE);
            return;
        }
        pushed.add(chunk);
        signal(PUSHED);
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
        if ((bits & SHUTDOWN) != 0 && source.follows()) {
            fail(FollowFailure.SHUTTING_DOWN);
            return;
        }
        dirty |= (bits & WAKE) != 0;
        takePushed();
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
        boolean pollDue = (source.follows() || outage.isActive()) && now - lastReadAt >= timings.pollNanos();
        if (state == FollowerState.IDLE && (shed || pollDue)) {
            dirty = true;
        }
        if (state == FollowerState.IDLE && !dirty && now - lastWriteAt >= timings.keepaliveNanos()
                && sink.isReady()) {
            sink.keepalive();
            lastWriteAt = now;
        }
    }

    /**
     * Offers the notified chunks to the source in their order, queueing what it hands back, while the follower is
     * not reading, not behind ({@code dirty}) and its queue is short; every other chunk leaves a read to do.
     */
    private void takePushed() {
        NotifiedChunk chunk;
        while ((chunk = pushed.poll()) != null) {
            pushedCount.decrementAndGet();
            Delivery<S> last = pending.peekLast();
            if (last != null && last.isLast()) {
                continue;
            }
            Optional<Round<S>> round = dirty || state == FollowerState.READING || pending.size() >= MAX_PENDING
                    ? Optional.empty() : source.offer(chunk);
            if (round.isEmpty()) {
                dirty = true;
                continue;
            }
            dirty |= round.get().more();
            pending.addAll(round.get().events());
            if (!pending.isEmpty()) {
                state = FollowerState.SENDING;
            }
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

    private void deliver(Delivery<S> event) {
        lastWriteAt = System.nanoTime();
        if (event.isLast()) {
            finish();
        }
        event.deliverTo(sink);
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
        reads++;
        source.read().subscribe().with(
                round -> onContext(() -> onRound(round)),
                failure -> onContext(() -> onReadFailure(failure)));
    }

    private void onRound(Round<S> round) {
        if (state == FollowerState.ENDED) {
            return;
        }
        state = FollowerState.IDLE;
        outage.end();
        shed = false;
        if (round.failure() != null) {
            fail(round.failure());
            return;
        }
        dirty |= round.more() | rewatch();
        pending.addAll(round.events());
        if (!pending.isEmpty()) {
            state = FollowerState.SENDING;
        }
        pump();
    }

    /**
     * Follows the source's wake ids; true when it gained some, whose notifications may have come before the hub
     * knew them, so the next read must not wait for one.
     */
    private boolean rewatch() {
        Set<UUID> wanted = source.wakeIds();
        if (wanted.equals(watched)) {
            return false;
        }
        Set<UUID> added = new HashSet<>(wanted);
        added.removeAll(watched);
        Set<UUID> removed = new HashSet<>(watched);
        removed.removeAll(wanted);
        watched = Set.copyOf(wanted);
        hub.watch(this, added);
        hub.unwatch(this, removed);
        return !added.isEmpty();
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
        LOG.warnf(failure, "Reading the output of %s failed", source.describe());
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
        hub.unregister(this, watched);
        onEnded.run();
    }

    private void onContext(Runnable action) {
        if (Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(ignored -> action.run());
        }
    }
}
