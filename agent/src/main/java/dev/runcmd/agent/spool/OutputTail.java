package dev.runcmd.agent.spool;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.runcmd.agent.transport.OutputChunks;
import dev.runcmd.agent.transport.ProgressSource;
import dev.runcmd.proto.agent.v1.Ack;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.Exited;
import dev.runcmd.proto.agent.v1.Output;
import dev.runcmd.proto.agent.v1.OutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.logging.Logger;

/**
 * One execution's progress read back from its {@link RunDir}: Started (once known), then the
 * output files from the next unsent offset, in chunks of at most 64 KiB (full chunks when the script
 * wrote that much), then Exited once the final sizes are known and everything up to them was handed
 * out. Byte offsets are file offsets. After {@link #rewind} everything from the acknowledged offsets
 * is handed out again; Started again unless an Ack of the execution arrived, Exited again unless it
 * was acknowledged.
 *
 * <p>Threading: all methods are synchronized; file reads happen under the lock (local, short). The
 * files are opened on first use and closed once Exited was handed out (reopened by a replay).
 */
public final class OutputTail implements ProgressSource {
    private static final Logger LOG = Logger.getLogger(OutputTail.class.getName());
    private static final OutputStream[] STREAMS = {OutputStream.STDOUT, OutputStream.STDERR};
    /** The acked file is rewritten at most this often... */
    private static final long ACKED_WRITE_INTERVAL_NANOS = 250_000_000L;
    /** ...unless this many more bytes were acknowledged since. */
    private static final long ACKED_WRITE_BYTES = 8L * 1024 * 1024;

    private final String id;
    private final RunDir dir;
    private final FileChannel[] files = new FileChannel[2];
    private final long[] sent = new long[2];
    private final long[] acked = new long[2];
    private long[] finalSizes; // null until the execution ended
    private AgentMessage started;
    private AgentMessage exited;
    private boolean startedSent;
    private boolean startedAcked;
    private boolean exitedSent;
    private boolean exitedAcked;
    private long generation = -1;
    private int turn; // the stream read first next time, so both streams progress
    private long ackedWrittenBytes; // acknowledged bytes (both streams) when the acked file was last written
    private long ackedWrittenNanos = System.nanoTime();

    /** A tail of {@code dir} whose gateway already acknowledged {@code acked}. */
    public OutputTail(RunDir dir, AckedOffsets acked) {
        this.id = dir.id();
        this.dir = dir;
        this.acked[0] = acked.stdout();
        this.acked[1] = acked.stderr();
        this.exitedAcked = acked.exited();
        System.arraycopy(this.acked, 0, sent, 0, 2);
    }

    @Override
    public String executionId() {
        return id;
    }

    /** The process started: {@code message} (a Started) goes first. */
    public synchronized void started(AgentMessage message) {
        started = message;
    }

    /** The execution ended: {@code message} (an Exited, whose byte counts are the final sizes) goes last. */
    public synchronized void exited(Exited message) {
        finalSizes = new long[] {message.getStdoutBytes(), message.getStderrBytes()};
        exited = AgentMessage.newBuilder().setExited(message).build();
    }

    /** True once Exited was acknowledged by the gateway. */
    public synchronized boolean exitedAcknowledged() {
        return exitedAcked;
    }

    /** The acknowledged offsets now. */
    public synchronized AckedOffsets acked() {
        return new AckedOffsets(acked[0], acked[1], exitedAcked);
    }

    /** Bytes in the output files that the gateway has not acknowledged (for the spool bound). */
    public long unacknowledgedBytes() {
        long stdout = dir.size(OutputStream.STDOUT);
        long stderr = dir.size(OutputStream.STDERR);
        synchronized (this) {
            return Math.max(0, stdout - acked[0]) + Math.max(0, stderr - acked[1]);
        }
    }

