package dev.runcmd.agent.exec;

import dev.runcmd.agent.blob.BlobException;
import dev.runcmd.agent.blob.OutputBlobs;
import dev.runcmd.agent.spool.ProcessRecord;
import dev.runcmd.agent.spool.RunDir;
import dev.runcmd.proto.agent.v1.ExitState;
import dev.runcmd.proto.agent.v1.Run;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The launch of a new execution, on its worker thread: the script download (when the Run names a
 * URL), the output blobs, the process start with its output going to the run dir, and the durable
 * {@link ProcessRecord}, written before Started can go out. Any failure ends the execution with
 * Exited{FAILED, -1, why}; an end requested before the process started is reported without starting
 * anything. A detached execution (the agent stops) is left as it is, unlaunched; the last check
 * ({@link Execution#commitLaunch()}) comes right before the process starts.
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
            stopBeforeStart();
            return;
        }
        Optional<String> blocked = ctx.policy().refusal(run);
        if (blocked.isPresent()) {
            failToStart(blocked.get());
            return;
        }
        Process launched;
        OutputBlobs blobs;
        try {
            Run prepared = ctx.downloader().resolve(run);
            if (!execution.proceed()) {
                stopBeforeStart();
                return;
            }
            blobs = OutputBlobs.open(prepared, ctx.blobClient());
            if (!execution.commitLaunch()) {
                blobs.close();
                stopBeforeStart();
                return;
            }
            launched = ctx.launcher().launch(prepared, execution.execDir(run.getRunAsUser().isEmpty()), runDir);
        } catch (ExecutionFailure | BlobException e) {
            failToStart(e.getMessage());
            return;
        } catch (IOException | RuntimeException e) {
            failToStart("Script could not be started: " + e.getMessage());
            return;
        }
        announce(ScriptProcess.child(launched, runDir), blobs);
    }

    /** Records the launched process durably, then lets the execution watch it. */
    private void announce(ScriptProcess launched, OutputBlobs blobs) throws InterruptedException {
        long now = System.currentTimeMillis();
        long seconds = ctx.policy().capped(run).getTimeoutSeconds();
        ProcessRecord record = new ProcessRecord(launched.pid(), launched.startMillis(), now,
                seconds > 0 ? now + seconds * 1000 : 0, seconds, blobs != OutputBlobs.NONE);
        try {
            if (blobs != OutputBlobs.NONE) {
                runDir.writeBlobs(new RunDir.BlobUris(run.getOutputBlobUri(), run.getErrorBlobUri()));
            }
            runDir.writeProcess(record);
        } catch (IOException e) {
            ctx.killer().kill(launched.handle(), Duration.ZERO);
            blobs.close();
            failToStart("Script could not be started: cannot record its process: " + e.getMessage());
            return;
        }
        LOG.info(() -> "Execution " + execution.id() + " started, pid " + launched.pid());
        execution.useBlobs(blobs);
        execution.watch(launched, record);
    }

    /** Reports a script that could not be started: Exited{FAILED, -1, message}. */
    private void failToStart(String message) {
        LOG.warning(() -> "Execution " + execution.id() + " did not start: " + message);
        execution.complete(ExecutionMessages.notStarted(execution.id(), ExitState.FAILED, message));
    }

    /**
     * Called when the execution may not go on: reports the end requested before the process started
     * (cancel, agent stop), or leaves a detached execution as it is, for the next agent to report.
     */
    private void stopBeforeStart() {
        EndRequest request = execution.endRequest();
        if (request == null) {
            LOG.info(() -> "Execution " + execution.id() + " is left unstarted: the agent stops");
            return;
        }
        LOG.info(() -> "Execution " + execution.id() + " ended before it started: " + request.message());
        execution.complete(ExecutionMessages.notStarted(execution.id(), request.state(), request.message()));
    }
}
