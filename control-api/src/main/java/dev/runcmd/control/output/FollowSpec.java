package dev.runcmd.control.output;

import java.util.Set;
import java.util.UUID;

/**
 * What a follower reads: which execution and streams, from which offsets, up to which offsets, and whether it
 * keeps following new output until the execution ends.
 *
 * @param executionId the execution
 * @param streams the streams to deliver
 * @param from the offsets to start at
 * @param until the offsets to stop at ({@link Offsets#UNLIMITED} for no limit)
 * @param follow true to wait for new output until the execution ends; false to stop at what is stored now
 */
public record FollowSpec(UUID executionId, Set<StdStream> streams, Offsets from, Offsets until, boolean follow) {

    /** Copies the stream set. */
    public FollowSpec {
        streams = Set.copyOf(streams);
    }

    /** Both streams from the given offsets, without a limit. */
    public static FollowSpec both(UUID executionId, Offsets from, boolean follow) {
        return new FollowSpec(executionId, Set.of(StdStream.values()), from, Offsets.UNLIMITED, follow);
    }

    /** One stream from {@code from} up to {@code until} (exclusive). */
    public static FollowSpec single(UUID executionId, StdStream stream, long from, long until, boolean follow) {
        return new FollowSpec(executionId, Set.of(stream), Offsets.ZERO.with(stream, from),
                Offsets.UNLIMITED.with(stream, until), follow);
    }
}
