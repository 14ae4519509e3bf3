package dev.runcmd.agent.exec;

import dev.runcmd.agent.spool.RunDir;
import dev.runcmd.proto.agent.v1.Exited;
import java.io.IOException;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * Where one execution's files live on this machine: its state dir ({@link RunDir}, kept until the
 * gateway acknowledged its Exited) and its exec dir (the script, under the exec root, or under the
 * run-as root for a script run as another user; deleted as soon as the execution ended).
 *
 * <p>Threading: stateless apart from the paths; safe from any thread.
 */
final class ExecutionFiles {
    private static final Logger LOG = Logger.getLogger(ExecutionFiles.class.getName());

    private final String id;
    private final RunDir runDir;
    private final ExecContext ctx;

    ExecutionFiles(String id, RunDir runDir, ExecContext ctx) {
        this.id = id;
        this.runDir = runDir;
        this.ctx = ctx;
    }

    /** The exec dir: under the exec root ({@code ownUser}), or the run-as root for another user. */
    Path execDir(boolean ownUser) {
        return (ownUser ? ctx.execRoot() : ctx.runAsRoot()).resolve(id);
    }

    /**
     * Records the end durably in the state dir (so a restart reports the same end), stops following
     * the output files and removes the exec dir. A failure to record is logged: a restart would then
     * report the execution lost.
     */
    void recordEnd(Exited exited) {
        try {
            runDir.writeResult(exited);
        } catch (IOException e) {
            LOG.warning(() -> "Cannot record the end of " + id + " (a restart would report it lost): " + e.getMessage());
        }
        ctx.spool().watcher().unwatch(runDir.path());
        deleteExecDirs();
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
}
