package dev.runcmd.control.output;

/** An event a follower has read and not yet delivered to its sink. */
sealed interface FollowEvent {

    /**
     * Bytes of one stream.
     *
     * @param stream the stream
     * @param offset the offset of data[0]
     * @param data the bytes
     */
    record Chunk(StdStream stream, long offset, byte[] data) implements FollowEvent {
    }

    /**
     * A stream reached the output cap.
     *
     * @param stream the stream
     * @param capBytes the cap
     */
    record Truncated(StdStream stream, long capBytes) implements FollowEvent {
    }

    /**
     * The last event.
     *
     * @param status the execution's status
     */
    record End(ExecutionStatus status) implements FollowEvent {
    }
}
