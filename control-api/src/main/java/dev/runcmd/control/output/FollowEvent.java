package dev.runcmd.control.output;

import java.util.UUID;

/** An event of one execution's output that a follower has read and not yet delivered to its sink. */
sealed interface FollowEvent extends Delivery<OutputSink> {

    /**
     * Bytes of one stream.
     *
     * @param stream the stream
     * @param offset the offset of data[0]
     * @param data the bytes
     */
    record Chunk(StdStream stream, long offset, byte[] data) implements FollowEvent {

        @Override
        public void deliverTo(OutputSink sink) {
            sink.chunk(stream, offset, data);
        }
    }

    /**
     * A stream reached the output cap.
     *
     * @param stream the stream
     * @param capBytes the cap
     */
    record Truncated(StdStream stream, long capBytes) implements FollowEvent {

        @Override
        public void deliverTo(OutputSink sink) {
            sink.truncated(stream, capBytes);
        }
    }

    /**
     * The last event.
     *
     * @param executionId the execution read
     * @param status the execution's status
     */
    record End(UUID executionId, ExecutionStatus status) implements FollowEvent {

        @Override
        public void deliverTo(OutputSink sink) {
            sink.end(executionId, status);
        }

        @Override
        public boolean isLast() {
            return true;
        }
    }
}
