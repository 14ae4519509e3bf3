package dev.runcmd.gateway.store;

import io.vertx.mutiny.sqlclient.Row;

/**
 * The words an execution's message gets when output past the cap was not stored, e.g.
 * {@code " (stdout truncated: 4096 bytes past the 64 MiB output cap were not stored)"}.
 */
final class OutputTruncation {

    private static final long KIB = 1024;

    private OutputTruncation() {
    }

    /**
     * The note for an execution row with {@code output_cap_bytes}, {@code stdout_dropped} and
     * {@code stderr_dropped}; empty when nothing was dropped.
     */
    static String note(Row row) {
        return note(row.getLong("output_cap_bytes"), row.getLong("stdout_dropped"), row.getLong("stderr_dropped"));
    }

    /** The note for these dropped counts under {@code cap}; empty when both are 0. */
    static String note(long cap, long stdoutDropped, long stderrDropped) {
        if (stdoutDropped <= 0 && stderrDropped <= 0) {
            return "";
        }
        StringBuilder note = new StringBuilder(" (");
        if (stdoutDropped > 0) {
            note.append("stdout truncated: ").append(stdoutDropped).append(" bytes");
        }
        if (stderrDropped > 0) {
            note.append(stdoutDropped > 0 ? ", " : "").append("stderr truncated: ").append(stderrDropped).append(" bytes");
        }
        return note.append(" past the ").append(size(cap)).append(" output cap were not stored)").toString();
    }

    /** A size in the largest binary unit that divides it exactly: "64 MiB", "1536 KiB", "1000 bytes". */
    static String size(long bytes) {
        String[] units = {"GiB", "MiB", "KiB"};
        long unit = KIB * KIB * KIB;
        for (String name : units) {
            if (bytes >= unit && bytes % unit == 0) {
                return bytes / unit + " " + name;
            }
            unit /= KIB;
        }
        return bytes + " bytes";
    }
}
