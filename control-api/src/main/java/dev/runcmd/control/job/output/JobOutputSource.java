package dev.runcmd.control.job.output;

import dev.runcmd.control.output.Delivery;
import dev.runcmd.control.output.ExecutionStatus;
import dev.runcmd.control.output.FollowFailure;
import dev.runcmd.control.output.FollowSource;
import dev.runcmd.control.output.Round;
import dev.runcmd.control.output.StdStream;
import dev.runcmd.control.output.StoredChunk;
import dev.runcmd.control.output.Utf8Decoder;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A job's merged output as a follower's source: every round reads the whole job with one {@link JobOutputReader}
 * statement and cuts it into events, across targets in storage (arrival) order, per target and stream in byte
 * order. A target's end follows once its execution ended and all its stored output was read; the job's done
 * follows once the job ended and every target's end was delivered (following), or once a round found nothing new
 * (not following). Targets released later join as they appear; held targets have no output.
 *
 * <p>With {@code endsOnly}, no output is read or sent: a target's end follows as soon as its execution ended, for
 * a client that waits for the job and shows its progress without downloading every target's output.
 *
 * <p>The {@link JobCursor} moves as each event is delivered, so the token with an event resumes right after it.
 * Reading ahead of it are only the trailing bytes of an incomplete UTF-8 character per target and stream, held
 * in a decoder until the rest comes. Memory: the cursor, a decoder per started target, and one round.
 *
 * <p>Confined to its follower's context.
 */
public final class JobOutputSource implements FollowSource<JobOutputSink> {

    private static final String GONE = "The run command was deleted or replaced outside the job.";

    private final JobOutputReader reader;
    private final JobOutputReader.JobRef job;
    private final JobCursor cursor;
    private final boolean follow;
    private final boolean endsOnly;
    private final Map<Integer, Utf8Decoder[]> decoders = new HashMap<>();
    private Set<UUID> wakeIds;
    /** The last position of a round that read as many targets as it may, or -1. */
    private int after = -1;

    JobOutputSource(JobOutputReader reader, JobOutputReader.JobRef job, JobCursor cursor, boolean follow,
            boolean endsOnly) {
        this.reader = reader;
        this.job = job;
        this.cursor = cursor;
        this.follow = follow;
        this.endsOnly = endsOnly;
        this.wakeIds = Set.of(job.id());
    }

    @Override
    public Set<UUID> wakeIds() {
        return wakeIds;
    }

    @Override
    public boolean follows() {
        return follow;
    }

    /** Output brings an ends-only stream nothing: stored output wakes no read (a state change's wake-up does). */
    @Override
    public boolean readsOutput() {
        return !endsOnly;
    }

    @Override
    public String describe() {
        return "job " + job.id();
    }

    @Override
    public Uni<Round<JobOutputSink>> read() {
        return reader.read(job, cursor, readOffsets(), after, endsOnly).map(this::round);
    }

    /** The cursor's offsets plus the bytes held in decoders: where reading goes on. */
    private Map<Integer, long[]> readOffsets() {
        Map<Integer, long[]> offsets = new TreeMap<>();
        cursor.started().forEach((position, at) -> offsets.put(position, at.clone()));
        decoders.forEach((position, pair) -> {
            long[] at = offsets.computeIfAbsent(position, p -> new long[2]);
            for (StdStream stream : StdStream.values()) {
                at[stream.ordinal()] += pair[stream.ordinal()].heldBack();
            }
        });
        return offsets;
    }

    private Round<JobOutputSink> round(Optional<JobBatch> read) {
        if (read.isEmpty()) {
            return Round.failed(FollowFailure.DELETED);
        }
        JobBatch batch = read.get();
        Map<Integer, String> machines = new HashMap<>();
        batch.targets().forEach(target -> machines.put(target.position(), target.machine()));
        Map<Integer, long[]> sent = new HashMap<>();
        List<Delivery<JobOutputSink>> events = new ArrayList<>();
        slice(batch, machines, sent, events);
        Set<UUID> running = new HashSet<>();
        running.add(job.id());
        for (JobBatch.TargetStatus target : batch.targets()) {
            if (!end(target, sent, events)) {
                running.add(target.executionId());
            }
        }
        wakeIds = Set.copyOf(running);
        boolean limited = batch.targets().size() >= JobOutputReader.TARGETS_PER_ROUND;
        after = limited ? batch.targets().get(batch.targets().size() - 1).position() : -1;
        boolean more = !events.isEmpty() || limited;
        boolean ended = !"Running".equals(batch.provisioningState()) && batch.targets().isEmpty();
        if (!more && (!follow || ended)) {
            String state = batch.provisioningState();
            events.add(Delivery.last(sink -> sink.done(state, cursor)));
        }
        return new Round<>(events, more, null);
    }

