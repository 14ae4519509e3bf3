package dev.runcmd.agent.exec;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.runcmd.agent.transport.Outbox;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.Output;
import dev.runcmd.proto.agent.v1.OutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Copies one of a script's output pipes into the {@link Outbox}. Each read waits for the script to
 * write, takes whatever the pipe holds at that moment up to 64 KiB (the protocol's limit), and sends
 * it at once as one Output: output is seen as it is produced, and a fast writer yields full chunks.
 * When the outbox is full, the pump blocks in {@code put}, stops reading, and the script blocks on
 * its pipe: back-pressure without loss.
 *
 * <p>Each queued chunk is also handed, as a read-only view of the same bytes (no copy), to {@code
 * copy} (the output blob's spool, or a no-op): exactly the bytes sent as Output, in order. The copy
 * must not block on the network.
 *
 * <p>Threading: {@link #run()} on its own thread; {@link #awaitEof} and {@link #stop()} from the
 * execution's waiter thread. Once {@link #stop()} returns, no further Output of this pump is queued,
 * and the byte count it returns is final.
 */
final class OutputPump implements Runnable {
    /** The most bytes per Output message (the protocol's limit). */
    static final int CHUNK_BYTES = 64 * 1024;

    private static final Logger LOG = Logger.getLogger(OutputPump.class.getName());

    private final String executionId;
    private final OutputStream stream;
    private final InputStream in;
    private final Outbox outbox;
    private final Consumer<ByteBuffer> copy;
    private final CountDownLatch eof = new CountDownLatch(1);
    private final ReentrantLock lock = new ReentrantLock();
    private long offset; // guarded by lock; bytes of this stream queued so far
    private boolean stopped; // guarded by lock

    OutputPump(String executionId, OutputStream stream, InputStream in, Outbox outbox, Consumer<ByteBuffer> copy) {
        this.executionId = executionId;
        this.stream = stream;
        this.in = in;
        this.outbox = outbox;
        this.copy = copy;
    }

    @Override
    public void run() {
        byte[] buffer = new byte[CHUNK_BYTES];
        try (in) {
            int n;
            while ((n = fill(buffer)) >= 0) {
                if (n > 0 && !forward(chunk(buffer, n))) {
                    return;
                }
                if (n == buffer.length) {
                    buffer = new byte[CHUNK_BYTES];
                }
            }
        } catch (IOException e) {
            LOG.fine(() -> "Output pipe of " + executionId + " closed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            eof.countDown();
        }
    }

    /**
     * Reads into {@code buffer}: blocks until the pipe has something, then also takes whatever
     * else it holds right now, up to a full chunk. So a fast writer yields full chunks (fewer
     * messages) while a slow one is still forwarded as soon as it writes. Returns the bytes read,
     * or -1 at end-of-file.
     */
    private int fill(byte[] buffer) throws IOException {
        int n = in.read(buffer);
        while (n > 0 && n < buffer.length && in.available() > 0) {
            int more = in.read(buffer, n, buffer.length - n);
            if (more < 0) {
                break;
            }
            n += more;
        }
        return n;
    }

    /**
     * The first {@code n} bytes as a ByteString. A full buffer is handed over without a copy (the
     * caller then reads into a new one); a partial one is copied, so the buffer can be reused.
     */
    private static ByteString chunk(byte[] buffer, int n) {
        return n == buffer.length ? UnsafeByteOperations.unsafeWrap(buffer) : ByteString.copyFrom(buffer, 0, n);
    }

    /** Queues one chunk and copies it unless stopped; returns false when stopped. */
    private boolean forward(ByteString data) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            if (stopped) {
                return false;
            }
            Output output = Output.newBuilder()
                    .setExecutionId(executionId)
                    .setStream(stream)
                    .setOffset(offset)
                    .setData(data)
                    .build();
            outbox.put(AgentMessage.newBuilder().setOutput(output).build());
            offset += data.size();
            copy.accept(data.asReadOnlyByteBuffer());
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the pipe reached end-of-file (or failed), at most {@code timeout}. */
    boolean awaitEof(Duration timeout) throws InterruptedException {
        return eof.await(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    }

    /**
     * Stops queueing output and returns the total bytes queued. If a chunk is being queued right
     * now, waits for it first, so the total matches exactly what was sent. A read that is blocked
     * (a background process holds the pipe open) is abandoned: its thread ends when the pipe does.
     */
    long stop() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            stopped = true;
            return offset;
        } finally {
            lock.unlock();
        }
    }
}
