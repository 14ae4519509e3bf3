package dev.runcmd.gateway.store;

import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * A piece of one output stream of an execution, as an agent sent it.
 *
 * @param stream 1 for stdout, 2 for stderr (agent.proto OutputStream numbers)
 * @param offset byte offset of the first byte within that stream
 * @param data the bytes; possibly a view of the received message, never modified
 */
public record OutputChunk(short stream, long offset, Buffer data) {

    /** Stdout's stream number. */
    public static final short STDOUT = 1;
    /** Stderr's stream number. */
    public static final short STDERR = 2;

    /** The offset just past this chunk's last byte. */
    public long end() {
        return offset + data.length();
    }

    /** The end of each stream among {@code chunks} (0 for a stream with none). */
    public static StoredOffsets ends(List<OutputChunk> chunks) {
        long stdout = 0;
        long stderr = 0;
        for (OutputChunk chunk : chunks) {
            if (chunk.stream() == STDOUT) {
                stdout = Math.max(stdout, chunk.end());
            } else {
                stderr = Math.max(stderr, chunk.end());
            }
        }
        return new StoredOffsets(stdout, stderr);
    }
}
