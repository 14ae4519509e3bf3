package dev.runcmd.agent.exec;

import dev.runcmd.agent.blob.BlobException;
import dev.runcmd.agent.blob.OutputBlobs;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.ExitState;
import dev.runcmd.proto.agent.v1.Exited;
import dev.runcmd.proto.agent.v1.OutputStream;
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
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One accepted Run, from launch to Exited. Messages it queues, in order: Started, then Output
 * chunks (both streams interleaved, each in offset order), then exactly one Exited, queued only
 * after the process exited, both pipes reached end-of-file (or were given up 2 s after the exit),
 * and any tree kill finished. A script that cannot be started (its download failed, its run-as
 * user does not exist, ...) yields only Exited{FAILED, -1}. An execution ended before its process
 * started (canceled while it waited for a slot, the agent stopping) yields only Exited with the
 * end's state and exit code -1. Output blobs are created before the launch (failure: Exited{FAILED,
 * -1}); Exited waits for the last upload ({@link OutputBlobs#FINISH_LIMIT}) and notes a failure.
 *
 * <p>A background process that keeps a pipe open after the script exited is left alone: the
 * agent stops reading that pipe after {@link #DRAIN_AFTER_EXIT} and reports Exited; anything the
 * process writes later is not sent.
 *
 * <p>Threading: {@link #start()} runs on a worker thread, once the control thread queued Accepted
 * ({@link #markAccepted()}), so Started never overtakes Accepted; {@link #end} from any thread and
 * returns at once; the waiter, pumps and kills run on {@link ExecContext#workers()}. Fields below
 * marked so are guarded by this object's monitor.
 */
public final class Execution {
    /** How long the pipes are drained after the script's process exited. */
    static final Duration DRAIN_AFTER_EXIT = Duration.ofSeconds(2);
    /** How much longer than the grace period a tree kill may take before it is given up. */
    private static final Duration KILL_SLACK = Duration.ofSeconds(3);
    private static final Logger LOG = Logger.getLogger(Execution.class.getName());

    private final Run run;
    private final ExecContext ctx;
    private final Path execDir;
    private final Consumer<Execution> onExited;
    private final CompletableFuture<Void> exited = new CompletableFuture<>();
    private final CountDownLatch accepted = new CountDownLatch(1);
    private OutputBlobs blobs = OutputBlobs.NONE; // set by start before the pumps and the waiter run
    private ExecutionState state = ExecutionState.WAITING; // guarded by this
    private Process process; // guarded by this
    private boolean sealed; // guarded by this; true once the process exited: no end request counts after
    private EndRequest endRequest; // guarded by this
    private Duration endGrace; // guarded by this
    private CompletableFuture<Void> kill; // guarded by this
    private ScheduledFuture<?> timeout; // guarded by this

    /** Creates the execution of {@code run}; {@code onExited} is told once its Exited was queued. */
    Execution(Run run, ExecContext ctx, Consumer<Execution> onExited) {
        this.run = run;
        this.ctx = ctx;
        Path root = run.getRunAsUser().isEmpty() ? ctx.execRoot() : ctx.runAsRoot();
        this.execDir = root.resolve(run.getExecutionId());
        this.onExited = onExited;
    }

    /** The execution id. */
    public String id() {
        return run.getExecutionId();
    }

    /** The current lifecycle state. */
    public synchronized ExecutionState state() {
        return state;
    }

    /** Completes once Exited was queued, or once queueing it was given up because the agent stops. */
    public CompletableFuture<Void> exited() {
        return exited;
    }

    /** Tells the execution that its Accepted was queued (or given up): it may now queue Started. */
    void markAccepted() {
        accepted.countDown();
    }

    /**
     * Downloads the script if the Run names a URL, launches it and queues Started; pumps and the
     * waiter take over from there. An end requested before the launch is reported without
     * starting anything. Blocks while the outbox is full.
     *
     * @throws InterruptedException when the agent stops meanwhile; the process tree is then killed
     */
    void start() throws InterruptedException {
        accepted.await();
        if (!proceed()) {
            endBeforeStart();
            return;
        }
        Process launched;
        try {
            Run prepared = ctx.downloader().resolve(run);
            if (!proceed()) {
                endBeforeStart();
                return;
            }
            blobs = OutputBlobs.open(prepared, ctx.blobClient());
            launched = ctx.launcher().launch(prepared, execDir);
        } catch (ExecutionFailure | BlobException e) {
            failToStart(e.getMessage());
            return;
        } catch (IOException | RuntimeException e) {
            failToStart("Script could not be started: " + e.getMessage());
            return;
        }
        announce(launched);
    }

    /** True while no end was requested; then the execution is STARTING (called before and after the download). */
    private synchronized boolean proceed() {
        if (endRequest == null) {
            state = ExecutionState.STARTING;
        }
        return endRequest == null;
    }

    private void announce(Process launched) throws InterruptedException {
        try {
            ctx.outbox().put(ExecutionMessages.started(id(), launched.pid()));
        } catch (InterruptedException e) {
            ctx.killer().kill(launched.toHandle(), Duration.ZERO);
            deleteExecDir();
            finish();
            throw e;
        }
        LOG.info(() -> "Execution " + id() + " started, pid " + launched.pid());
        run(launched);
    }

    /**
     * Asks for the process tree to be ended (TERM, {@code grace}, KILL) and for Exited to report
     * {@code request}. Only the first request counts, and none after the process exited on its own.
     * Returns at once; returns whether this request was taken.
     */
    public synchronized boolean end(EndRequest request, Duration grace) {
        if (sealed || endRequest != null || (process != null && !process.isAlive())) {
            return false;
        }
        endRequest = request;
        endGrace = grace;
        if (process != null) {
            startKill();
        }
        return true;
    }

    private void run(Process launched) {
        blobs.start(execDir, ctx.workers());
        OutputPump stdout = new OutputPump(id(), OutputStream.STDOUT, launched.getInputStream(), ctx.outbox(),
                blobs.sink(OutputStream.STDOUT));
        OutputPump stderr = new OutputPump(id(), OutputStream.STDERR, launched.getErrorStream(), ctx.outbox(),
                blobs.sink(OutputStream.STDERR));
        synchronized (this) {
            process = launched;
            state = ExecutionState.RUNNING;
            if (endRequest != null) {
                startKill();
            } else if (run.getTimeoutSeconds() > 0) {
                long seconds = run.getTimeoutSeconds();
                timeout = ctx.scheduler().schedule(
                        () -> end(EndRequest.timedOut(seconds), ctx.killGrace()), seconds, TimeUnit.SECONDS);
            }
        }
        try {
            ctx.workers().execute(stdout);
            ctx.workers().execute(stderr);
            ctx.workers().execute(() -> awaitEnd(stdout, stderr));
        } catch (RejectedExecutionException e) {
            LOG.warning(() -> "Agent is stopping; execution " + id() + " is not watched any more");
        }
    }

    private void startKill() {
        state = ExecutionState.ENDING;
        ProcessHandle handle = process.toHandle();
        Duration grace = endGrace;
        LOG.info(() -> "Ending execution " + id() + ": " + endRequest.message());
        kill = CompletableFuture.runAsync(() -> {
            try {
                ctx.killer().kill(handle, grace);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, ctx.workers());
    }

    /** The waiter: runs on a worker thread from launch until Exited is queued. */
    private void awaitEnd(OutputPump stdout, OutputPump stderr) {
        try {
            int code = process.waitFor();
            long endMillis = System.currentTimeMillis();
            CompletableFuture<Void> killing = seal();
            if (killing != null) {
                awaitKill(killing);
            }
            long drainUntil = System.nanoTime() + DRAIN_AFTER_EXIT.toNanos();
            long stdoutBytes = drain(stdout, drainUntil);
            long stderrBytes = drain(stderr, drainUntil);
            Exited exited = ExecutionMessages.ended(id(), endRequest(), code, endMillis, stdoutBytes, stderrBytes,
                    blobs.finish());
            deleteExecDir();
            LOG.info(() -> "Execution " + id() + " ended: " + exited.getState() + ", exit code " + code);
            ctx.outbox().put(AgentMessage.newBuilder().setExited(exited).build());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finish();
        }
    }

    /** Marks the process as exited; returns the kill in progress, if any. */
    private synchronized CompletableFuture<Void> seal() {
        sealed = true;
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
            LOG.log(Level.WARNING, "Killing the process tree of " + id() + " did not finish cleanly", e);
        }
    }

    private long drain(OutputPump pump, long untilNanos) throws InterruptedException {
        if (!pump.awaitEof(Duration.ofNanos(untilNanos - System.nanoTime()))) {
            LOG.info(() -> "Execution " + id() + ": a background process keeps an output pipe open; "
                    + "stopped reading it and leaving the process alone");
        }
        return pump.stop();
    }

    private void failToStart(String message) throws InterruptedException {
        LOG.warning(() -> "Execution " + id() + " did not start: " + message);
        report(ExitState.FAILED, message);
    }

    /** Reports the end that was requested before the process started (cancel, agent stop). */
    private void endBeforeStart() throws InterruptedException {
        EndRequest request = endRequest();
        LOG.info(() -> "Execution " + id() + " ended before it started: " + request.message());
        report(request.state(), request.message());
    }

    /** Queues Exited{state, exit_code=-1, message} for an execution whose process never ran. */
    private void report(ExitState exitState, String message) throws InterruptedException {
        try {
            deleteExecDir();
            ctx.outbox().put(ExecutionMessages.notStarted(id(), exitState, message));
        } finally {
            finish();
        }
    }

    private synchronized EndRequest endRequest() {
        return endRequest;
    }

    private void deleteExecDir() {
        try {
            ExecDirs.deleteRecursively(execDir);
        } catch (IOException e) {
            LOG.warning(() -> "Cannot delete exec dir of " + id() + ": " + e.getMessage());
        }
    }

    private void finish() {
        blobs.close();
        synchronized (this) {
            state = ExecutionState.EXITED;
            sealed = true;
        }
        exited.complete(null);
        onExited.accept(this);
    }
}
