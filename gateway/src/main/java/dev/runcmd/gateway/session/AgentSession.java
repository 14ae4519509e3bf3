package dev.runcmd.gateway.session;

import dev.runcmd.proto.agent.v1.Ack;
import dev.runcmd.proto.agent.v1.GatewayMessage;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * One agent's open stream on this gateway, from its accepted Hello until the stream ends.
 *
 * <p>Everything written to the agent goes through the session's {@link Outbox}. The session ends
 * exactly once ({@link #end}); the end hook given at construction then runs once, on the thread
 * that ended it, and releases what the session held. Thread-safe.
 */
public final class AgentSession {

    private final String sessionId;
    private final long machineId;
    private final String machine;
    private final Set<UUID> held;
    private final Outbox outbox;
    private final BiConsumer<AgentSession, Status> endHook;
    private final Runnable drainHook;
    private final ExecutionOwnership ownership;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean recorded;
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile boolean busy;
    private volatile Credential credential;

    /**
     * @param sessionId this stream's id
     * @param machineId the machine's row id
     * @param machine the machine's scope as "subscription/resourceGroup/name", for messages
     * @param held executions the agent said it holds; they are never delivered to this session
     * @param outbox the stream's writer
     * @param endHook runs once when the session ends, with the status its stream ended with
     * @param drainHook makes the stream stop reading, store what it read, then end (shutdown)
     */
    public AgentSession(String sessionId, long machineId, String machine, Set<UUID> held,
                        Outbox outbox, BiConsumer<AgentSession, Status> endHook, Runnable drainHook) {
        this.sessionId = sessionId;
        this.machineId = machineId;
        this.machine = machine;
        this.held = Set.copyOf(held);
        this.outbox = outbox;
        this.endHook = endHook;
        this.drainHook = drainHook;
        this.ownership = new ExecutionOwnership(machineId);
    }

    /** The certificate the agent holds now (null only in tests that build sessions without one). */
    public Credential credential() {
        return credential;
    }

    /** Records the certificate the agent holds now: at Hello, and after each renewal. */
    public void credential(Credential current) {
        this.credential = current;
    }

    public String sessionId() {
        return sessionId;
    }

    public long machineId() {
        return machineId;
    }

    /** The machine's scope as "subscription/resourceGroup/name". */
    public String machine() {
        return machine;
    }

    /** What this session knows about the executions its agent reported on (bounded). */
    public ExecutionOwnership ownership() {
        return ownership;
    }

    /** Notes that the session's {@code agent_session} row is committed. */
    public void recorded() {
        recorded = true;
    }

    /** True once the session's {@code agent_session} row was committed (it may be gone since). */
    public boolean isRecorded() {
        return recorded;
    }

    /**
     * Asks the stream to stop reading, finish storing and acknowledging what it already read,
     * and then end with UNAVAILABLE "gateway shutting down". Returns at once.
     */
    public void drain() {
        drainHook.run();
    }

    /** Executions the agent held when it said Hello. */
    public Set<UUID> held() {
        return held;
    }

    /** Queues a Welcome or Cancel; past the outbox bound the session ends RESOURCE_EXHAUSTED. */
    public void send(GatewayMessage message) {
        if (!outbox.offer(message)) {
            end(Status.RESOURCE_EXHAUSTED.withDescription("outbox of session " + sessionId + " is full"));
        }
    }

    /** Queues an Ack (merged per execution); past the bound the session ends RESOURCE_EXHAUSTED. */
    public void ack(Ack ack) {
        if (!outbox.ack(ack)) {
            end(Status.RESOURCE_EXHAUSTED.withDescription("too many unsent acks on session " + sessionId));
        }
    }

    /** Reserves outbox room for up to {@code wanted} Runs; returns the room granted (maybe 0). */
    public int reserve(int wanted) {
        return outbox.reserve(wanted);
    }

    /** Queues Runs into room reserved by {@code reserve(reservedCount)}, releasing the rest. */
    public void sendReserved(List<GatewayMessage> runs, int reservedCount) {
        outbox.offerReserved(runs, reservedCount);
    }

    /**
     * Ends the session once: closes the stream with {@code status} (null when the transport
     * already ended it) and runs the end hook. Later calls do nothing.
     */
    public void end(Status status) {
        if (ended.compareAndSet(false, true)) {
            outbox.close(status);
            endHook.accept(this, status);
        }
    }

    /** True once the session ended, or its stream was closed underneath it. */
    public boolean isEnded() {
        return ended.get() || outbox.isClosed();
    }

    /** Notes that a message arrived and is being handled: the agent is alive and we are busy. */
    public void heard() {
        busy = true;
        lastHeardNanos = System.nanoTime();
    }

    /** Notes that the message being handled is done. */
    public void handled() {
        lastHeardNanos = System.nanoTime();
        busy = false;
    }

    /** True when no message arrived for {@code limit} while the gateway was not busy with one. */
    public boolean isSilentFor(Duration limit) {
        return !busy && System.nanoTime() - lastHeardNanos > limit.toNanos();
    }

    @Override
    public String toString() {
        return "session " + sessionId + " of machine " + machine;
    }
}
