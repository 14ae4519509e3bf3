package dev.runcmd.agent.exec;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The agent's private directories: the work dir, and one exec dir per running execution at
 * {@code <work-dir>/exec/<execution-id>}. Everything is created owner-only (0700), as scripts may
 * carry secrets.
 */
public final class ExecDirs {
    /** Mode 0700, applied at creation. */
    public static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    /** Execution ids the agent accepts: safe as a single path component. */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Logger LOG = Logger.getLogger(ExecDirs.class.getName());

    private ExecDirs() {}

    /** True when {@code id} can name an exec dir (no separators, not "." or ".."). */
    public static boolean isSafeId(String id) {
        return SAFE_ID.matcher(id).matches() && !id.equals(".") && !id.equals("..");
    }

    /** Creates {@code dir}'s parents as needed, then {@code dir} itself (which must not exist), 0700. */
    public static void createPrivate(Path dir) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            Files.createDirectories(parent, OWNER_ONLY);
        }
        Files.createDirectory(dir, OWNER_ONLY);
    }

    /** Deletes {@code dir} and everything under it; a missing dir is fine. */
    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Removes exec dirs left behind by an agent that did not stop cleanly. Called at start-up, when
     * no execution of this agent is running.
     */
    public static void deleteStale(Path execRoot) throws IOException {
        if (!Files.isDirectory(execRoot)) {
            return;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(execRoot)) {
            for (Path dir : dirs) {
                LOG.info(() -> "Removing stale exec dir " + dir.getFileName());
                deleteRecursively(dir);
            }
        }
    }
}
