package dev.runcmd.control.output;

import java.util.Arrays;
import java.util.Collection;

/**
 * Cuts a batch of stored chunks into the events a follower has not delivered yet: the parts of the
 * chunks of its streams that lie beyond its offsets and below its {@code until} offsets, in storage
 * order. Stops at a gap (a chunk of a stream starting after that stream's offset): the chunk before
 * it is not committed yet, and its commit will wake the follower. A pure function: no state.
 */
final class BatchSlicer {

    /** What a slice queued: the offsets after it and how many bytes it queued. */
    record Slice(Offsets next, long bytes) {
    }

    private BatchSlicer() {
    }

    /** Adds the undelivered parts of {@code batch} to {@code events}, starting at {@code from}. */
    static Slice slice(Batch batch, FollowSpec spec, Offsets from, Collection<? super FollowEvent> events) {
        Offsets next = from;
        long queued = 0;
        for (StoredChunk chunk : batch.merged()) {
            StdStream stream = chunk.stream();
            long at = next.of(stream);
            long end = Math.min(chunk.end(), spec.until().of(stream));
            if (!spec.streams().contains(stream) || end <= at) {
                continue;
            }
            if (chunk.offset() > at) {
                break;
            }
            byte[] data = at == chunk.offset() && end == chunk.end() ? chunk.data()
                    : Arrays.copyOfRange(chunk.data(), (int) (at - chunk.offset()), (int) (end - chunk.offset()));
            events.add(new FollowEvent.Chunk(stream, at, data));
            next = next.with(stream, end);
            queued += data.length;
        }
        return new Slice(next, queued);
    }
}
