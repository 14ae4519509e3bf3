package dev.runcmd.agent.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Small file operations with explicit durability: atomic replace, directory fsync, private modes. Used for the
 * state dirs and for the machine's identity files.
 */
public final class Durable {
    private Durable() {}

    /**
     * Replaces {@code file} with {@code bytes} atomically (a temporary file renamed over it), so a
     * reader sees the old or the new content, never a torn one. With {@code sync}, the data and the
     * rename are fsynced before this returns.
     */
    static void replace(Path file, byte[] bytes, boolean sync) throws IOException {
        replace(file, bytes, sync, new FileAttribute<?>[0]);
    }

    /** {@link #replace(Path, byte[], boolean)} for a secret: the file is created with mode 0600 where POSIX. */
    public static void replacePrivate(Path file, byte[] bytes) throws IOException {
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".tmp"));
        replace(file, bytes, true, isPosix(file.getParent()) ? new FileAttribute<?>[] {
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))} : new FileAttribute<?>[0]);
    }

    private static void replace(Path file, byte[] bytes, boolean sync, FileAttribute<?>[] attributes)
            throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING), attributes)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            if (sync) {
                out.force(true);
            }
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (sync) {
            syncDir(file.getParent());
        }
    }

    /** Makes the entries of {@code dir} durable; a no-op where directories cannot be opened (Windows). */
    public static void syncDir(Path dir) throws IOException {
        if (!isPosix(dir)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Mode 0700 where the file system has POSIX permissions; nothing elsewhere. */
    public static FileAttribute<?>[] ownerOnlyDir(Path near) {
        return isPosix(near) ? new FileAttribute<?>[] {
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))} : new FileAttribute<?>[0];
    }

    /** True where the file system has POSIX permissions (not on Windows). */
    public static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
