package dev.runcmd.control.runcommand;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts the last bytes of a stream out of its stored chunks and decodes them as UTF-8 without ever showing a
 * broken character at the cut.
 */
final class TailBytes {

    /**
     * One stored chunk of a stream.
     *
     * @param offset the byte offset of data[0] in the stream
     * @param data the bytes
     */
    record Chunk(long offset, byte[] data) {

        long end() {
            return offset + data.length;
        }
    }

    private TailBytes() {
    }

    /**
     * The last {@code tailBytes} bytes of the stream, from chunks sorted by offset that cover at least that
     * window. Overlapping chunks contribute each byte once; a gap drops everything before it, so the result is
     * always a contiguous run of stored bytes ending at the last stored byte.
     */
    static byte[] window(long declaredTotal, int tailBytes, List<Chunk> chunks) {
        long end = Math.max(declaredTotal, chunks.isEmpty() ? 0 : chunks.get(chunks.size() - 1).end());
        long start = Math.max(0, end - tailBytes);
        byte[] buffer = new byte[(int) (end - start)];
        long from = start;
        int length = 0;
        for (Chunk chunk : chunks) {
            if (chunk.end() <= from) {
                continue;
            }
            if (chunk.offset() > from) {
                length = 0;
                from = chunk.offset();
            }
            int count = (int) (chunk.end() - from);
            System.arraycopy(chunk.data(), (int) (from - chunk.offset()), buffer, length, count);
            length += count;
            from = chunk.end();
        }
        return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
    }

    /**
     * Decodes bytes cut out of a UTF-8 stream: a partial character at either end is dropped, anything else that
     * is not valid UTF-8 becomes U+FFFD.
     */
    static String decode(byte[] bytes) {
        int start = 0;
        while (start < bytes.length && start < 3 && isContinuation(bytes[start])) {
            start++;
        }
        int end = completeEnd(bytes, start);
        return new String(bytes, start, end - start, StandardCharsets.UTF_8);
    }

    /** The end of the bytes without a trailing character whose last bytes are not there yet. */
    private static int completeEnd(byte[] bytes, int start) {
        int lead = bytes.length - 1;
        while (lead >= start && lead > bytes.length - 4 && isContinuation(bytes[lead])) {
            lead--;
        }
        if (lead < start) {
            return bytes.length;
        }
        int expected = sequenceLength(bytes[lead]);
        return bytes.length - lead < expected ? lead : bytes.length;
    }

    private static boolean isContinuation(byte b) {
        return (b & 0xC0) == 0x80;
    }

    private static int sequenceLength(byte lead) {
        if ((lead & 0xE0) == 0xC0) {
            return 2;
        }
        if ((lead & 0xF0) == 0xE0) {
            return 3;
        }
        return (lead & 0xF8) == 0xF0 ? 4 : 1;
    }
}
