package dev.runcmd.agent.transport;

/** The protocol's limit on Output messages. */
public final class OutputChunks {
    /** The most bytes per Output message. */
    public static final int MAX_BYTES = 64 * 1024;

    private OutputChunks() {}
}
