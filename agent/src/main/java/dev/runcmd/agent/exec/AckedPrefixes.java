package dev.runcmd.agent.exec;

import dev.runcmd.agent.spool.AckedOffsets;
import dev.runcmd.agent.spool.RunDir;
import dev.runcmd.proto.agent.v1.OutputStream;

/**
 * Which prefixes of one execution's output files were freed: each time a stream's acknowledged
 * offset advanced by {@link HolePuncher#STEP} past the last punch, the acknowledged prefix (rounded
 * down to {@link HolePuncher#ALIGN}) is punched out. Threading: synchronized; called after Acks.
 */
final class AckedPrefixes {
    private final RunDir runDir;
    private final HolePuncher puncher;
    private final long[] punched = new long[2]; // guarded by this

    AckedPrefixes(RunDir runDir, HolePuncher puncher) {
        this.runDir = runDir;
        this.puncher = puncher;
    }

    /** Punches whatever {@code acked} made due. */
    synchronized void afterAck(AckedOffsets acked) {
        punchIfDue(0, OutputStream.STDOUT, acked.stdout());
        punchIfDue(1, OutputStream.STDERR, acked.stderr());
    }

    private void punchIfDue(int index, OutputStream stream, long acked) {
        long length = HolePuncher.punchable(acked);
        if (length - punched[index] >= HolePuncher.STEP) {
            punched[index] = length;
            puncher.punch(runDir.output(stream), length);
        }
    }
}
