package dev.runcmd.agent.exec;

import dev.runcmd.agent.blob.OutputBlobs;
import dev.runcmd.agent.spool.OutputTail;
import dev.runcmd.agent.spool.ProcessRecord;
import dev.runcmd.agent.spool.RunDir;
import dev.runcmd.proto.agent.v1.ExitState;
import dev.runcmd.proto.agent.v1.Exited;
import dev.runcmd.proto.agent.v1.OutputStream;
import dev.runcmd.proto.agent.v1.Run;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One accepted Run, from launch to Exited. Its progress reaches the gateway through its
 * {@link OutputTail}, in order: Started, the output read back from its {@link RunDir} files, then
 * exactly one Exited, set only after the process exited (and any tree kill finished), with the sizes
 * both files had then as the final sizes (a background process that keeps writing after the script
 * exited is not waited for). A script that cannot be started (its download failed, ...) yields only
 * Exited{FAILED, -1}; one ended before its process started yields only Exited with the end's state.
 * The Exited is recorded in the run dir before it is handed out, so a restart reports the same end.
 *
 * <p>An execution is either launched by this agent ({@link #start()}) or found running again after
 * an agent restart ({@link #reattach}); both are watched, timed out and canceled the same way.
 *
 * <p>Threading: {@link #start()} runs on a worker thread once the control thread queued Accepted
 * ({@link #markAccepted()}); {@link #end} from any thread, returns at once; the waiter and kills run
 * on {@link ExecContext#workers()}. Fields marked so are guarded by this object's monitor.
 */
public final class Execution {
    /** How much longer than the grace period a tree kill may take before it is given up. */
    private static final Duration KILL_SLACK = Duration.ofSeconds(3);
    private static final Logger LOG = Logger.getLogger(Execution.class.getName());

    private final String id;
    private final Run run; // null when found again after a restart
    private final ExecContext ctx;
    private final RunDir runDir;
    private final OutputTail tail;
    private final ExecutionEvents events;
    private final CompletableFuture<Void> exited = new CompletableFuture<>();
    private final CountDownLatch accepted = new CountDownLatch(1);
    private final AckedPrefixes prefixes;
    private volatile OutputBlobs blobs = OutputBlobs.NONE; // set by start before the waiter runs
    private volatile String uploadNote = ""; // set before the waiter runs
    private ExecutionState state = ExecutionState.WAITING; // guarded by this
    private ScriptProcess process; // guarded by this
    private boolean sealed; // guarded by this; true once the process exited: no end request counts after
    private boolean heldBack; // guarded by this; stopped by the spool bound
    private EndRequest endRequest; // guarded by this
    private Duration endGrace; // guarded by this
    private CompletableFuture<Void> kill; // guarded by this
    private ScheduledFuture<?> timeout; // guarded by this

    Execution(String id, Run run, RunDir runDir, OutputTail tail, ExecContext ctx, ExecutionEvents events) {
        this.id = id;
        this.run = run;
        this.runDir = runDir;
        this.tail = tail;
        this.ctx = ctx;
        this.events = events;
        this.prefixes = new AckedPrefixes(runDir, ctx.spool().puncher());
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
     * Downloads the script if the Run names a URL, launches it and records the process ({@link Launch});
     * the waiter takes over from there. An end requested before the launch is reported without
     * starting anything.
     *
     * @throws InterruptedException when the agent stops meanwhile
     */
    void start() throws InterruptedException {
        accepted.await();
        new Launch(this, run, ctx, runDir).run();
    }

    /** True while no end was requested; then the execution is STARTING (called before and after the download). */
    synchronized boolean proceed() {
        if (endRequest == null) {
            state = ExecutionState.STARTING;
        }
        return endRequest == null;
    }

    /** The output uploads the launch opened; they read the output files from now on. */
    void useBlobs(OutputBlobs opened) {
        blobs = opened;
        opened.start(runDir::output, ctx.workers());
    }

    /**
     * Takes over {@code found}, the still running process of an execution whose agent restarted:
     * lets it run on if the spool bound had stopped it, arms the rest of its timeout and waits for it.
     */
    void reattach(ScriptProcess found, ProcessRecord record) throws InterruptedException {
        uploadNote = Recovery.uploadNote(record);
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
            } else if (record.deadlineMillis() > 0) {
                long left = Math.max(0, record.deadlineMillis() - System.currentTimeMillis());
                EndRequest timedOut = EndRequest.timedOut(record.timeoutSeconds());
                timeout = ctx.scheduler().schedule(() -> end(timedOut, ctx.killGrace()), left, TimeUnit.MILLISECONDS);
            }
        }
        try {
            ctx.workers().execute(this::awaitEnd);
        } catch (RejectedExecutionException e) {
            LOG.warning(() -> "Agent is stopping; execution " + id + " is not watched any more");
        }
    }

    private void onOutput() {
        ctx.outbox().wake(tail);
        events.onOutput();
    }

    /**
     * Asks for the process tree to be ended (TERM, {@code grace}, KILL) and for Exited to report
     * {@code request}. Only the first request counts, and none after the process exited on its own.
     * Returns at once; returns whether this request was taken.
     */
    public synchronized boolean end(EndRequest request, Duration grace) {
        if (sealed || endRequest != null || state == ExecutionState.EXITED) {
            return false;
        }
        endRequest = request;
        endGrace = grace;
        if (process != null) {
            startKill();
        }
        return true;
    }

    private void startKill() {
        state = ExecutionState.ENDING;
        ProcessHandle handle = process.handle();
        Duration grace = endGrace;
        LOG.info(() -> "Ending execution " + id + ": " + endRequest.message());
        kill = CompletableFuture.runAsync(() -> {
            try {
                ctx.killer().kill(handle, grace);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, ctx.workers());
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

    /** After an Ack: frees acknowledged prefixes of the output files (not while output blobs read them). */
    void afterAck() {
        if (blobs == OutputBlobs.NONE || state() == ExecutionState.EXITED) {
            prefixes.afterAck(tail.acked());
        }
    }

    /** The waiter: runs on a worker thread from launch (or reattach) until Exited is handed out. */
    private void awaitEnd() {
        try {
            ScriptProcess watched;
            synchronized (this) {
                watched = process;
            }
            OptionalInt code = watched.awaitExit();
            long endMillis = watched.isChild() ? System.currentTimeMillis() : runDir.exitMillis();
            CompletableFuture<Void> killing = seal();
            if (killing != null) {
                awaitKill(killing);
            }
            long stdout = runDir.size(OutputStream.STDOUT);
            long stderr = runDir.size(OutputStream.STDERR);
            String uploads = blobs.finish(stdout, stderr) + uploadNote;
            Exited exited = code.isPresent()
                    ? ExecutionMessages.ended(id, endRequest(), code.getAsInt(), endMillis, stdout, stderr, uploads)
                    : ExecutionMessages.lost(id, Recovery.PROCESS_LOST, endMillis, stdout, stderr);
            LOG.info(() -> "Execution " + id + " ended: " + exited.getState() + ", exit code " + exited.getExitCode());
            complete(exited);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finish();
        }
    }

    /** Marks the process as exited; returns the kill in progress, if any. */
    private synchronized CompletableFuture<Void> seal() {
        sealed = true;
        heldBack = false;
        if (timeout != null) {
            timeout.cancel(false);
        }
        return kill;
    }

    private void awaitKill(CompletableFuture<Void> killing) throws InterruptedException {
        Duration limit;
        synchronized (this) {
            limit = endGrace.plus(KILL_SLACK);
        }
        try {
            killing.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, "Killing the process tree of " + id + " did not finish cleanly", e);
        }
    }

    /** Reports a script that could not be started: Exited{FAILED, -1, message}. */
    void failToStart(String message) {
        LOG.warning(() -> "Execution " + id + " did not start: " + message);
        complete(ExecutionMessages.notStarted(id, ExitState.FAILED, message));
    }

    /** Reports the end that was requested before the process started (cancel, agent stop). */
    void endBeforeStart() {
        EndRequest request = endRequest();
        LOG.info(() -> "Execution " + id + " ended before it started: " + request.message());
        complete(ExecutionMessages.notStarted(id, request.state(), request.message()));
    }

    /**
     * Records {@code exited} in the run dir, removes the exec dir, and hands Exited to the tail, which
     * sends it once the output up to its final sizes went out.
     */
    void complete(Exited exited) {
        try {
            runDir.writeResult(exited);
        } catch (IOException e) {
            LOG.warning(() -> "Cannot record the end of " + id + " (a restart would report it lost): " + e.getMessage());
        }
        ctx.spool().watcher().unwatch(runDir.path());
        deleteExecDirs();
        tail.exited(exited);
        ctx.outbox().wake(tail);
        finish();
    }

    private synchronized EndRequest endRequest() {
        return endRequest;
    }

    /** The exec dir of this execution: under the exec root, or the run-as root for another user. */
    Path execDir(boolean ownUser) {
        return (ownUser ? ctx.execRoot() : ctx.runAsRoot()).resolve(id);
    }

    /** Removes the exec dir (wherever it is: a recovered execution does not know its run-as user). */
    private void deleteExecDirs() {
        try {
            ExecDirs.deleteRecursively(execDir(true));
            ExecDirs.deleteRecursively(execDir(false));
        } catch (IOException e) {
            LOG.warning(() -> "Cannot delete exec dir of " + id + ": " + e.getMessage());
        }
    }

    private void finish() {
        blobs.close();
        synchronized (this) {
            state = ExecutionState.EXITED;
            sealed = true;
        }
        exited.complete(null);
        events.onExited(this);
    }
}
