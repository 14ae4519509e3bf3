package dev.runcmd.agent.exec;

import dev.runcmd.agent.blob.BlobException;
import dev.runcmd.agent.blob.OutputBlobs;
import dev.runcmd.agent.spool.OutputTail;
import dev.runcmd.agent.spool.ProcessRecord;
import dev.runcmd.agent.spool.RunDir;
import dev.runcmd.proto.agent.v1.Exited;
import dev.runcmd.proto.agent.v1.Run;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * One accepted Run, from launch to Exited. Its progress reaches the gateway through its
 * {@link OutputTail}, in order: Started, the output read back from its {@link RunDir} files, then
 * exactly one Exited, set only after the process exited (and any tree kill finished; see
 * {@link ExecutionWaiter}). A script that cannot be started (its download failed, ...) yields only
 * Exited{FAILED, -1}; one ended before its process started yields only Exited with the end's state.
 * The Exited is recorded in the run dir before it is handed out, so a restart reports the same end.
 *
 * <p>An execution is either launched by this agent ({@link #start()}) or found running again after
 * an agent restart ({@link #reattach}); both are watched, timed out and canceled the same way. When
 * the agent stops in detach mode the execution is {@linkplain #detach() detached}: from then on
 * nothing is launched, ended or timed out, and the next agent takes it over from the state dir.
 *
 * <p>Threading: {@link #start()} runs on a worker thread once the control thread queued Accepted
 * ({@link #markAccepted()}); {@link #end} from any thread, returns at once; the waiter and kills run
 * on {@link ExecContext#workers()}. Fields marked so are guarded by this object's monitor.
 */
public final class Execution {
    private static final Logger LOG = Logger.getLogger(Execution.class.getName());

    private final String id;
    private final Run run; // null when found again after a restart
    private final ExecContext ctx;
    private final RunDir runDir;
    private final OutputTail tail;
    private final ExecutionEvents events;
    private final CompletableFuture<Void> exited = new CompletableFuture<>();
    private final CompletableFuture<Void> settled = new CompletableFuture<>(); // the launch recorded its process, or ended
    private final CountDownLatch accepted = new CountDownLatch(1);
    private final AckedPrefixes prefixes;
    private final ExecutionFiles files;
    private volatile OutputBlobs blobs = OutputBlobs.NONE; // set by start before the waiter runs
    private volatile String uploadNote = ""; // set before the uploads finish
    // After an agent restart: the uploads being taken up again (blobs is set when it completes).
    private volatile CompletableFuture<Void> resumingUploads = CompletableFuture.completedFuture(null);
    private ExecutionState state = ExecutionState.WAITING; // guarded by this
    private ScriptProcess process; // guarded by this
    private boolean sealed; // guarded by this; true once the process exited: no end request counts after
    private boolean heldBack; // guarded by this; stopped by the spool bound
    private boolean launching; // guarded by this; the launch passed its last check and starts the process
    private boolean detached; // guarded by this; left to the next agent
    private EndRequest endRequest; // guarded by this
    private Duration endGrace; // guarded by this
    private TreeKill kill; // guarded by this
    private boolean uploadsGivenUp; // guarded by this; uploads taken up too late are closed unused
    private ScheduledFuture<?> timeout; // guarded by this

    Execution(String id, Run run, RunDir runDir, OutputTail tail, ExecContext ctx, ExecutionEvents events) {
        this.id = id;
        this.run = run;
        this.runDir = runDir;
        this.tail = tail;
        this.ctx = ctx;
        this.events = events;
        this.prefixes = new AckedPrefixes(runDir, ctx.spool().puncher());
        this.files = new ExecutionFiles(id, runDir, ctx);
    }

    /** The execution id. */
    public String id() {
        return id;
    }

    /** The current lifecycle state. */
    public synchronized ExecutionState state() {
        return state;
    }

    /** Completes once Exited was handed to the tail, or once that was given up because the agent stops. */
    public CompletableFuture<Void> exited() {
        return exited;
    }

    OutputTail tail() {
        return tail;
    }

    RunDir runDir() {
        return runDir;
    }

    /** Tells the execution that its Accepted was queued (or given up): it may now report Started. */
    void markAccepted() {
        accepted.countDown();
    }

    /**
     * Once Accepted was queued, downloads the script if the Run names a URL, launches it and records
     * the process ({@link Launch}); the waiter takes over from there. Interrupted when the agent stops.
     */
    void start() throws InterruptedException {
        accepted.await();
        new Launch(this, run, ctx, runDir).run();
    }

    /** True while no end was requested and the agent did not detach; then the execution is STARTING. */
    synchronized boolean proceed() {
        boolean go = endRequest == null && !detached;
        if (go) {
            state = ExecutionState.STARTING;
        }
        return go;
    }

    /** Like {@link #proceed()}, right before the process starts: once true, a detach waits for the launch. */
    synchronized boolean commitLaunch() {
        launching = proceed();
        return launching;
    }

    /** The output uploads the launch opened; they read the output files from now on. */
    void useBlobs(OutputBlobs opened) {
        blobs = opened;
        opened.start(runDir::output, ctx.workers());
    }

    /**
     * Takes over {@code found}, the still running process of an execution whose agent restarted:
     * lets it run on if the spool bound had stopped it, arms the rest of its timeout and waits for it.
     * {@code ending} is the end the earlier agent had asked for (its kill is started again), or null.
     */
    void reattach(ScriptProcess found, ProcessRecord record, EndRequest ending) throws InterruptedException {
        if (ending != null) {
            synchronized (this) {
                endRequest = ending; // the earlier agent was ending it: end it again, and report that end
                endGrace = ctx.killGrace();
            }
        }
        resumeUploads(record);
        ctx.killer().resume(found.pid());
        LOG.info(() -> "Execution " + id + " found running again, pid " + found.pid());
        watch(found, record);
    }

    /** Lets Started out, watches the output, arms the timeout and starts the waiter. */
    void watch(ScriptProcess watched, ProcessRecord record) {
        tail.started(ExecutionMessages.started(id, watched.pid(), record.startedMillis()));
        ctx.outbox().wake(tail);
        ctx.spool().watcher().watch(runDir.path(), this::onOutput);
        synchronized (this) {
            process = watched;
            state = ExecutionState.RUNNING;
            if (endRequest != null) {
                startKill();
            } else if (record.deadlineMillis() > 0 && !detached) {
                armTimeout(record);
            }
        }
        settled.complete(null);
        try {
            ctx.workers().execute(new ExecutionWaiter(this, watched));
        } catch (RejectedExecutionException e) {
            LOG.warning(() -> "Agent is stopping; execution " + id + " is not watched any more");
        }
    }

    private void armTimeout(ProcessRecord record) {
        long left = Math.max(0, record.deadlineMillis() - System.currentTimeMillis());
        EndRequest timedOut = EndRequest.timedOut(record.timeoutSeconds());
        timeout = ctx.scheduler().schedule(() -> end(timedOut, ctx.killGrace()), left, TimeUnit.MILLISECONDS);
    }

    private void onOutput() {
        ctx.outbox().wake(tail);
        events.onOutput();
    }

    /**
     * Asks for the process tree to be ended (TERM, {@code grace}, KILL) and for Exited to report
     * {@code request}. Only the first request counts, and none after the process exited on its own or
     * the execution was detached. Returns at once; returns whether this request was taken.
     */
    public synchronized boolean end(EndRequest request, Duration grace) {
        if (sealed || detached || endRequest != null || state == ExecutionState.EXITED) {
            return false;
        }
        endRequest = request;
        endGrace = grace;
        recordEndRequest(request);
        if (process != null) {
            startKill();
        }
        return true;
    }

    /**
     * Writes {@code request} to the run dir before any signal goes out: an agent killed while the script dies of that
     * signal leaves the wrapper's 143 behind, and the next agent must report the timeout or cancel, not a failure.
     */
    private void recordEndRequest(EndRequest request) {
        try {
            runDir.writeEnd(request.format());
        } catch (IOException e) {
            LOG.warning(() -> "Execution " + id + ": could not record its end request (" + e.getMessage()
                    + "); an agent restarted before it ends would report the script's exit code instead");
        }
    }

    private void startKill() {
        state = ExecutionState.ENDING;
        LOG.info(() -> "Ending execution " + id + ": " + endRequest.message());
        kill = TreeKill.start(ctx, id, process.handle(), endGrace);
    }

    /**
     * Leaves this execution to the next agent (detach stop mode): from now on nothing is launched,
     * ended or timed out. Returns a future that completes once a launch already past its last check has
     * recorded its process (or failed); it is complete at once when no launch is under way.
     */
    synchronized CompletableFuture<Void> detach() {
        detached = true;
        if (timeout != null) {
            timeout.cancel(false);
        }
        boolean launchUnderWay = launching && process == null && state != ExecutionState.EXITED;
        return launchUnderWay ? settled : CompletableFuture.completedFuture(null);
    }

    /**
     * Holds the script back (SIGSTOP to its group) because the spool is full; returns whether it was
     * running and is held now. Called by the spool bound, never under another execution's lock.
     */
    boolean holdBack() throws InterruptedException {
        long pid;
        synchronized (this) {
            if (state != ExecutionState.RUNNING || heldBack) {
                return false;
            }
            pid = process.pid();
            heldBack = true;
        }
        return ctx.killer().hold(pid);
    }

    /** Lets a script held back by {@link #holdBack} run again. */
    void letRun() throws InterruptedException {
        long pid;
        synchronized (this) {
            if (!heldBack || process == null) {
                return;
            }
            heldBack = false;
            pid = process.pid();
        }
        ctx.killer().resume(pid);
    }

    /**
     * Ends an execution found after an agent restart whose script ended while no agent watched it: takes up
     * its output uploads where they stopped, finishes them, then reports {@code exited} (on a worker thread).
     */
    void completeAfterUploads(Exited exited, ProcessRecord record) {
        resumeUploads(record);
        try {
            ctx.workers().execute(() -> {
                try {
                    String note = finishUploads(exited.getStdoutBytes(), exited.getStderrBytes());
                    complete(exited.toBuilder().setMessage(exited.getMessage() + note).build());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // the agent stops; the next one reports the end
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.fine(() -> "Execution " + id + ": the agent stops before its end is reported");
        }
    }

    /**
     * Takes up, on a worker thread, the output uploads an earlier agent began for this execution (their URLs
     * are in the run dir); until that is done no acknowledged prefix is freed, since the uploads may still need
     * it. Exited's message says so when they cannot be taken up.
     */
    private void resumeUploads(ProcessRecord record) {
        if (!record.uploads()) {
            return;
        }
        try {
            resumingUploads = CompletableFuture.runAsync(this::openResumedUploads, ctx.workers());
        } catch (RejectedExecutionException e) {
            uploadNote = uploadCutOff("");
        }
    }

    private void openResumedUploads() {
        try {
            RunDir.BlobUris uris = runDir.readBlobs().orElse(null);
            if (uris == null) {
                uploadNote = uploadCutOff("");
                return;
            }
            OutputBlobs resumed = OutputBlobs.resume(id, uris.output(), uris.error(), ctx.blobClient());
            synchronized (this) {
                if (uploadsGivenUp) {
                    resumed.close();
                    return;
                }
                useBlobs(resumed);
            }
            LOG.info(() -> "Execution " + id + ": output uploads taken up again after the agent restart");
        } catch (BlobException e) {
            uploadNote = " (" + e.getMessage() + " after an agent restart)";
        } catch (IOException e) {
            uploadNote = uploadCutOff(": " + e.getMessage());
        } catch (InterruptedException e) {
            uploadNote = uploadCutOff("");
            Thread.currentThread().interrupt();
        }
    }

    /** What Exited's message notes when uploads an earlier agent began cannot be taken up ({@code why} may be ""). */
    private static String uploadCutOff(String why) {
        return " (output upload interrupted by an agent restart" + why + ")";
    }

    /** After an Ack: frees acknowledged prefixes of the output files (not while output blobs read them). */
    void afterAck() {
        if (blobs == OutputBlobs.NONE && resumingUploads.isDone() || state() == ExecutionState.EXITED) {
            prefixes.afterAck(tail.acked());
        }
    }

    /** Marks the process as exited (no end request counts after); returns the kill in progress, if any. */
    synchronized TreeKill seal() {
        sealed = true;
        heldBack = false;
        if (timeout != null) {
            timeout.cancel(false);
        }
        return kill;
    }

    /** Finishes the output uploads; returns what Exited's message must add about them ("" when nothing). */
    String finishUploads(long stdoutBytes, long stderrBytes) throws InterruptedException {
        try {
            resumingUploads.get(OutputBlobs.FINISH_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            synchronized (this) {
                uploadsGivenUp = true;
            }
            return uploadCutOff(": not taken up in time");
        }
        return blobs.finish(stdoutBytes, stderrBytes) + uploadNote;
    }

    /**
     * Records {@code exited} in the run dir, removes the exec dir, and hands Exited to the tail, which
     * sends it once the output up to its final sizes went out.
     */
    void complete(Exited exited) {
        files.recordEnd(exited);
        tail.exited(exited);
        ctx.outbox().wake(tail);
        abandon();
    }

    /** The end requested so far (cancel, timeout, agent stop), or null. */
    synchronized EndRequest endRequest() {
        return endRequest;
    }

    /** The exec dir of this execution: under the exec root, or the run-as root for another user. */
    Path execDir(boolean ownUser) {
        return files.execDir(ownUser);
    }

    /**
     * Ends this execution's life in this agent: closes the uploads, marks it EXITED and tells the owner.
     * Called after Exited was handed out, or without one when the agent stops (the state dir stays).
     */
    void abandon() {
        blobs.close();
        synchronized (this) {
            state = ExecutionState.EXITED;
            sealed = true;
        }
        settled.complete(null);
        exited.complete(null);
        events.onExited(this);
    }
}
