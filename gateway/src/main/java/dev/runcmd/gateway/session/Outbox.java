package dev.runcmd.gateway.session;

import dev.runcmd.proto.agent.v1.Ack;
import dev.runcmd.proto.agent.v1.GatewayMessage;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bounded, serialized writer of one agent stream.
 *
 * <p>Messages are written only while the call is ready; the rest wait here and are written from
 * the call's onReady handler ({@link #drain()}). Welcome, Run and Cancel messages keep their
 * order; Acks are coalesced per execution (offsets take the maximum, {@code exited} sticks), so
 * at most {@code limit} executions have an Ack waiting.
 *
 * <p>Runs enter only through room reserved before they are claimed from the store, and a
 * reservation never makes the queue hold more than {@code limit}; so a claim never takes more
 * work than fits. Welcome and Cancel messages are refused once {@code limit} messages wait, but
 * rooms reserved and not yet filled do not count against them (a Cancel must not fail because a
 * claim is in flight). The queue therefore never holds more than twice {@code limit}.
 *
 * <p>Thread-safety: every method may be called from any thread; the lock serializes them and
 * every write to the call happens under it.
 */
public final class Outbox {

    private final ServerCallStreamObserver<GatewayMessage> call;
    private final int limit;
    private final Object lock = new Object();
    private final ArrayDeque<GatewayMessage> messages = new ArrayDeque<>(); // guarded by lock
    private final Map<String, Ack> acks = new LinkedHashMap<>(); // guarded by lock
    private int reserved; // guarded by lock
    private boolean closed; // guarded by lock
    private Runnable flushed; // guarded by lock; runs once nothing waits (shutdown)
    private boolean closing; // guarded by lock; no more Runs: the stream ends once flushed

    /** Wraps the server side of one call; the caller installs {@link #drain()} as onReady handler. */
    public Outbox(ServerCallStreamObserver<GatewayMessage> call, int limit) {
        this.call = call;
        this.limit = limit;
    }

    /**
     * Queues a Welcome or Cancel and writes what the call can take. Returns false only when
     * {@code limit} messages already wait; a message offered after {@link #close} is dropped and
     * counts as accepted.
     */
    public boolean offer(GatewayMessage message) {
        synchronized (lock) {
            if (closed) {
                return true;
            }
            if (messages.size() >= limit) {
                return false;
            }
            messages.add(message);
            drainLocked();
            return true;
        }
    }

    /** Reserves room for up to {@code wanted} messages; returns how many were granted (maybe 0). */
    public int reserve(int wanted) {
        synchronized (lock) {
            int granted = closed || closing ? 0 : Math.max(0, Math.min(wanted, limit - messages.size() - reserved));
            reserved += granted;
            return granted;
        }
    }

    /**
     * Queues a batch into room reserved earlier by {@code reserve(reservedCount)}; the batch may
     * be smaller than the reservation, and the rest of the room is released.
     */
    public void offerReserved(Iterable<GatewayMessage> batch, int reservedCount) {
        synchronized (lock) {
            reserved -= reservedCount;
            if (closed) {
                return;
            }
            batch.forEach(messages::add);
            drainLocked();
        }
    }

    /**
     * Queues an Ack, merged with one still waiting for the same execution. Returns false only
     * when a new execution would exceed the bound.
     */
    public boolean ack(Ack ack) {
        synchronized (lock) {
            if (closed) {
                return true;
            }
            Ack waiting = acks.get(ack.getExecutionId());
            if (waiting == null && acks.size() >= limit) {
                return false;
            }
            acks.put(ack.getExecutionId(), waiting == null ? ack : merge(waiting, ack));
            drainLocked();
            return true;
        }
    }

    /** Writes waiting messages while the call is ready; the call's onReady handler. */
    public void drain() {
        Runnable then;
        synchronized (lock) {
            drainLocked();
            then = takeFlushedLocked();
        }
        if (then != null) {
            then.run();
        }
    }

    /**
     * Refuses further Runs, and runs {@code then} (outside the lock) once every waiting message
     * and Ack is written: at once if none waits, else from the onReady handler. Used to end a
     * stream at shutdown without dropping the Acks of what was stored.
     */
    public void afterFlush(Runnable then) {
        Runnable now;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closing = true;
            flushed = then;
            drainLocked();
            now = takeFlushedLocked();
        }
        if (now != null) {
            now.run();
        }
    }

    private Runnable takeFlushedLocked() {
        if (flushed == null || closed || !messages.isEmpty() || !acks.isEmpty()) {
            return null;
        }
        Runnable then = flushed;
        flushed = null;
        return then;
    }

    /**
     * Closes the stream once: OK completes it, another status ends it with that status, and
     * null (the transport already ended the call) writes nothing. Waiting messages are dropped.
     * Returns false if it was closed already.
     */
    public boolean close(Status status) {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            closed = true;
            messages.clear();
            acks.clear();
            if (status != null && status.isOk()) {
                call.onCompleted();
            } else if (status != null) {
                call.onError(status.asRuntimeException());
            }
            return true;
        }
    }

    /** True once {@link #close} ran. */
    public boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    private void drainLocked() {
        while (!closed && call.isReady()) {
            GatewayMessage next = messages.poll();
            if (next == null) {
                next = pollAck();
            }
            if (next == null) {
                return;
            }
            call.onNext(next);
        }
    }

    private GatewayMessage pollAck() {
        Iterator<Ack> waiting = acks.values().iterator();
        if (!waiting.hasNext()) {
            return null;
        }
        Ack ack = waiting.next();
        waiting.remove();
        return GatewayMessage.newBuilder().setAck(ack).build();
    }

    private static Ack merge(Ack older, Ack newer) {
        return Ack.newBuilder()
                .setExecutionId(newer.getExecutionId())
                .setStdoutOffset(Math.max(older.getStdoutOffset(), newer.getStdoutOffset()))
                .setStderrOffset(Math.max(older.getStderrOffset(), newer.getStderrOffset()))
                .setExited(older.getExited() || newer.getExited())
                .build();
    }
}