    /**
     * Queues the chunks' bytes beyond where each target-stream stands, in storage order. A target-stream stops at
     * a gap (a chunk starting after its offset: the one before is not committed yet, and its commit wakes the
     * follower), and a target stops after the last chunk read of a stream that hit the row limit, so that its
     * streams stay in storage order.
     */
    private void slice(JobBatch batch, Map<Integer, String> machines, Map<Integer, long[]> sent,
            List<Delivery<JobOutputSink>> events) {
        Map<Integer, Long> cutoff = cutoffs(batch.chunks());
        Set<Long> stopped = new HashSet<>();
        for (JobBatch.TargetChunk part : batch.chunks()) {
            int position = part.position();
            StoredChunk chunk = part.chunk();
            long key = position * 2L + chunk.stream().ordinal();
            if (stopped.contains(key) || chunk.seq() > cutoff.getOrDefault(position, Long.MAX_VALUE)) {
                continue;
            }
            long[] at = sent.computeIfAbsent(position, p -> new long[] {
                    cursor.offset(p, StdStream.STDOUT), cursor.offset(p, StdStream.STDERR)});
            Utf8Decoder decoder = decoders(position)[chunk.stream().ordinal()];
            long from = at[chunk.stream().ordinal()] + decoder.heldBack();
            if (chunk.end() <= from) {
                continue;
            }
            if (chunk.offset() > from) {
                stopped.add(key);
                continue;
            }
            byte[] data = from == chunk.offset() ? chunk.data()
                    : Arrays.copyOfRange(chunk.data(), (int) (from - chunk.offset()), chunk.data().length);
            output(position, machines.get(position), chunk.stream(), at, decoder.decode(data),
                    chunk.end() - decoder.heldBack(), events);
        }
    }

    /** Per target, the last seq read of a stream that hit the row limit (more of it may come before the rest). */
    private static Map<Integer, Long> cutoffs(List<JobBatch.TargetChunk> chunks) {
        Map<Long, Integer> counts = new HashMap<>();
        Map<Long, Long> lastSeq = new HashMap<>();
        for (JobBatch.TargetChunk part : chunks) {
            long key = part.position() * 2L + part.chunk().stream().ordinal();
            counts.merge(key, 1, Integer::sum);
            lastSeq.put(key, part.chunk().seq());
        }
        Map<Integer, Long> cutoff = new HashMap<>();
        counts.forEach((key, count) -> {
            if (count >= JobOutputReader.ROWS_PER_STREAM) {
                cutoff.merge((int) (key / 2), lastSeq.get(key), Math::min);
            }
        });
        return cutoff;
    }

    /**
     * Queues the target's end when its execution ended (or is gone) and all its stored output was read (or none is
     * sent: ends only), after what its decoders still hold; false while it runs on.
     */
    private boolean end(JobBatch.TargetStatus target, Map<Integer, long[]> sent,
            List<Delivery<JobOutputSink>> events) {
        int position = target.position();
        ExecutionStatus status = target.status();
        long[] at = sent.computeIfAbsent(position, p -> new long[] {
                cursor.offset(p, StdStream.STDOUT), cursor.offset(p, StdStream.STDERR)});
        Utf8Decoder[] pair = decoders(position);
        if (status != null && !(status.state().isTerminal() && (endsOnly
                || at[0] + pair[0].heldBack() >= status.storedBytes(StdStream.STDOUT)
                && at[1] + pair[1].heldBack() >= status.storedBytes(StdStream.STDERR)))) {
            return false;
        }
        for (StdStream stream : StdStream.values()) {
            int held = pair[stream.ordinal()].heldBack();
            output(position, target.machine(), stream, at, pair[stream.ordinal()].flush(),
                    at[stream.ordinal()] + held, events);
        }
        decoders.remove(position);
        TargetEnd end = status == null ? new TargetEnd(target.machine(), "Canceled", 0, GONE)
                : new TargetEnd(target.machine(), status.state().azure(), status.shownExitCode(), status.message());
        events.add(sink -> {
            cursor.end(position);
            sink.end(end, cursor);
        });
        return true;
    }

    /** Queues text of a target-stream ending at byte {@code end}, when there is any. */
    private void output(int position, String machine, StdStream stream, long[] at, String text, long end,
            List<Delivery<JobOutputSink>> events) {
        if (text.isEmpty()) {
            return;
        }
        TargetOutput output = new TargetOutput(machine, stream, at[stream.ordinal()], text);
        at[stream.ordinal()] = end;
        events.add(sink -> {
            cursor.advance(position, stream, end);
            sink.output(output, cursor);
        });
    }

    private Utf8Decoder[] decoders(int position) {
        return decoders.computeIfAbsent(position, p -> new Utf8Decoder[] {new Utf8Decoder(), new Utf8Decoder()});
    }
}
