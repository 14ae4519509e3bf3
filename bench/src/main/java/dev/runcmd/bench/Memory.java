package dev.runcmd.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a process's resident set size from /proc. */
final class Memory {

    private Memory() {
    }

    /** VmRSS of {@code pid} in KiB, or -1 if it cannot be read. */
    static long rssKib(long pid) {
        return statusKib(pid, "VmRSS:");
    }

    /** Peak resident set size (VmHWM) of {@code pid} in KiB, or -1. */
    static long peakKib(long pid) {
        return statusKib(pid, "VmHWM:");
    }

    /** Resident anonymous memory (heap, stacks, JIT code: what the process itself allocated), KiB. */
    static long anonymousKib(long pid) {
        return statusKib(pid, "RssAnon:");
    }

    private static long statusKib(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
