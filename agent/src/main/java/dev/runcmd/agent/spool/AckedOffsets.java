package dev.runcmd.agent.spool;

/**
 * How far the gateway acknowledged one execution's progress: stored bytes per stream (counted from
 * the start of the stream) and whether its Exited is stored.
 *
 * @param stdout acknowledged bytes of stdout
 * @param stderr acknowledged bytes of stderr
 * @param exited true once Exited is stored
 */
public record AckedOffsets(long stdout, long stderr, boolean exited) {
    /** Nothing acknowledged yet. */
    public static final AckedOffsets NONE = new AckedOffsets(0, 0, false);
}
