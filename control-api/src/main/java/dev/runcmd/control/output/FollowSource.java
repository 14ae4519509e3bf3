package dev.runcmd.control.output;

import io.smallrye.mutiny.Uni;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What a {@link Follower} reads: one execution's output, or a job's merged output. A source keeps where its
 * client stands; it is called on the follower's context only, one read at a time, and only once every event of
 * the previous round was delivered, so what it has handed out is what the client has.
 *
 * @param <S> the sink its events are written to
 */
public interface FollowSource<S extends FollowSink> {

    /** The ids whose {@code runcmd_output} notifications should wake the follower now; may change after a read. */
    Set<UUID> wakeIds();

    /** True to wait for more output once caught up; false to stop at what is stored now. */
    boolean follows();

    /** Reads the next round from the store, bounded in size. */
    Uni<Round<S>> read();

    /**
     * The round for a chunk whose notification carried it, when the chunk continues exactly what this source has
     * handed out (or brings nothing new for it), so no read is needed; empty when the source must read instead (a
     * gap, or a source that reads only from the store).
     */
    default Optional<Round<S>> offer(NotifiedChunk chunk) {
        return Optional.empty();
    }

    /**
     * False for a source that sends no output (a job's ends-only stream): stored output, whether its notification
     * carried it or not, then wakes no read; only its ids' state changes do. Called from any thread, so the answer
     * must never change.
     */
    default boolean readsOutput() {
        return true;
    }

    /** A name for logs. */
    String describe();
}
