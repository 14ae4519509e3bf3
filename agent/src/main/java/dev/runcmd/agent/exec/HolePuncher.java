package dev.runcmd.agent.exec;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Frees the acknowledged prefix of an output file, so disk use stays near the unacknowledged amount
 * while a script writes a lot: {@code fallocate --punch-hole --offset 0 --length N <file>}
 * (util-linux) deallocates the blocks while the file keeps its size and offsets, and the script keeps
 * appending. Best effort, in the background: when the command is missing (or the file system cannot
 * punch holes) this is logged once and the files simply keep their blocks until the execution's
 * state dir is deleted.
 */
public final class HolePuncher {
    /** How far the acknowledged offset must advance before the next punch. */
    public static final long STEP = 16L * 1024 * 1024;
    /** Holes are punched in whole mebibytes. */
    public static final long ALIGN = 1024L * 1024;

    private static final Logger LOG = Logger.getLogger(HolePuncher.class.getName());
    private static final Duration HELPER_TIMEOUT = Duration.ofSeconds(10);

    private final ProcessSpawner spawner;
    private final Executor workers;
    private final AtomicBoolean warned = new AtomicBoolean();

    /** Creates a puncher that runs fallocate through {@code spawner} on {@code workers}. */
    public HolePuncher(ProcessSpawner spawner, Executor workers) {
        this.spawner = spawner;
        this.workers = workers;
    }

    /** The length to punch for {@code acked} acknowledged bytes: rounded down to {@link #ALIGN}. */
    static long punchable(long acked) {
        return acked / ALIGN * ALIGN;
    }

    /** Frees {@code [0, length)} of {@code file} in the background. */
    void punch(Path file, long length) {
        if (length <= 0) {
            return;
        }
        try {
            workers.execute(() -> run(file, length));
        } catch (RejectedExecutionException e) {
            LOG.fine("Agent is stopping; no hole punched");
        }
    }

    private void run(Path file, long length) {
        try {
            int code = spawner.run(HELPER_TIMEOUT, "fallocate", "--punch-hole", "--offset", "0", "--length",
                    Long.toString(length), file.toString());
            if (code != 0) {
                warnOnce("fallocate --punch-hole exited with " + code);
            }
        } catch (IOException e) {
            warnOnce("fallocate cannot be run (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void warnOnce(String why) {
        if (warned.compareAndSet(false, true)) {
            LOG.warning(() -> why + "; acknowledged output keeps its disk blocks until the execution is acknowledged");
        }
    }
}
