package dev.runcmd.agent.exec;

import dev.runcmd.agent.spool.AckedOffsets;
import dev.runcmd.agent.spool.OutputTail;
import dev.runcmd.agent.spool.RunDir;
import dev.runcmd.agent.transport.GatewayHandler;
import dev.runcmd.proto.agent.v1.Accepted;
import dev.runcmd.proto.agent.v1.Ack;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.Cancel;
import dev.runcmd.proto.agent.v1.HeldExecution;
import dev.runcmd.proto.agent.v1.Rejected;
import dev.runcmd.proto.agent.v1.Run;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * The agent's executions and the rules for the gateway's commands. A Run is refused when its id was
 * accepted before (Rejected, duplicate), was canceled before it arrived, is not safe as a directory
 * name, asks for something this machine cannot do, or would overflow the line of waiting
 * executions; otherwise its state dir is created and its id journaled (both durable), Accepted is
 * queued, and the execution starts on a worker thread, at once if a slot is free, else (Accepted says
 * so) when one frees up, in arrival order. Executions, waiting ones included, are held until the
 * gateway acknowledges their Exited; then their state dir is deleted. Executions found in the state
 * dirs at start-up ({@link #recover}) are held the same way.
 *
 * <p>The spool bound ({@link SpoolBudget}) is checked after output and after Acks.
 *
 * <p>Threading: the {@link GatewayHandler} methods run on the session's control thread; the
 * registry below is guarded by this object's monitor.
 */
public final class Executions implements GatewayHandler, ExecutionEvents {
    /** How many ids of executions canceled before their Run arrived are remembered. */
    static final int MAX_CANCELED_EARLY = 10_000;
    /** How many finished but unacknowledged executions are held; older ones are forgotten. */
    static final int MAX_UNACKED = 1_000;
    /** How many executions may wait for a free slot; more are refused ("queue full"). */
    static final int MAX_WAITING = 1_000;

    private static final Logger LOG = Logger.getLogger(Executions.class.getName());

    private final Journal journal;
    private final ExecContext ctx;
    private final ExecutionSlots<Execution> slots;
    private final SpoolBudget budget;
    private final Map<String, Execution> held = new LinkedHashMap<>(); // guarded by this
    private final LinkedHashSet<String> canceledEarly = new LinkedHashSet<>(); // guarded by this
    private boolean stopping; // guarded by this

    /** Creates the registry running at most {@code maxConcurrent} executions at once; {@code journal} must be open. */
    public Executions(Journal journal, ExecContext ctx, int maxConcurrent) {
        this.journal = journal;
        this.ctx = ctx;
        this.slots = new ExecutionSlots<>(maxConcurrent, MAX_WAITING);
        this.budget = new SpoolBudget(ctx.spool().maxBytes());
    }

    /**
     * Takes over the executions an earlier agent left in the state dirs (see {@link Recovery}):
     * finished ones report their end, running ones are reattached (each takes a slot). Called once,
     * before the session starts. Returns the ids of the reattached executions, whose exec dirs must
     * be kept.
     */
    public Set<String> recover() throws IOException, InterruptedException {
        List<Recovery.Found> found = Recovery.scan(ctx, journal, this);
        synchronized (this) {
            for (Recovery.Found f : found) {
                held.put(f.execution().id(), f.execution());
                ctx.outbox().register(f.execution().tail());
            }
        }
        Set<String> running = new java.util.HashSet<>();
        for (Recovery.Found f : found) {
            f.execution().markAccepted();
            if (f.running() != null) {
                slots.occupy(f.execution());
                running.add(f.execution().id());
                f.execution().reattach(f.running(), f.record());
            } else {
                f.execution().complete(f.exited());
            }
        }
        return running;
    }

    @Override
    public void onRun(Run run) throws InterruptedException {
        String id = run.getExecutionId();
        Rejected refusal = admit(run);
        if (refusal != null) {
            LOG.info(() -> "Refusing execution " + id + ": " + refusal.getReason());
            ctx.outbox().put(AgentMessage.newBuilder().setRejected(refusal).build());
            return;
        }
        Execution execution;
        try {
            execution = record(run);
        } catch (IOException e) {
            ctx.outbox().put(AgentMessage.newBuilder().setRejected(rejected(id,
                    "cannot record the execution on the agent's disk: " + e.getMessage(), false)).build());
            return;
        }
        String waiting = slots.admit(execution);
        try {
            Accepted.Builder accepted = Accepted.newBuilder().setExecutionId(id);
            if (waiting != null) {
                LOG.info(() -> "Execution " + id + " waits: " + waiting);
                accepted.setMessage(waiting);
            }
            ctx.outbox().put(AgentMessage.newBuilder().setAccepted(accepted).build());
            ctx.outbox().register(execution.tail());
        } finally {
            execution.markAccepted();
        }
        if (waiting == null) {
            launch(execution);
        }
    }

    @Override
    public void onCancel(Cancel cancel) {
        String id = cancel.getExecutionId();
        String reason = cancel.getReason().isEmpty() ? "canceled" : cancel.getReason();
        Execution execution;
        synchronized (this) {
            execution = held.get(id);
            if (execution == null && !journal.contains(id)) {
                remember(canceledEarly, id, MAX_CANCELED_EARLY);
            }
        }
        if (execution != null) {
            execution.end(EndRequest.canceled(reason), ctx.killGrace());
            if (slots.withdraw(execution)) {
                launch(execution); // reports the cancel without starting anything
            }
        }
    }

    /**
     * Records the acknowledged offsets (the tail skips what is stored), frees acknowledged file
     * prefixes, and once Exited is acknowledged deletes the state dir and forgets the execution.
     */
    @Override
    public void onAck(Ack ack) throws InterruptedException {
        ctx.outbox().acknowledge(ack);
        Execution execution;
        synchronized (this) {
            execution = held.get(ack.getExecutionId());
            if (execution == null) {
                return;
            }
            if (execution.tail().exitedAcknowledged() && execution.state() == ExecutionState.EXITED) {
                held.remove(ack.getExecutionId());
            } else {
                execution.afterAck();
                execution = null;
            }
        }
        if (execution != null) {
            release(execution);
        }
        checkSpool();
    }

    @Override
    public void onOutput() {
        try {
            checkSpool();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void checkSpool() throws InterruptedException {
        List<Execution> all;
        synchronized (this) {
            all = new ArrayList<>(held.values());
        }
        budget.check(all);
    }

    /** Stops following {@code done} and deletes its state dir: the gateway has all of it. */
    private void release(Execution done) {
        ctx.outbox().unregister(done.id());
        done.tail().close();
        try {
            done.runDir().delete();
        } catch (IOException e) {
            LOG.warning(() -> "Cannot delete the state dir of " + done.id() + ": " + e.getMessage());
        }
    }

    @Override
    public synchronized List<HeldExecution> held() {
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
     * Refuses further Runs, ends every running execution (TERM, {@code grace}, KILL) with
     * "agent stopped", and waits at most {@code wait} for their Exited to be queued.
     */
    public void stopAll(Duration grace, Duration wait) throws InterruptedException {
        List<CompletableFuture<Void>> exits = new ArrayList<>();
        synchronized (this) {
            stopping = true;
            for (Execution e : held.values()) {
                e.end(EndRequest.agentStopped(), grace);
                exits.add(e.exited());
            }
        }
        slots.withdrawAll().forEach(this::launch); // each reports "agent stopped" without starting
        try {
            CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new)).get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warning(() -> "Not every execution reported its end within " + wait.toMillis() + " ms");
        }
    }

    /**
     * Creates the state dir of {@code run} and journals its id (both durable, in this order: a state
     * dir without a journal entry is found and journaled at the next start), and the execution.
     */
    private Execution record(Run run) throws IOException {
        String id = run.getExecutionId();
        RunDir dir = RunDir.create(ctx.spool().runsRoot(), id);
        try {
            journal.append(id);
        } catch (IOException e) {
            dir.delete();
            throw e;
        }
        Execution execution = new Execution(id, run, dir, new OutputTail(dir, AckedOffsets.NONE), ctx, this);
        synchronized (this) {
            held.put(id, execution);
        }
        return execution;
    }

    /**
     * Checks {@code run}; returns the refusal, or null when it may run. Only the control thread adds
     * executions, so the id stays free until {@link #record} holds it.
     */
    private synchronized Rejected admit(Run run) {
        String id = run.getExecutionId();
        if (held.containsKey(id) || journal.contains(id)) {
            return rejected(id, "duplicate", true);
        }
        String why = !ExecDirs.isSafeId(id) ? "invalid execution id"
                : canceledEarly.contains(id) ? "canceled before start"
                : stopping ? "agent is stopping"
                : ctx.launcher().unsupported(run).orElseGet(slots::refusal);
        return why != null ? rejected(id, why, false) : null;
    }

    /**
     * Starts {@code execution} on a worker thread. Its start waits for its Accepted, reports an end
     * requested meanwhile without starting anything, and otherwise downloads and launches the script.
     */
    private void launch(Execution execution) {
        try {
            ctx.workers().execute(() -> {
                try {
                    execution.start();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.warning(() -> "Agent is stopping; execution " + execution.id() + " is not started");
        }
    }

    /** Called once an execution handed out its Exited: hands its slot on, then forgets old finished ones. */
    @Override
    public void onExited(Execution done) {
        Execution next = slots.release(done);
        if (next != null) {
            launch(next);
        }
        forgetOldest();
    }

    /**
     * Forgets (in memory) the oldest finished, unacknowledged executions beyond {@link #MAX_UNACKED};
     * their state dirs stay, so the next agent start reports them again.
     */
    private synchronized void forgetOldest() {
        long finished = held.values().stream().filter(e -> e.state() == ExecutionState.EXITED).count();
        Iterator<Execution> oldest = held.values().iterator();
        while (finished > MAX_UNACKED && oldest.hasNext()) {
            Execution e = oldest.next();
            if (e.state() == ExecutionState.EXITED) {
                oldest.remove();
                ctx.outbox().unregister(e.id());
                e.tail().close();
                finished--;
            }
        }
    }

    private static Rejected rejected(String id, String reason, boolean duplicate) {
        return Rejected.newBuilder().setExecutionId(id).setReason(reason).setDuplicate(duplicate).build();
    }

    private static void remember(LinkedHashSet<String> set, String id, int max) {
        set.add(id);
        if (set.size() > max) {
            Iterator<String> oldest = set.iterator();
            oldest.next();
            oldest.remove();
        }
    }
}
