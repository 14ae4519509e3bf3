package dev.runcmd.control.output;

import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * One execution's output as a follower's source: each read is one {@link OutputReader} batch after the offsets
 * delivered so far, cut by {@link BatchSlicer}; once caught up, the end event follows when the execution has ended,
 * the client did not ask to follow, or every stream reached its limit. Confined to the follower's context.
 */
final class ExecutionSource implements FollowSource<OutputSink> {

    private final FollowSpec spec;
    private final OutputReader reader;
    private final EnumSet<StdStream> truncationSent = EnumSet.noneOf(StdStream.class);
    private Offsets next;

    ExecutionSource(FollowSpec spec, OutputReader reader) {
        this.spec = spec;
        this.reader = reader;
        this.next = spec.from();
    }

    @Override
    public Set<UUID> wakeIds() {
        return Set.of(spec.executionId());
    }

    @Override
    public boolean follows() {
        return spec.follow();
    }

    @Override
    public String describe() {
        return "execution " + spec.executionId();
    }

    @Override
    public Uni<Round<OutputSink>> read() {
        return reader.read(spec.executionId(), readOffsets()).map(this::round);
    }

    /**
     * A notified chunk of this execution, sliced after what was delivered and below the limits; a chunk starting past
     * the delivered offset leaves a gap (an earlier chunk's notification was not seen yet), so the follower reads.
     * When the chunk brings the last stream to its limit the round asks for a read, which ends the delivery.
     */
    @Override
    public Optional<Round<OutputSink>> offer(NotifiedChunk chunk) {
        StdStream stream = chunk.stream();
        long at = next.of(stream);
        long end = Math.min(chunk.end(), spec.until().of(stream));
        if (!chunk.executionId().equals(spec.executionId()) || !spec.streams().contains(stream) || end <= at) {
            return Optional.of(new Round<>(List.of(), false, null));
        }
        if (chunk.offset() > at) {
            return Optional.empty();
        }
        byte[] data = at == chunk.offset() && end == chunk.end() ? chunk.data()
                : Arrays.copyOfRange(chunk.data(), (int) (at - chunk.offset()), (int) (end - chunk.offset()));
        next = next.with(stream, end);
        boolean everyLimitReached = readOffsets().equals(Offsets.UNLIMITED);
        return Optional.of(new Round<>(List.of(new FollowEvent.Chunk(stream, at, data)), everyLimitReached, null));
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

    private Round<OutputSink> round(Optional<Batch> batch) {
        if (batch.isEmpty()) {
            return Round.failed(FollowFailure.DELETED);
        }
        List<Delivery<OutputSink>> events = new ArrayList<>();
        BatchSlicer.Slice slice = BatchSlicer.slice(batch.get(), spec, next, events);
        next = slice.next();
        ExecutionStatus status = batch.get().status();
        addTruncations(status, events);
        boolean delivered = slice.bytes() > 0;
        if (!delivered && (!spec.follow() || status.state().isTerminal()
                || readOffsets().equals(Offsets.UNLIMITED))) {
            events.add(new FollowEvent.End(spec.executionId(), status));
        }
        return new Round<>(events, delivered, null);
    }

    /** Queues a truncated event, once per stream, when the stream's stored bytes are all taken. */
    private void addTruncations(ExecutionStatus status, List<Delivery<OutputSink>> events) {
        for (StdStream stream : spec.streams()) {
            if (status.isTruncated(stream) && next.of(stream) >= status.storedBytes(stream)
                    && truncationSent.add(stream)) {
                events.add(new FollowEvent.Truncated(stream, status.capOf(stream)));
            }
        }
    }
}
