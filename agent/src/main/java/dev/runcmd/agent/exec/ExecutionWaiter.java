package dev.runcmd.agent.exec;

import dev.runcmd.agent.spool.RunDir;
import dev.runcmd.proto.agent.v1.Exited;
import dev.runcmd.proto.agent.v1.OutputStream;
import java.util.OptionalInt;
import java.util.logging.Logger;

/**
 * The waiter of one {@link Execution}: runs on a worker thread from the launch (or reattach) until
 * the process ended, waits for a tree kill in progress, and then hands the execution its Exited, with
 * the sizes both output files had then as the final sizes (a background process that keeps writing
 * after the script exited is not waited for). An end requested before the process exited decides the
 * state (CANCELED, TIMED_OUT); otherwise the exit code does. A reattached process whose wrapper left
 * no exit code is reported lost.
 *
 * <p>When the agent stops, the worker is interrupted: the execution is then given up without an
 * Exited ({@link Execution#abandon()}), and a later agent reports it from the state dir.
 */
final class ExecutionWaiter implements Runnable {
    private static final Logger LOG = Logger.getLogger(ExecutionWaiter.class.getName());

    private final Execution execution;
    private final ScriptProcess process;
    private final RunDir runDir;

    ExecutionWaiter(Execution execution, ScriptProcess process) {
        this.execution = execution;
        this.process = process;
        this.runDir = execution.runDir();
    }

    @Override
    public void run() {
        try {
            OptionalInt code = process.awaitExit();
            long endMillis = process.isChild() ? System.currentTimeMillis() : runDir.exitMillis();
            TreeKill killing = execution.seal();
            if (killing != null) {
                killing.await();
            }
            Exited exited = exited(code, endMillis);
            LOG.info(() -> "Execution " + execution.id() + " ended: " + exited.getState() + ", exit code "
                    + exited.getExitCode());
            execution.complete(exited);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            execution.abandon();
        }
    }

    /** The Exited for exit {@code code} (empty: unknown, the process is lost) at {@code endMillis}. */
    private Exited exited(OptionalInt code, long endMillis) throws InterruptedException {
        long stdout = runDir.size(OutputStream.STDOUT);
        long stderr = runDir.size(OutputStream.STDERR);
        String uploads = execution.finishUploads(stdout, stderr);
        String id = execution.id();
        if (code.isEmpty()) {
            return ExecutionMessages.lost(id, execution.endRequest(), Recovery.PROCESS_LOST, endMillis, stdout, stderr);
        }
        return ExecutionMessages.ended(id, execution.endRequest(), code.getAsInt(), endMillis, stdout, stderr, uploads);
    }
}
