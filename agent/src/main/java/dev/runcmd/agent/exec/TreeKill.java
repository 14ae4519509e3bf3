package dev.runcmd.agent.exec;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One tree kill in progress (TERM, grace, KILL through the {@link TreeKiller}), running on a worker
 * thread. The execution's waiter {@linkplain #await() waits} for it before it reports the end, so that
 * Exited never goes out while parts of the tree still run; that wait is bounded by the grace plus
 * {@link #SLACK}.
 *
 * <p>Threading: started by whichever thread requested the end; awaited by the waiter.
 */
final class TreeKill {
    /** How much longer than the grace period a tree kill may take before it is given up. */
    static final Duration SLACK = Duration.ofSeconds(3);

    private static final Logger LOG = Logger.getLogger(TreeKill.class.getName());

    private final String executionId;
    private final Duration grace;
    private final CompletableFuture<Void> done;

    private TreeKill(String executionId, Duration grace, CompletableFuture<Void> done) {
        this.executionId = executionId;
        this.grace = grace;
        this.done = done;
    }

    /** Starts ending the tree of {@code handle} on the context's workers, with {@code grace} between TERM and KILL. */
    static TreeKill start(ExecContext ctx, String executionId, ProcessHandle handle, Duration grace) {
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
            try {
                ctx.killer().kill(handle, grace);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, ctx.workers());
        return new TreeKill(executionId, grace, done);
    }

    /** Waits until the kill finished, at most the grace plus {@link #SLACK}; a failure or overrun is logged. */
    void await() throws InterruptedException {
        try {
            done.get(grace.plus(SLACK).toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, "Killing the process tree of " + executionId + " did not finish cleanly", e);
        }
    }
}
