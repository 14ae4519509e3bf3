package dev.runcmd.agent.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.function.Consumer;

/**
 * One output stream of a script, copied to a file as the pump reads it, so the uploader can send
 * it at its own pace with bounded memory. The file is created owner-only (0600) and never
 * truncated; the exec dir's removal deletes it.
 *
 * <p>Threading: one writer (the stream's pump) calls {@link #accept}; readers may call
 * {@link #size} and {@link #read} at any time and see whole chunks only. A write failure (disk
 * full) is remembered, and the spool stops growing: the output itself still streams to the
 * gateway, only the upload is incomplete, which {@link #failure()} reports.
 */
final class OutputSpool implements Consumer<ByteBuffer>, AutoCloseable {
    private static final FileAttribute<?> OWNER_READ_WRITE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final FileChannel channel;
    private volatile long size; // written only by the pump
    private volatile String failure;

    private OutputSpool(FileChannel channel) {
        this.channel = channel;
    }

    /** Creates the spool file {@code file}, which must not exist yet. */
    static OutputSpool create(Path file) throws IOException {
        var options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
        boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
        FileChannel channel = posix ? FileChannel.open(file, options, OWNER_READ_WRITE) : FileChannel.open(file, options);
        return new OutputSpool(channel);
    }

    /**
     * Appends {@code chunk} (all its remaining bytes, without copying them). Called by the pump with
     * exactly the bytes it queues as Output.
     */
    @Override
    public void accept(ByteBuffer chunk) {
        if (failure != null) {
            return;
        }
        try {
            int n = chunk.remaining();
            while (chunk.hasRemaining()) {
                channel.write(chunk);
            }
            size += n;
        } catch (IOException e) {
            failure = "the output could not be spooled: " + e.getMessage();
        }
    }

    /** The bytes spooled so far (whole chunks only). */
    long size() {
        return size;
    }

    /** Why the spool stopped growing, or null while it is complete. */
    String failure() {
        return failure;
    }

    /** A stream of bytes {@code [from, from + length)}, read from the file as it is consumed. */
    InputStream read(long from, long length) {
        return new RegionStream(channel, from, from + length);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Positional reads of one region of the spool; independent of the writer's position. */
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
                throw new IOException("the spool ended before its recorded size");
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
