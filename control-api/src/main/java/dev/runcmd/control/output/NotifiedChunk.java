package dev.runcmd.control.output;

import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * A small chunk as its {@code runcmd_output} notification carries it (V15): {@code <execution id> <stream> <offset>
 * <base64 data>}, sent at the commit that stored it. Shared, read-only, by every follower of the execution.
 *
 * @param executionId the execution
 * @param stream the stream
 * @param offset the offset of data[0]
 * @param data the bytes (never modified)
 */
record NotifiedChunk(UUID executionId, StdStream stream, long offset, byte[] data) {

    /** The offset right after the last byte. */
    long end() {
        return offset + data.length;
    }

    /**
     * The chunk of a notification payload, or empty when the payload is not one (an id alone, or anything
     * malformed: the caller then wakes the followers of the payload's first word as for an id alone).
     */
    static Optional<NotifiedChunk> parse(String payload) {
        String[] parts = payload.split(" ", 4);
        if (parts.length != 4) {
            return Optional.empty();
        }
        try {
            UUID executionId = UUID.fromString(parts[0]);
            StdStream stream = StdStream.fromNumber(Integer.parseInt(parts[1]));
            long offset = Long.parseLong(parts[2]);
            byte[] data = Base64.getMimeDecoder().decode(parts[3]);
            if (offset < 0 || data.length == 0) {
                return Optional.empty();
            }
            return Optional.of(new NotifiedChunk(executionId, stream, offset, data));
        } catch (IllegalArgumentException | IllegalStateException malformed) {
            return Optional.empty();
        }
    }
}
