package dev.runcmd.agent.exec;

import dev.runcmd.agent.spool.OutputTail;
import dev.runcmd.agent.spool.ProcessRecord;
import dev.runcmd.agent.spool.RunDir;
import dev.runcmd.proto.agent.v1.ExitState;
import dev.runcmd.proto.agent.v1.Exited;
import dev.runcmd.proto.agent.v1.OutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.logging.Logger;

/**
 * What an agent finds at start-up, before it connects: every state dir in {@code <work-dir>/runs} is
 * an execution accepted by an earlier agent whose end the gateway has not acknowledged. Each becomes
 * an {@link Execution} again, its tail replaying from the acknowledged offsets:
 * <ul>
 *   <li>its end was recorded ({@code result}): that same Exited again;
 *   <li>never launched (no {@code process} file): Exited{FAILED, -1, {@value #NEVER_STARTED}}; it is
 *       never launched now;
 *   <li>the wrapper recorded an exit code ({@code exit}): the script completed while the agent was
 *       away; Exited with that code (0 SUCCEEDED, else FAILED);
 *   <li>the process still runs (same pid and start time): it is reattached ({@link Found#running});
 *   <li>otherwise the process is gone: Exited{FAILED, -1, {@value #PROCESS_LOST}}.
 * </ul>
 * When the earlier agent had asked the script to end ({@code end}: a timeout, a cancel, its own stop), that request
 * decides the state and the message, as it would have had the agent seen the end: an exit code of 143 from its TERM
 * is then a TimedOut or Canceled, not a failure; a script still running is ended again.
 * Started is replayed too wherever the script was launched. Output uploads the Run asked for are
 * taken up again where their blobs end ({@link Execution#reattach}, {@link Execution#completeAfterUploads})
 * before Exited goes out. The ids are made sure to be in the journal, so a re-delivered Run is refused as
 * a duplicate.
 */
final class Recovery {
    /** The Exited message of a script whose process ended unseen, without a recorded exit code. */
    static final String PROCESS_LOST = "agent restarted; process lost";
    /** The Exited message of an execution that was accepted but not launched when the agent went away. */
    static final String NEVER_STARTED = "agent restarted before the script started; not run";

    private static final Logger LOG = Logger.getLogger(Recovery.class.getName());

    private Recovery() {}

    /**
     * One execution found again: its end ({@code exited}), or the process to reattach ({@code running})
     * when it still runs; {@code record} is its launched process when its end was not recorded yet; {@code ending} is
     * the end the earlier agent had asked for when it still runs (the kill starts again), else null.
     */
    record Found(Execution execution, Exited exited, ScriptProcess running, ProcessRecord record, EndRequest ending) {
        /** True when the uploads of a script that ended unwatched are to be taken up before Exited goes out. */
        boolean resumesUploads() {
            return exited != null && record != null && record.uploads();
        }
    }

    /** Finds every execution in the state dirs under the context's runs root. */
    static List<Found> scan(ExecContext ctx, Journal journal, ExecutionEvents events) throws IOException {
        List<Found> found = new ArrayList<>();
        for (RunDir dir : RunDir.list(ctx.spool().runsRoot())) {
            if (!ExecDirs.isSafeId(dir.id())) {
                LOG.warning(() -> "Ignoring " + dir + ": not an execution id");
                continue;
            }
            if (!journal.contains(dir.id())) {
                journal.append(dir.id());
            }
            found.add(classify(dir, ctx, events));
        }
        return found;
    }

    private static Found classify(RunDir dir, ExecContext ctx, ExecutionEvents events) throws IOException {
        String id = dir.id();
        OutputTail tail = new OutputTail(dir, dir.readAcked());
        Execution execution = new Execution(id, null, dir, tail, ctx, events);
        Optional<ProcessRecord> record = dir.readProcess();
        record.ifPresent(r -> tail.started(ExecutionMessages.started(id, r.pid(), r.startedMillis())));
        Optional<Exited> result = dir.readResult();
        if (result.isPresent()) {
            LOG.info(() -> "Execution " + id + " had ended; reporting its end again");
            return new Found(execution, result.get(), null, null, null);
        }
        if (record.isEmpty()) {
            LOG.warning(() -> "Execution " + id + " was accepted but never started; it will not run");
            return new Found(execution, ExecutionMessages.notStarted(id, ExitState.FAILED, NEVER_STARTED), null, null,
                    null);
        }
        EndRequest ending = dir.readEnd().flatMap(EndRequest::parse).orElse(null);
        OptionalInt code = dir.readExit();
        if (code.isPresent()) {
            LOG.info(() -> "Execution " + id + " completed while the agent was away, exit code " + code.getAsInt()
                    + (ending == null ? "" : " (" + ending.message() + ")"));
            return new Found(execution, completed(dir, code.getAsInt(), ending), null, record.get(), null);
        }
        Optional<ScriptProcess> running = ScriptProcess.find(record.get(), dir);
        if (running.isPresent()) {
            return new Found(execution, null, running.get(), record.get(), ending);
        }
        OptionalInt late = dir.readExit(); // the script may have ended between the two looks
        if (late.isPresent()) {
            return new Found(execution, completed(dir, late.getAsInt(), ending), null, record.get(), null);
        }
        LOG.warning(() -> "Execution " + id + ": its process ended while the agent was away, exit code unknown");
        return new Found(execution, ExecutionMessages.lost(id, ending, PROCESS_LOST, System.currentTimeMillis(),
                dir.size(OutputStream.STDOUT), dir.size(OutputStream.STDERR)), null, record.get(), null);
    }

    /** The Exited of a script that ended unwatched with {@code code}; an end the agent had asked for decides it. */
    private static Exited completed(RunDir dir, int code, EndRequest ending) {
        return ExecutionMessages.ended(dir.id(), ending, code, dir.exitMillis(), dir.size(OutputStream.STDOUT),
                dir.size(OutputStream.STDERR), "");
    }
}
