package dev.runcmd.agent.exec;

import dev.runcmd.agent.blob.BlobException;
import dev.runcmd.agent.blob.OutputBlobs;
import dev.runcmd.agent.spool.ProcessRecord;
import dev.runcmd.agent.spool.RunDir;
import dev.runcmd.proto.agent.v1.Run;
import java.io.IOException;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * The launch of a new execution, on its worker thread: the script download (when the Run names a
 * URL), the output blobs, the process start with its output going to the run dir, and the durable
 * {@link ProcessRecord}, written before Started can go out. Any failure ends the execution with
 * Exited{FAILED, -1, why}; an end requested before the process started is reported without starting
 * anything.
 */
final class Launch {
    private static final Logger LOG = Logger.getLogger(Launch.class.getName());

    private final Execution execution;
    private final Run run;
    private final ExecContext ctx;
    private final RunDir runDir;

    Launch(Execution execution, Run run, ExecContext ctx, RunDir runDir) {
        this.execution = execution;
        this.run = run;
        this.ctx = ctx;
        this.runDir = runDir;
    }

    /** Launches, then hands the process to the execution; see the class comment. */
    void run() throws InterruptedException {
        if (!execution.proceed()) {
            execution.endBeforeStart();
            return;
        }
        Process launched;
        OutputBlobs blobs;
        try {
            Run prepared = ctx.downloader().resolve(run);
            if (!execution.proceed()) {
                execution.endBeforeStart();
                return;
            }
            blobs = OutputBlobs.open(prepared, ctx.blobClient());
            launched = ctx.launcher().launch(prepared, execution.execDir(run.getRunAsUser().isEmpty()), runDir);
        } catch (ExecutionFailure | BlobException e) {
            execution.failToStart(e.getMessage());
            return;
        } catch (IOException | RuntimeException e) {
            execution.failToStart("Script could not be started: " + e.getMessage());
            return;
        }
        announce(ScriptProcess.child(launched, runDir), blobs);
    }

    /** Records the launched process durably, then lets the execution watch it. */
    private void announce(ScriptProcess launched, OutputBlobs blobs) throws InterruptedException {
        long now = System.currentTimeMillis();
        long seconds = run.getTimeoutSeconds();
        ProcessRecord record = new ProcessRecord(launched.pid(), launched.startMillis(), now,
                seconds > 0 ? now + seconds * 1000 : 0, seconds, blobs != OutputBlobs.NONE);
        try {
            runDir.writeProcess(record);
        } catch (IOException e) {
            ctx.killer().kill(launched.handle(), Duration.ZERO);
            blobs.close();
            execution.failToStart("Script could not be started: cannot record its process: " + e.getMessage());
            return;
        }
        LOG.info(() -> "Execution " + execution.id() + " started, pid " + launched.pid());
        execution.useBlobs(blobs);
        execution.watch(launched, record);
    }
}
