package dev.runcmd.control.arm;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/** Formats instants the way every view shows them: ISO-8601 in UTC ({@code 2024-05-01T10:15:30.123Z}). */
public final class ArmTime {

    private ArmTime() {
    }

    /** The instant in ISO-8601 UTC, or null when there is none. */
    public static String format(OffsetDateTime time) {
        return time == null ? null : DateTimeFormatter.ISO_INSTANT.format(time.toInstant());
    }
}
