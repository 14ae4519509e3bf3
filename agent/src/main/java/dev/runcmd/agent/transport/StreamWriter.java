package dev.runcmd.agent.transport;

import dev.runcmd.proto.agent.v1.AgentMessage;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serializes every write, half-close and cancel on the agent's streams, and applies gRPC flow
 * control: queued messages are written only to the open call and only while its stream
 * {@code isReady()}; {@link #onReady()} (the stream's on-ready handler) wakes the writer.
 *
 * <p>Threading: {@link #write} is called by the single sender thread and may block; every other
 * method returns promptly and may be called from gRPC callback threads. The lock is held only
 * around non-blocking gRPC calls.
 */
final class StreamWriter {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition writable = lock.newCondition();
    private SessionCall open; // guarded by lock; null while no session is open

    /** Makes {@code call} the target of queued messages (after its Welcome arrived). */
    void open(SessionCall call) {
        lock.lock();
        try {
            open = call;
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops writing queued messages to {@code call}; a no-op if another call is open. */
    void detach(SessionCall call) {
        lock.lock();
        try {
            if (open == call) {
                open = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** The open stream may have become ready; wakes a waiting {@link #write}. */
    void onReady() {
        lock.lock();
        try {
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes one message directly to {@code call}, ready or not. Used for Hello, the single message
     * a stream carries before it is open.
     */
    void writeFirst(SessionCall call, AgentMessage hello) {
        lock.lock();
        try {
            if (!call.isEnded()) {
                call.stream().onNext(hello);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits until a call is open and its stream ready, and returns that call. */
    SessionCall awaitWritable() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (open == null || !open.stream().isReady()) {
                writable.await();
            }
            return open;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes {@code message} to {@code call} if that call is still the open one and its stream
     * ready; returns false (nothing written) otherwise. If the write throws, that call is cancelled
     * (so the session reconnects) and the exception propagates; the caller keeps the message.
     */
    boolean write(SessionCall call, AgentMessage message) {
        lock.lock();
        try {
            if (open != call || !call.stream().isReady()) {
                return false;
            }
            try {
                call.stream().onNext(message);
                return true;
            } catch (RuntimeException e) {
                cancel(call, "write failed: " + e);
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Detaches {@code call} and half-closes it, unless it already ended: the agent is leaving. */
    void complete(SessionCall call) {
        lock.lock();
        try {
            detach(call);
            if (call.markEnded()) {
                call.stream().onCompleted();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Detaches {@code call} and cancels it, unless it already ended. */
    void cancel(SessionCall call, String why) {
        lock.lock();
        try {
            detach(call);
            if (call.markEnded()) {
                call.stream().cancel(why, null);
            }
        } finally {
            lock.unlock();
        }
    }
}