    @Override
    public synchronized AgentMessage next(long room, long gen) {
        if (gen != generation || (started == null && exited == null)) {
            return null;
        }
        if (started != null && !startedSent) {
            startedSent = true;
            return started;
        }
        AgentMessage output = room > 0 ? readChunk((int) Math.min(OutputChunks.MAX_BYTES, room)) : null;
        if (output != null) {
            return output;
        }
        if (exited != null && !exitedSent && sent[0] >= finalSizes[0] && sent[1] >= finalSizes[1]) {
            exitedSent = true;
            closeFiles();
            return exited;
        }
        return null;
    }

    @Override
    public synchronized void rewind(long gen) {
        generation = gen;
        System.arraycopy(acked, 0, sent, 0, 2);
        startedSent = startedAcked;
        exitedSent = exitedAcked;
    }

    @Override
    public synchronized long acknowledge(Ack ack) {
        long before = inFlight();
        acked[0] = Math.max(acked[0], ack.getStdoutOffset());
        acked[1] = Math.max(acked[1], ack.getStderrOffset());
        sent[0] = Math.max(sent[0], acked[0]);
        sent[1] = Math.max(sent[1], acked[1]);
        startedAcked = true;
        exitedAcked |= ack.getExited();
        recordAcked();
        return before - inFlight();
    }

    /**
     * Rewrites the {@code acked} file, at most every {@link #ACKED_WRITE_INTERVAL_NANOS} or
     * {@link #ACKED_WRITE_BYTES} of progress (a stale file only makes a restarted agent re-send bytes
     * the gateway ignores), and never once Exited was acknowledged (the state dir is deleted next).
     */
    private void recordAcked() {
        long total = acked[0] + acked[1];
        long now = System.nanoTime();
        if (exitedAcked || (total - ackedWrittenBytes < ACKED_WRITE_BYTES
                && now - ackedWrittenNanos < ACKED_WRITE_INTERVAL_NANOS)) {
            return;
        }
        ackedWrittenBytes = total;
        ackedWrittenNanos = now;
        try {
            dir.writeAcked(acked());
        } catch (IOException e) {
            LOG.fine(() -> "Cannot record the acknowledged offsets of " + id + ": " + e.getMessage());
        }
    }

    /** Closes the open output files. */
    public synchronized void close() {
        closeFiles();
    }

    private long inFlight() {
        return (sent[0] - acked[0]) + (sent[1] - acked[1]);
    }

    /** Reads the next chunk of whichever stream has unsent bytes (alternating), or returns null. */
    private AgentMessage readChunk(int max) {
        for (int i = 0; i < 2; i++) {
            int s = (turn + i) % 2;
            ByteString data = read(s, max);
            if (data != null) {
                turn = (s + 1) % 2;
                Output output = Output.newBuilder().setExecutionId(id).setStream(STREAMS[s]).setOffset(sent[s])
                        .setData(data).build();
                sent[s] += data.size();
                return AgentMessage.newBuilder().setOutput(output).build();
            }
        }
        return null;
    }

    /** Up to {@code max} bytes of stream {@code s} from its unsent offset, or null when there are none. */
    private ByteString read(int s, int max) {
        try {
            FileChannel file = file(s);
            long end = file == null ? 0 : finalSizes != null ? finalSizes[s] : file.size();
            int want = (int) Math.min(max, end - sent[s]);
            if (want <= 0) {
                return null;
            }
            byte[] bytes = new byte[want];
            int n = file.read(ByteBuffer.wrap(bytes), sent[s]);
            if (n <= 0) {
                return null;
            }
            return n == want ? UnsafeByteOperations.unsafeWrap(bytes) : ByteString.copyFrom(bytes, 0, n);
        } catch (IOException e) {
            LOG.warning(() -> "Cannot read the output of " + id + ": " + e.getMessage());
            return null;
        }
    }

    private FileChannel file(int s) throws IOException {
        if (files[s] == null) {
            try {
                files[s] = FileChannel.open(dir.output(STREAMS[s]), StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                return null;
            }
        }
        return files[s];
    }

    private void closeFiles() {
        for (int s = 0; s < 2; s++) {
            if (files[s] != null) {
                try {
                    files[s].close();
                } catch (IOException e) {
                    LOG.fine(() -> "Closing an output file of " + id + " failed: " + e.getMessage());
                }
                files[s] = null;
            }
        }
    }
}
