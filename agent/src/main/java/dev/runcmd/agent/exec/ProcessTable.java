package dev.runcmd.agent.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Reads process facts from Linux's /proc that {@link ProcessHandle} does not offer: the process
 * group, and whether a process is a zombie. A zombie has exited (only its parent has not collected
 * it yet; orphans wait for init), so here it counts as gone.
 */
final class ProcessTable {
    private static final Path PROC = Path.of("/proc");

    private ProcessTable() {}

    /** True while {@code pid} exists and is not a zombie. */
    static boolean isRunning(long pid) {
        String[] fields = statFields(pid);
        return fields != null && !fields[0].equals("Z");
    }

    /** The process group of {@code pid}, if it exists. */
    static OptionalLong groupOf(long pid) {
        String[] fields = statFields(pid);
        return fields == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(fields[2]));
    }

    /** The running (non-zombie) processes whose process group is {@code pgid}. */
    static List<Long> runningMembers(long pgid) {
        List<Long> members = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path entry : entries) {
                long pid = Long.parseLong(entry.getFileName().toString());
                String[] fields = statFields(pid);
                if (fields != null && !fields[0].equals("Z") && Long.parseLong(fields[2]) == pgid) {
                    members.add(pid);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return members;
    }

    /**
     * The fields of /proc/PID/stat after the command name: [0] state, [1] ppid, [2] pgrp,
     * [3] session, ...; null when the process does not exist (any more).
     */
    private static String[] statFields(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
