package dev.runcmd.control.output;

/** The two output streams of a script, with their number in {@code output_chunk.stream} (agent.proto). */
public enum StdStream {

    /** Standard output, stored as stream 1. */
    STDOUT(1, "stdout"),
    /** Standard error, stored as stream 2. */
    STDERR(2, "stderr");

    private final short number;
    private final String label;

    StdStream(int number, String label) {
        this.number = (short) number;
        this.label = label;
    }

    /** The stored stream number. */
    public short number() {
        return number;
    }

    /** The lower-case name used in URLs and event names: {@code stdout} or {@code stderr}. */
    public String label() {
        return label;
    }

    /** The stream with this stored number; any other number is a schema fault. */
    public static StdStream fromNumber(int number) {
        return switch (number) {
            case 1 -> STDOUT;
            case 2 -> STDERR;
            default -> throw new IllegalStateException("Unknown output stream number in the database: " + number);
        };
    }

    /** The stream with this label, or null when the label names no stream. */
    public static StdStream fromLabel(String label) {
        for (StdStream stream : values()) {
            if (stream.label.equals(label)) {
                return stream;
            }
        }
        return null;
    }
}
