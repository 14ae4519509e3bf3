package dev.runcmd.agent.exec;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;

/**
 * Ends a script's process tree on Windows, which has no process groups: {@code taskkill /T /PID}
 * asks the tree to close, and after the grace period {@code taskkill /T /F /PID} ends it by force.
 * Descendants are also collected through {@link ProcessHandle#descendants()} before the first
 * request, while they are still linked to the script, and are destroyed forcibly if they outlive
 * the forced taskkill (or if taskkill itself cannot be run).
 */
public final class WindowsTreeKiller implements TreeKiller {
    private static final Logger LOG = Logger.getLogger(WindowsTreeKiller.class.getName());
    /** How often the tree is checked while waiting. */
    private static final Duration POLL = Duration.ofMillis(50);
    /** How long processes get to disappear after the forced kill. */
    private static final Duration AFTER_KILL = Duration.ofSeconds(1);
    /** How long a {@code taskkill} helper may take. */
    private static final Duration HELPER_TIMEOUT = Duration.ofSeconds(10);

    private final ProcessSpawner spawner;

    /** Creates a killer that starts its {@code taskkill} helpers through {@code spawner}. */
    public WindowsTreeKiller(ProcessSpawner spawner) {
        this.spawner = spawner;
    }

    @Override
    public void kill(ProcessHandle main, Duration grace) throws InterruptedException {
        List<ProcessHandle> tree = main.descendants().toList();
        taskkill(command(main.pid(), false));
        if (awaitGone(main, tree, grace)) {
            return;
        }
        LOG.info(() -> "Process tree " + main.pid() + " outlived its grace period; killing it by force");
        taskkill(command(main.pid(), true));
        main.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        if (!awaitGone(main, tree, AFTER_KILL)) {
            LOG.warning(() -> "Process tree " + main.pid() + " still has processes after the forced kill");
        }
    }

    /** The taskkill command line for the tree of {@code pid}: polite, or forced with {@code /F}. */
    static List<String> command(long pid, boolean force) {
        return force
                ? List.of("taskkill", "/T", "/F", "/PID", Long.toString(pid))
                : List.of("taskkill", "/T", "/PID", Long.toString(pid));
    }

    private void taskkill(List<String> command) throws InterruptedException {
        try {
            // A non-zero exit only means (part of) the tree is already gone or refuses a polite close.
            spawner.run(HELPER_TIMEOUT, command.toArray(String[]::new));
        } catch (IOException e) {
            LOG.warning(() -> "Cannot run taskkill: " + e.getMessage());
        }
    }

    private static boolean awaitGone(ProcessHandle main, List<ProcessHandle> tree, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (main.isAlive() || tree.stream().anyMatch(ProcessHandle::isAlive)) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(POLL.toMillis());
        }
        return true;
    }
}
