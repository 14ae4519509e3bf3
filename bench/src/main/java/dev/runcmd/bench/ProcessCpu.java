package dev.runcmd.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** CPU time a process used so far (utime + stime from /proc/PID/stat). */
final class ProcessCpu {

    /** Clock ticks per second of /proc's times: USER_HZ, 100 on every Linux architecture Java runs on. */
    private static final double TICKS_PER_SECOND = 100;

    private ProcessCpu() {
    }

    /** User plus system CPU seconds of {@code pid} so far. */
    static double seconds(long pid) throws IOException {
        long[] fields = fields(pid);
        return (fields[11] + fields[12]) / TICKS_PER_SECOND;
    }

    /** CPU seconds of the children of {@code pid} that ended and were waited for (cutime + cstime). */
    static double endedChildrenSeconds(long pid) throws IOException {
        long[] fields = fields(pid);
        return (fields[13] + fields[14]) / TICKS_PER_SECOND;
    }

    /**
     * CPU seconds of {@code pid}, of its ended children and of its living children (one level: a PostgreSQL
     * server's backends and workers are children of the postmaster).
     */
    static double treeSeconds(long pid) throws IOException {
        double total = seconds(pid) + endedChildrenSeconds(pid);
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    long[] fields = fields(Long.parseLong(name));
                    if (fields[1] == pid) {
                        total += (fields[11] + fields[12]) / TICKS_PER_SECOND;
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended meanwhile
                }
            }
        }
        return total;
    }

    /** The numeric fields after the command name: [0] state (0), [1] ppid, ... [11] utime, [12] stime, ... */
    private static long[] fields(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
        // The command name (field 2) may hold spaces; fields are counted after its closing parenthesis.
        String[] text = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long[] fields = new long[15];
        for (int i = 1; i < fields.length; i++) {
            fields[i] = Long.parseLong(text[i]);
        }
        return fields;
    }
}
