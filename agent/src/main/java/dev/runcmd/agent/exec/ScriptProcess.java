package dev.runcmd.agent.exec;

import dev.runcmd.agent.spool.ProcessRecord;
import dev.runcmd.agent.spool.RunDir;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A running script's process-group leader as its execution sees it: either the agent's own child,
 * or a process found again after an agent restart (not a child: its end is polled, and its exit code
 * comes from the wrapper's {@code exit} file).
 */
final class ScriptProcess {
    /** How often a process that is not the agent's child is checked for its end. */
    static final Duration POLL = Duration.ofMillis(100);

    private final ProcessHandle handle;
    private final Process child; // null when found again after a restart
    private final RunDir dir;
    private final long startMillis;

    private ScriptProcess(ProcessHandle handle, Process child, RunDir dir) {
        this.handle = handle;
        this.child = child;
        this.dir = dir;
        this.startMillis = startMillis(handle);
    }

    /** The agent's own child {@code process}. */
    static ScriptProcess child(Process process, RunDir dir) {
        return new ScriptProcess(process.toHandle(), process, dir);
    }

    /**
     * The process {@code record} names, if it still runs and is the same process (same start time, so
     * a reused pid is not mistaken for it). Linux only: elsewhere nothing is found.
     */
    static Optional<ScriptProcess> find(ProcessRecord record, RunDir dir) {
        if (!ProcessTable.isRunning(record.pid())) {
            return Optional.empty();
        }
        return ProcessHandle.of(record.pid())
                .filter(h -> startMillis(h) == record.processStartMillis())
                .map(h -> new ScriptProcess(h, null, dir));
    }

    /** When {@code handle}'s process started as the OS reports it (epoch millis), or -1 when unknown. */
    static long startMillis(ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
    }

    ProcessHandle handle() {
        return handle;
    }

    long pid() {
        return handle.pid();
    }

    /** When the process started as the OS reports it (epoch millis), or -1 when unknown. */
    long startMillis() {
        return startMillis;
    }

    /** True when this is the agent's own child (its exit code is known without the exit file). */
    boolean isChild() {
        return child != null;
    }

    /**
     * Waits until the process ended and returns its exit code (for a signal: 128 + signal), or empty
     * when it is unknown (a process found again that ended without its wrapper recording a code).
     */
    OptionalInt awaitExit() throws InterruptedException {
        if (child != null) {
            return OptionalInt.of(child.waitFor());
        }
        while (ProcessTable.isRunning(handle.pid()) && startMillis(handle) == startMillis) {
            Thread.sleep(POLL.toMillis());
        }
        return dir.readExit();
    }
}
