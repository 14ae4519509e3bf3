package dev.runcmd.agent.exec;

import dev.runcmd.agent.spool.RunDir;
import dev.runcmd.proto.agent.v1.Run;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns a Run into a running process: writes the script into the execution's directory and starts
 * the interpreter. This is the operating-system seam; {@link PosixScriptLauncher} serves Linux, and
 * a PowerShell launcher for Windows implements the same contract.
 *
 * <p>Contract for every implementation: the process's stdin is empty, its stdout and stderr are
 * appended to the files of the execution's {@link RunDir} (so output survives an agent restart and
 * the script never gets SIGPIPE), its working directory is {@code execDir}, protected parameter
 * values and passwords are never logged, and the {@link TreeKiller} of the same operating system
 * can reach every process it starts. On Linux the process is a small wrapper shell that leads its
 * own process group (group id = pid), runs the script as its child and writes the script's exit
 * code to {@link RunDir#exitFile()} when it ends, so an agent that restarts learns how it ended.
 */
public interface ScriptLauncher {
    /** Why this launcher cannot run {@code run} at all (e.g. an unsupported shell), or empty. */
    Optional<String> unsupported(Run run);

    /**
     * Creates {@code execDir} (it must not exist), writes the script ({@code run.getScript()}, already
     * downloaded if the Run named a URL) there and starts it with its output going to {@code runDir}. May block briefly (e.g. an account
     * lookup); called on a worker thread.
     *
     * @throws IOException when the script cannot be written or started
     * @throws ExecutionFailure when the Run asks for something this machine refuses, with the
     *     operator-facing message (e.g. an unknown run-as user)
     * @throws IllegalArgumentException when a parameter cannot be passed (e.g. an invalid name)
     */
    Process launch(Run run, Path execDir, RunDir runDir) throws IOException, ExecutionFailure, InterruptedException;
}
