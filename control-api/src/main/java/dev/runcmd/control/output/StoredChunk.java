package dev.runcmd.control.output;

/**
 * One stored row of {@code output_chunk}: bytes of one stream at a byte offset.
 *
 * @param stream which stream
 * @param offset the byte offset of data[0] in the stream
 * @param data the bytes exactly as the script wrote them
 * @param seq the storage order across both streams of the execution
 */
public record StoredChunk(StdStream stream, long offset, byte[] data, long seq) {

    /** The offset right after the last byte. */
    public long end() {
        return offset + data.length;
    }
}
