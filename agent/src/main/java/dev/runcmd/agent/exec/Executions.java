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
import java.util.HashSet;
import java.util.List;
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
 * so) when one frees up, in arrival order. Executions, waiting ones included, are held
 * ({@link ExecutionRegistry}) until the gateway acknowledges their Exited; then their state dir is
 * deleted. Executions found in the state dirs at start-up ({@link #recover}) are held the same way.
 *
 * <p>When the agent stops, its executions are either ended ({@link #stopAll}) or left to the next
 * agent ({@link #detachAll}). The spool bound ({@link SpoolBudget}) is checked after output and Acks.
 *
 * <p>Threading: the {@link GatewayHandler} methods run on the session's control thread, which alone
 * adds executions; the registry and the slots are safe from any thread.
 */
public final class Executions implements GatewayHandler, ExecutionEvents {
    /** How many executions may wait for a free slot; more are refused ("queue full"). */
    static final int MAX_WAITING = 1_000;

    private static final Logger LOG = Logger.getLogger(Executions.class.getName());

    private final Journal journal;
    private final ExecContext ctx;
    private final ExecutionSlots<Execution> slots;
    private final SpoolBudget budget;
    private final ExecutionRegistry registry;

    /** Creates the registry running at most {@code maxConcurrent} executions at once; {@code journal} must be open. */
    public Executions(Journal journal, ExecContext ctx, int maxConcurrent) {
        this.journal = journal;
        this.ctx = ctx;
        this.slots = new ExecutionSlots<>(maxConcurrent, MAX_WAITING);
        this.budget = new SpoolBudget(ctx.spool().maxBytes());
        this.registry = new ExecutionRegistry(journal);
    }

    /**
     * Takes over the executions an earlier agent left in the state dirs (see {@link Recovery}):
     * finished ones report their end, running ones are reattached (each takes a slot). Called once,
     * before the session starts. Returns the ids of the reattached executions, whose exec dirs must
     * be kept.
     */
    public Set<String> recover() throws IOException, InterruptedException {
        List<Recovery.Found> found = Recovery.scan(ctx, journal, this);
        for (Recovery.Found f : found) {
            registry.add(f.execution());
            ctx.outbox().register(f.execution().tail());
        }
        Set<String> running = new HashSet<>();
        for (Recovery.Found f : found) {
            f.execution().markAccepted();
            if (f.running() != null) {
                slots.occupy(f.execution());
                running.add(f.execution().id());
                f.execution().reattach(f.running(), f.record(), f.ending());
            } else if (f.resumesUploads()) {
                f.execution().completeAfterUploads(f.exited(), f.record());
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
        String reason = cancel.getReason().isEmpty() ? "canceled" : cancel.getReason();
        Execution execution = registry.forCancel(cancel.getExecutionId());
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
        Execution execution = registry.get(ack.getExecutionId());
        if (execution == null) {
            return;
        }
        if (registry.removeIfDone(execution)) {
            release(execution);
        } else {
            execution.afterAck();
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
        budget.check(registry.snapshot());
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
    public List<HeldExecution> held() {
        return registry.heldList();
    }

    /**
     * Cancel stop mode: refuses further Runs, ends every running execution (TERM, {@code grace},
     * KILL) with "agent stopped", and waits at most {@code wait} for their Exited to be queued.
     */
    public void stopAll(Duration grace, Duration wait) throws InterruptedException {
        List<CompletableFuture<Void>> exits = new ArrayList<>();
        for (Execution e : registry.stop(false)) {
            e.end(EndRequest.agentStopped(), grace);
            exits.add(e.exited());
        }
        slots.withdrawAll().forEach(this::launch); // each reports "agent stopped" without starting
        if (!awaitAll(exits, wait)) {
            LOG.warning(() -> "Not every execution reported its end within " + wait.toMillis() + " ms");
        }
    }

    /**
     * Detach stop mode: refuses further Runs and leaves every execution to the next agent. Running
     * scripts run on untouched (no end, no timeout); waiting ones stay accepted and unlaunched; a
     * launch already past its last check gets at most {@code wait} to record its process. Every
     * state dir stays. Returns how many scripts were left running.
     */
    public int detachAll(Duration wait) throws InterruptedException {
        List<Execution> all = registry.stop(true);
        List<CompletableFuture<Void>> launches = new ArrayList<>();
        for (Execution e : all) {
            launches.add(e.detach());
        }
        slots.withdrawAll(); // they stay accepted: the next agent reports them not run
        if (!awaitAll(launches, wait)) {
            LOG.warning(() -> "A script launch did not finish within " + wait.toMillis() + " ms of the agent stop");
        }
        return (int) all.stream().filter(e -> e.state() == ExecutionState.RUNNING
                || e.state() == ExecutionState.ENDING).count();
    }

    /** Waits at most {@code wait} for all {@code futures}; returns whether they all completed. */
    private static boolean awaitAll(List<CompletableFuture<Void>> futures, Duration wait) throws InterruptedException {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
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
        registry.add(execution);
        return execution;
    }

    /**
     * Checks {@code run}; returns the refusal, or null when it may run. Only the control thread adds
     * executions, so the id stays free until {@link #record} holds it.
     */
    private Rejected admit(Run run) {
        String id = run.getExecutionId();
        if (registry.isDuplicate(id)) {
            return rejected(id, "duplicate", true);
        }
        String why = registry.refusal(id);
        if (why == null) {
            why = ctx.launcher().unsupported(run).orElseGet(slots::refusal);
        }
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
        for (Execution forgotten : registry.forgetOldest()) {
            ctx.outbox().unregister(forgotten.id());
            forgotten.tail().close();
        }
    }

    private static Rejected rejected(String id, String reason, boolean duplicate) {
        return Rejected.newBuilder().setExecutionId(id).setReason(reason).setDuplicate(duplicate).build();
    }
}
