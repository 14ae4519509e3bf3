package dev.runcmd.agent.exec;

import java.time.Duration;

/**
 * Ends a script's whole process tree: first politely, then, after a grace period, by force. This is
 * the operating-system seam next to {@link ScriptLauncher}: {@link PosixTreeKiller} serves Linux
 * (signals to the process group), {@link WindowsTreeKiller} serves Windows (taskkill on the tree).
 *
 * <p>Blocking: {@link #kill} takes up to the grace period plus a few seconds; call it on a worker
 * thread, never on a gRPC callback or the scheduler.
 */
public interface TreeKiller {
    /**
     * Ends the tree rooted at {@code main} (a process started by the launcher) and returns when
     * nothing of it runs any more, or once the forced kill was given a little time to work.
     */
    void kill(ProcessHandle main, Duration grace) throws InterruptedException;

    /**
     * Holds the tree led by {@code pid} back (POSIX: SIGSTOP to its process group); returns whether
     * that was done. The default cannot, e.g. on Windows.
     */
    default boolean hold(long pid) throws InterruptedException {
        return false;
    }

    /** Lets a tree held back by {@link #hold} run again (POSIX: SIGCONT to its group); returns whether that was done. */
    default boolean resume(long pid) throws InterruptedException {
        return false;
    }
}
