package dev.runcmd.agent.exec;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;

/**
 * Ends a script's whole process tree: SIGTERM (then SIGCONT, in case the group was stopped) to its
 * process group, a grace period, then SIGKILL to the group. Descendants that left the group (e.g. by their own {@code setsid}) are found
 * through {@link ProcessHandle#descendants()} before the TERM, while they are still linked to the
 * script, and get the same two signals one by one.
 *
 * <p>The group id is always the script's pid: the launcher starts it through setsid, which makes
 * it a group leader. Nothing here reads a group id to decide whom to signal, so the agent's own
 * group can never be hit, even in the instant before setsid ran.
 *
 * <p>Blocking: {@link #kill} takes up to the grace period plus a second; call it on a worker
 * thread, never on a gRPC callback or the scheduler.
 */
public final class PosixTreeKiller implements TreeKiller {
    private static final Logger LOG = Logger.getLogger(PosixTreeKiller.class.getName());
    /** How often the tree is checked during the grace period. */
    private static final Duration POLL = Duration.ofMillis(50);
    /** How long processes get to disappear after SIGKILL. */
    private static final Duration AFTER_KILL = Duration.ofSeconds(1);
    /** How long a {@code kill} helper may take. */
    private static final Duration HELPER_TIMEOUT = Duration.ofSeconds(5);

    private final ProcessSpawner spawner;

    /** Creates a killer that starts its {@code kill} helpers through {@code spawner}. */
    public PosixTreeKiller(ProcessSpawner spawner) {
        this.spawner = spawner;
    }

    /**
     * Ends the tree rooted at {@code main} (a group leader started by the launcher) and returns when
     * nothing of it runs any more, or after SIGKILL and one more second.
     */
    @Override
    public void kill(ProcessHandle main, Duration grace) throws InterruptedException {
        long pgid = main.pid();
        List<ProcessHandle> outsiders = main.descendants()
                .filter(h -> ProcessTable.groupOf(h.pid()).orElse(pgid) != pgid)
                .toList();
        signalGroup(pgid, "TERM");
        signalGroup(pgid, "CONT"); // a group held back by the spool bound acts on TERM only once continued
        if (ProcessTable.groupOf(pgid).orElse(pgid) != pgid) {
            main.destroy(); // setsid has not run yet, so the group does not exist yet
        }
        outsiders.forEach(ProcessHandle::destroy);
        if (awaitGone(main, pgid, outsiders, grace)) {
            return;
        }
        LOG.info(() -> "Process tree " + pgid + " outlived its grace period; sending SIGKILL");
        signalGroup(pgid, "KILL");
        main.destroyForcibly();
        outsiders.forEach(ProcessHandle::destroyForcibly);
        if (!awaitGone(main, pgid, outsiders, AFTER_KILL)) {
            LOG.warning(() -> "Process tree " + pgid + " still has processes after SIGKILL");
        }
    }

    @Override
    public boolean hold(long pgid) throws InterruptedException {
        return signal(pgid, "STOP");
    }

    @Override
    public boolean resume(long pgid) throws InterruptedException {
        return signal(pgid, "CONT");
    }

    /**
     * Sends {@code signal} (a name such as STOP or CONT) to the process group {@code pgid}; returns
     * false when the group does not exist (any more) or kill could not be run.
     */
    private boolean signal(long pgid, String signal) throws InterruptedException {
        if (pgid <= 1) {
            throw new IllegalArgumentException("refusing to signal process group " + pgid);
        }
        try {
            return spawner.run(HELPER_TIMEOUT, "kill", "-" + signal, "--", "-" + pgid) == 0;
        } catch (IOException e) {
            LOG.warning(() -> "Cannot run kill: " + e.getMessage());
            return false;
        }
    }

    private void signalGroup(long pgid, String signal) throws InterruptedException {
        if (pgid <= 1) {
            throw new IllegalArgumentException("refusing to signal process group " + pgid);
        }
        try {
            // A non-zero exit only means the group is already empty.
            spawner.run(HELPER_TIMEOUT, "kill", "-" + signal, "--", "-" + pgid);
        } catch (IOException e) {
            LOG.warning(() -> "Cannot run kill (" + e.getMessage() + "); signalling group members one by one");
            signalMembers(pgid, signal);
        }
    }

    private static void signalMembers(long pgid, String signal) {
        if (!signal.equals("TERM") && !signal.equals("KILL")) {
            return;
        }
        for (long pid : ProcessTable.runningMembers(pgid)) {
            ProcessHandle.of(pid).ifPresent(h -> {
                if (signal.equals("KILL")) {
                    h.destroyForcibly();
                } else {
                    h.destroy();
                }
            });
        }
    }

    /**
     * Waits until the main process, every running member of the group and every outsider are gone,
     * at most {@code timeout}. This polls: Java 17 cannot wait for processes that are not its
     * children, and group membership has no change notification.
     */
    private static boolean awaitGone(ProcessHandle main, long pgid, List<ProcessHandle> outsiders, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (isAnyRunning(main, pgid, outsiders)) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(POLL.toMillis());
        }
        return true;
    }

    private static boolean isAnyRunning(ProcessHandle main, long pgid, List<ProcessHandle> outsiders) {
        return isRunning(main)
                || !ProcessTable.runningMembers(pgid).isEmpty()
                || outsiders.stream().anyMatch(PosixTreeKiller::isRunning);
    }

    private static boolean isRunning(ProcessHandle handle) {
        return handle.isAlive() && ProcessTable.isRunning(handle.pid());
    }
}
