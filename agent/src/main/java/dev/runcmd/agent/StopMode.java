package dev.runcmd.agent;

import java.util.Locale;

/**
 * What the agent does with running scripts when it is stopped (SIGTERM, SIGINT). Either way it stops
 * taking Runs, gives queued messages about a second to leave, half-closes the stream and exits.
 */
public enum StopMode {
    /** Running scripts are left running and their state dirs kept, for the next agent to take over. */
    DETACH,
    /** Running process trees are ended as for a cancel and reported CANCELED "agent stopped". */
    CANCEL;

    /** The setting's value as written in flags, environment and file, e.g. {@code detach}. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode written as {@code text} (exactly its {@link #text()}), or null when there is none. */
    static StopMode parse(String text) {
        for (StopMode mode : values()) {
            if (mode.text().equals(text)) {
                return mode;
            }
        }
        return null;
    }
}
