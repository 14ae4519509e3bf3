package dev.runcmd.agent.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One output stream of a script as its uploader reads it: the script's own output file in the run
 * dir, read-only, growing while the script runs. Until {@link #seal} its size is the file's current
 * size; after it, the final size the execution reported (bytes a background process appends later
 * are not uploaded).
 *
 * <p>Threading: {@link #seal} from the execution's waiter; {@link #size} and {@link #read} from the
 * uploader; positional reads are independent of each other.
 */
final class OutputSpool implements AutoCloseable {
    private final FileChannel channel;
    private volatile long sealedSize = -1;

    private OutputSpool(FileChannel channel) {
        this.channel = channel;
    }

    /** Opens {@code file} (created by the launch) for reading. */
    static OutputSpool follow(Path file) throws IOException {
        return new OutputSpool(FileChannel.open(file, StandardOpenOption.READ));
    }

    /** Fixes the stream's final size. */
    void seal(long finalSize) {
        sealedSize = finalSize;
    }

    /** The bytes available for upload now. */
    long size() throws IOException {
        long sealed = sealedSize;
        return sealed >= 0 ? sealed : channel.size();
    }

    /** A stream of bytes {@code [from, from + length)}, read from the file as it is consumed. */
    InputStream read(long from, long length) {
        return new RegionStream(channel, from, from + length);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Positional reads of one region of the file. */
    private static final class RegionStream extends InputStream {
        private final FileChannel channel;
        private final long end;
        private long position;

        RegionStream(FileChannel channel, long from, long end) {
            this.channel = channel;
            this.position = from;
            this.end = end;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position >= end) {
                return -1;
            }
            int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - position)), position);
            if (n < 0) {
                throw new IOException("the output file ended before its recorded size");
            }
            position += n;
            return n;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }
    }
}
