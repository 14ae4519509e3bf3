package dev.runcmd.agent.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The agent's private directories: the work dir, and one exec dir per running execution at
 * {@code <work-dir>/exec/<execution-id>}. Everything is created owner-only (0700), as scripts may
 * carry secrets.
 */
public final class ExecDirs {
    /** Mode 0700, applied at creation. */
    public static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    /** Mode 0711: only the owner lists or writes; anyone may pass through to a known name. */
    private static final Set<PosixFilePermission> TRAVERSE_ONLY = PosixFilePermissions.fromString("rwx--x--x");

    /** Execution ids the agent accepts: safe as a single path component. */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Logger LOG = Logger.getLogger(ExecDirs.class.getName());
    /** The deepest directory nesting {@link #deleteRecursively} enters (each level holds a file descriptor). */
    static final int MAX_DEPTH = 128;

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

    /**
     * Deletes {@code dir} and everything under it; a missing dir is fine. Never follows a symbolic link, even one
     * that a process of the script's user swaps in while the deletion runs: every entry is examined, opened and
     * removed relative to its parent's open directory ({@link SecureDirectoryStream}, openat/unlinkat), a link is
     * removed itself, and a directory replaced by a link is refused rather than entered. A {@code dir} that is
     * itself a link is removed as a link. Directories nested deeper than {@value #MAX_DEPTH} are refused.
     */
    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                if (!(entries instanceof SecureDirectoryStream<Path> secure)) {
                    throw new IOException("this file system cannot delete " + dir + " without following links");
                }
                deleteContents(secure, 1);
            }
        }
        Files.deleteIfExists(dir);
    }

    private static void deleteContents(SecureDirectoryStream<Path> dir, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IOException("directories nested deeper than " + MAX_DEPTH);
        }
        for (Path entry : dir) {
            Path name = entry.getFileName();
            boolean directory = dir.getFileAttributeView(name, BasicFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS).readAttributes().isDirectory();
            if (directory) {
                try (SecureDirectoryStream<Path> child = dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
                    deleteContents(child, depth + 1);
                }
                dir.deleteDirectory(name);
            } else {
                dir.deleteFile(name);
            }
        }
    }

    /**
     * Removes exec dirs left behind by an agent that did not stop cleanly. Called at start-up, when
     * no execution of this agent is running.
     */
    public static void deleteStale(Path execRoot) throws IOException {
        deleteStale(execRoot, Set.of());
    }

    /** Like {@link #deleteStale(Path)}, but keeps the exec dirs of the execution ids in {@code keep}. */
    public static void deleteStale(Path execRoot, Set<String> keep) throws IOException {
        if (!Files.isDirectory(execRoot)) {
            return;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(execRoot)) {
            for (Path dir : dirs) {
                if (keep.contains(dir.getFileName().toString())) {
                    continue;
                }
                LOG.info(() -> "Removing stale exec dir " + dir.getFileName());
                deleteRecursively(dir);
            }
        }
    }

    /**
     * The parent of the exec dirs of scripts run as another user, for the agent whose work dir is
     * {@code workDir}: {@code <tmpDir>/runcmd-runas-<hash of the work dir>}. It lives outside the
     * work dir because the work dir's ancestors (e.g. root's home) are usually closed to other users.
     */
    public static Path runAsRootFor(Path workDir, Path tmpDir) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(workDir.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
            return tmpDir.resolve("runcmd-runas-" + HexFormat.of().formatHex(digest, 0, 6));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Makes {@code root} a directory of this process's user with mode 0711 and removes stale exec
     * dirs in it (except those of the ids in {@code keep}, whose scripts still run). An existing {@code root} that is a symbolic link, not a directory, or owned by
     * another user is refused: someone else could otherwise steer where the agent writes.
     */
    public static void prepareTraversable(Path root, Set<String> keep) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(root, OWNER_ONLY);
        }
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(root + " is not a directory");
        }
        Object owner = Files.getAttribute(root, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (!owner.equals(self)) {
            throw new IOException(root + " belongs to another user");
        }
        Files.setPosixFilePermissions(root, TRAVERSE_ONLY);
        deleteStale(root, keep);
    }
}
