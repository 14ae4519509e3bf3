package dev.runcmd.agent.exec;

import dev.runcmd.proto.agent.v1.HeldExecution;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The executions the agent holds, in arrival order, from their acceptance (or recovery) until the
 * gateway acknowledged their Exited; the ids of executions canceled before their Run arrived; and
 * whether the agent stops. Once it stops no Run is admitted; once it detaches, an execution added
 * late (its Run was admitted just before) is detached at once, so nothing escapes a detach.
 *
 * <p>Threading: every method is safe from any thread (this object's monitor); none calls out to an
 * execution while holding it, except {@link Execution#detach()}, which takes only that execution's
 * monitor.
 */
final class ExecutionRegistry {
    /** How many ids of executions canceled before their Run arrived are remembered. */
    static final int MAX_CANCELED_EARLY = 10_000;
    /**
     * How many finished but unacknowledged executions are held; older ones are forgotten (in memory; their
     * state dirs stay). A gateway that follows the protocol never brings the agent here: Runs are only
     * accepted into a running slot or the waiting line (at most 1000 + 1000 at the largest max-concurrent),
     * none arrive while the gateway is unreachable, and a gateway that cannot store an Exited ends the
     * session. The bound keeps a gateway that never acknowledges from growing the agent's memory.
     */
    static final int MAX_UNACKED = 2_000;

    private final Journal journal;
    private final Map<String, Execution> held = new LinkedHashMap<>(); // guarded by this
    private final LinkedHashSet<String> canceledEarly = new LinkedHashSet<>(); // guarded by this
    private boolean stopping; // guarded by this
    private boolean detaching; // guarded by this

    /** Creates the registry; {@code journal} must be open. */
    ExecutionRegistry(Journal journal) {
        this.journal = journal;
    }

    /** True when {@code id} was accepted before (held now, or journaled). */
    synchronized boolean isDuplicate(String id) {
        return held.containsKey(id) || journal.contains(id);
    }

    /** Why a Run with the new {@code id} is refused by the agent's own state, or null. */
    synchronized String refusal(String id) {
        return !ExecDirs.isSafeId(id) ? "invalid execution id"
                : canceledEarly.contains(id) ? "canceled before start"
                : stopping ? "agent is stopping"
                : null;
    }

    /** Holds {@code execution} from now on (detached at once when the agent detaches). */
    synchronized void add(Execution execution) {
        held.put(execution.id(), execution);
        if (detaching) {
            execution.detach();
        }
    }

    /** The held execution {@code id}, or null. */
    synchronized Execution get(String id) {
        return held.get(id);
    }

    /**
     * The held execution {@code id} for a Cancel; when there is none and the id was never accepted,
     * it is remembered, so that a later Run with it is refused. Returns null then.
     */
    synchronized Execution forCancel(String id) {
        Execution execution = held.get(id);
        if (execution == null && !journal.contains(id)) {
            canceledEarly.add(id);
            if (canceledEarly.size() > MAX_CANCELED_EARLY) {
                Iterator<String> oldest = canceledEarly.iterator();
                oldest.next();
                oldest.remove();
            }
        }
        return execution;
    }

    /** Forgets {@code execution} if it ended and its Exited was acknowledged; returns whether it did. */
    synchronized boolean removeIfDone(Execution execution) {
        if (execution.tail().exitedAcknowledged() && execution.state() == ExecutionState.EXITED) {
            return held.remove(execution.id(), execution);
        }
        return false;
    }

    /** Every held execution, in arrival order. */
    synchronized List<Execution> snapshot() {
        return new ArrayList<>(held.values());
    }

    /** The held executions as Hello lists them. */
    synchronized List<HeldExecution> heldList() {
        List<HeldExecution> list = new ArrayList<>();
        for (Execution e : held.values()) {
            list.add(HeldExecution.newBuilder()
                    .setExecutionId(e.id())
                    .setRunning(e.state() != ExecutionState.EXITED)
                    .build());
        }
        return list;
    }

    /**
     * Forgets (in memory) the oldest finished, unacknowledged executions beyond {@link #MAX_UNACKED}
     * and returns them; their state dirs stay, so the next agent start reports them again.
     */
    synchronized List<Execution> forgetOldest() {
        long finished = held.values().stream().filter(e -> e.state() == ExecutionState.EXITED).count();
        List<Execution> forgotten = new ArrayList<>();
        Iterator<Execution> oldest = held.values().iterator();
        while (finished > MAX_UNACKED && oldest.hasNext()) {
            Execution e = oldest.next();
            if (e.state() == ExecutionState.EXITED) {
                oldest.remove();
                forgotten.add(e);
                finished--;
            }
        }
        return forgotten;
    }

    /**
     * The agent stops: no Run is admitted any more; with {@code detach}, executions added from now on
     * are detached at once. Returns every execution held now.
     */
    synchronized List<Execution> stop(boolean detach) {
        stopping = true;
        detaching = detach;
        return snapshot();
    }
}
