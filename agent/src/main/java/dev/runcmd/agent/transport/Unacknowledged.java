package dev.runcmd.agent.transport;

import dev.runcmd.proto.agent.v1.Ack;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.OutputStream;
import java.util.Map;
import java.util.TreeMap;

/**
 * The messages written to a stream but not yet acknowledged by the gateway (Started, Output,
 * Exited), in the order they were first written, kept for replay on the next stream. Each entry has
 * a sequence number; a replay cursor says which entries were already written on the current
 * stream, so a new stream ({@link #rewind()}) gets every entry again, oldest first.
 *
 * <p>Release follows the gateway's Ack: an Output once the acknowledged offset of its stream covers
 * its last byte (a partly covered chunk is kept whole; the gateway ignores duplicate bytes),
 * Started on any Ack of its execution, Exited (and Started) once the Ack says exited. Offsets are
 * "at least this much": a lower, late Ack releases nothing that a higher one did not.
 *
 * <p>The bound is on Output data ({@link #capBytes}) and on the number of entries
 * ({@link #MAX_ENTRIES}, so tiny chunks cannot grow the heap without bound); {@link #isFull()} makes
 * the queue refuse new Outputs until Acks make room. An entry holds the very message that was written (no
 * copy). Not thread-safe: the {@link OutboundQueue} uses it under its lock. An Ack scans every entry
 * (at most {@link #MAX_ENTRIES}).
 */
final class Unacknowledged {
    /** The default bound on unacknowledged Output data: 8 MiB. */
    static final long DEFAULT_CAP_BYTES = 8L * 1024 * 1024;
    /** The most entries kept, whatever their size. */
    static final int MAX_ENTRIES = 16_384;

    private final long capBytes;
    private final TreeMap<Long, AgentMessage> entries = new TreeMap<>();
    private long nextSeq;
    private long replayFrom; // entries with a smaller sequence number were written on the current stream
    private long bytes;

    Unacknowledged(long capBytes) {
        if (capBytes < 1) {
            throw new IllegalArgumentException("capBytes must be positive: " + capBytes);
        }
        this.capBytes = capBytes;
    }

    /** Whether {@code message} is kept until acknowledged (Started, Output, Exited). */
    static boolean keeps(AgentMessage message) {
        return switch (message.getKindCase()) {
            case STARTED, OUTPUT, EXITED -> true;
            default -> false;
        };
    }

    /** Adds a message that was just written; returns its sequence number. */
    long add(AgentMessage message) {
        long seq = nextSeq++;
        entries.put(seq, message);
        bytes += dataBytes(message);
        return seq;
    }

    /** The oldest entry not yet written on the current stream, or null when none is left. */
    Map.Entry<Long, AgentMessage> nextToReplay() {
        return entries.ceilingEntry(replayFrom);
    }

    /** Records that entry {@code seq} was written on the current stream. */
    void sent(long seq) {
        replayFrom = Math.max(replayFrom, seq + 1);
    }

    /** A new stream opened: every entry is to be written again. */
    void rewind() {
        replayFrom = 0;
    }

    /** Forgets what {@code ack} covers. */
    void release(Ack ack) {
        entries.values().removeIf(message -> {
            boolean covered = covers(ack, message);
            if (covered) {
                bytes -= dataBytes(message);
            }
            return covered;
        });
    }

    /** True when no new Output may be queued until an Ack makes room. */
    boolean isFull() {
        return bytes >= capBytes || entries.size() >= MAX_ENTRIES;
    }

    /** Output data held, in bytes. */
    long bytes() {
        return bytes;
    }

    /** Entries held. */
    int size() {
        return entries.size();
    }

    private static boolean covers(Ack ack, AgentMessage message) {
        return switch (message.getKindCase()) {
            case STARTED -> message.getStarted().getExecutionId().equals(ack.getExecutionId());
            case EXITED -> ack.getExited() && message.getExited().getExecutionId().equals(ack.getExecutionId());
            case OUTPUT -> message.getOutput().getExecutionId().equals(ack.getExecutionId())
                    && end(message) <= acked(ack, message.getOutput().getStream());
            default -> true;
        };
    }

    private static long end(AgentMessage output) {
        return output.getOutput().getOffset() + output.getOutput().getData().size();
    }

    private static long acked(Ack ack, OutputStream stream) {
        return stream == OutputStream.STDERR ? ack.getStderrOffset() : ack.getStdoutOffset();
    }

    private static long dataBytes(AgentMessage message) {
        return message.hasOutput() ? message.getOutput().getData().size() : 0;
    }
}
