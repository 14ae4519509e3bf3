package dev.runcmd.gateway.agent;

import dev.runcmd.gateway.session.AgentSession;
import dev.runcmd.gateway.session.Credential;
import dev.runcmd.gateway.session.MachineScopes;
import dev.runcmd.gateway.session.Outbox;
import dev.runcmd.gateway.store.OutputLane;
import dev.runcmd.gateway.store.StoreFailures;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.GatewayMessage;
import dev.runcmd.proto.agent.v1.Hello;
import dev.runcmd.proto.agent.v1.MachineScope;
import dev.runcmd.proto.pki.MachineIdentity;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.smallrye.mutiny.Uni;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;

/**
 * The inbound side of one agent's stream.
 *
 * <p>Flow control is manual ({@code disableAutoRequest}). Hello is requested alone and handled
 * first: it opens the session. After that a window of messages is requested ahead; arrivals wait
 * in the {@link Inbox}, which cuts them into units (a run of consecutive Outputs stored together,
 * or one other message). When a unit's store work committed and its Acks are queued, as many
 * messages as it held are requested again. So at most the window of messages waits here, and a
 * slow store back-pressures the agent.
 *
 * <p>Ordering contract: units start in arrival order, and a unit starts only when the previous
 * one finished, with one exception: a full unit of Outputs may start while one unit of Outputs is
 * still being stored. Both go through the stream's {@link OutputLane}, which runs their statements
 * in start order on one connection, so they commit in arrival order and the database never waits
 * for the gateway between them. Nothing is acknowledged before it is stored.
 *
 * <p>Every message after Hello takes a token of the stream's {@link MessageRate}; a flood ends the
 * stream with RESOURCE_EXHAUSTED. At shutdown ({@link #drain()}) no more messages are requested;
 * the units already read are stored and acknowledged, then the stream ends with UNAVAILABLE.
 *
 * <p>Threading: transport callbacks arrive serialized; completions of store work arrive on other
 * threads. Every state field is guarded by {@code this}; session, outbox, transport and store
 * calls happen outside the lock. Units taken under the lock are subscribed by one thread at a time,
 * in the order they were taken ({@link #dispatch()}).
 */
final class AgentStream implements StreamObserver<AgentMessage> {

    private static final Status NOT_HELLO = Status.FAILED_PRECONDITION.withDescription("first message must be Hello");
    /** How a stream ends when its gateway shuts down; the agent reconnects, to another replica. */
    static final Status SHUTTING_DOWN = Status.UNAVAILABLE.withDescription("gateway shutting down");

    private final ServerCallStreamObserver<GatewayMessage> call;
    private final Outbox outbox;
    private final String sessionId;
    private final Credential credential;
    private final SessionOpener opener;
    private final ProgressHandler progress;
    private final OutputLane lane;
    private final int window;
    private final StreamLimits limits;
    private final MessageRate rate; // guarded by this
    private final Inbox inbox; // guarded by this
    private final ArrayDeque<List<AgentMessage>> taken = new ArrayDeque<>(); // guarded by this
    private StreamState state = StreamState.AWAITING_HELLO; // guarded by this
    private AgentSession session; // guarded by this
    private int running; // guarded by this; units taken and not finished (Hello counts)
    private boolean runningOutput; // guarded by this; whether the running units are Output units
    private boolean dispatching; // guarded by this
    private boolean halfClosed; // guarded by this
    private boolean draining; // guarded by this; shutdown: read nothing more, end once idle

    AgentStream(ServerCallStreamObserver<GatewayMessage> call, Outbox outbox, String sessionId, Credential credential,
                SessionOpener opener, ProgressHandler progress, StreamLimits limits) {
        this.call = call;
        this.credential = credential;
        this.outbox = outbox;
        this.sessionId = sessionId;
        this.opener = opener;
        this.progress = progress;
        this.lane = progress.lane();
        this.window = limits.ingestWindow();
        this.limits = limits;
        this.rate = new MessageRate(limits.maxMessagesPerSecond(), limits.messageBurst(), System.nanoTime());
        this.inbox = new Inbox(window);
    }

    /** Installs flow control and handlers, and asks for Hello. Call before connect() returns. */
    void start() {
        call.disableAutoRequest();
        call.setOnReadyHandler(outbox::drain);
        call.setOnCancelHandler(() -> end(null));
        call.request(1);
    }

    @Override
    public void onNext(AgentMessage message) {
        Uni<Void> hello = arrived(message);
        if (hello != null) {
            run(hello, window);
        } else {
            dispatch();
        }
    }

    @Override
    public void onError(Throwable failure) {
        end(null);
    }

    @Override
    public void onCompleted() {
        synchronized (this) {
            halfClosed = true;
            if (running > 0) {
                return;
            }
        }
        end(Status.OK);
    }

    /**
     * Takes in an arrival: returns Hello's work (or a failure that ends the stream), or queues
     * what may start now for {@link #dispatch()}.
     */
    private synchronized Uni<Void> arrived(AgentMessage message) {
        if (state == StreamState.CLOSED) {
            return null;
        }
        if (state == StreamState.AWAITING_HELLO) {
            running = 1;
            return open(message);
        }
        if (!rate.take(System.nanoTime())) {
            return Uni.createFrom().failure(Status.RESOURCE_EXHAUSTED.withDescription(
                    "more than " + limits.maxMessagesPerSecond() + " messages per second").asRuntimeException());
        }
        session.heard();
        inbox.add(message);
        takeStartable();
        return null;
    }

    private Uni<Void> open(AgentMessage message) {
        if (!message.hasHello()) {
            return Uni.createFrom().failure(NOT_HELLO.asRuntimeException());
        }
        var refusal = limits.stopping().getAsBoolean() ? Optional.of(SHUTTING_DOWN)
                : HelloValidator.refusal(message.getHello()).or(() -> impersonation(message.getHello()));
        if (refusal.isPresent()) {
            return Uni.createFrom().failure(refusal.get().asRuntimeException());
        }
        state = StreamState.OPENING;
        return opener.open(message.getHello(), credential, sessionId, outbox, this::drain)
                .invoke(this::opened)
                .chain(opener::welcome);
    }

    /** PERMISSION_DENIED when the Hello names another machine than the stream's certificate. */
    private Optional<Status> impersonation(Hello hello) {
        MachineIdentity certified = credential.identity();
        MachineScope claimed = hello.getMachine();
        if (certified.subscriptionId().equals(claimed.getSubscriptionId())
                && certified.resourceGroup().equals(claimed.getResourceGroup())
                && certified.machineName().equals(claimed.getMachineName())) {
            return Optional.empty();
        }
        return Optional.of(Status.PERMISSION_DENIED.withDescription("the client certificate is machine "
                + certified.describe() + "'s; Hello names " + MachineScopes.describe(claimed)));
    }

    private void opened(AgentSession opened) {
        synchronized (this) {
            if (state != StreamState.CLOSED) {
                state = StreamState.OPEN;
                session = opened;
                return;
            }
        }
        opened.end(null);
    }

    /** Moves the units that may start now from the inbox to {@code taken}; requires the lock. */
    private void takeStartable() {
        while (state == StreamState.OPEN && !inbox.isEmpty()) {
            boolean pipelined = running == 1 && runningOutput && inbox.hasFullOutputUnit() && lane.canPipeline();
            if (running > 0 && !pipelined) {
                return;
            }
            List<AgentMessage> unit = inbox.take();
            runningOutput = unit.get(0).hasOutput();
            running++;
            taken.add(unit);
        }
    }

    /** Subscribes the taken units, oldest first; one thread at a time, the others leave it to that one. */
    private void dispatch() {
        synchronized (this) {
            if (dispatching) {
                return;
            }
            dispatching = true;
        }
        while (true) {
            List<AgentMessage> unit;
            AgentSession current;
            synchronized (this) {
                unit = taken.poll();
                if (unit == null) {
                    dispatching = false;
                    return;
                }
                current = session;
            }
            run(progress.handle(current, unit, lane), unit.size());
        }
    }

    /** Runs a unit's work; when it is done, {@code credits} more messages are requested. */
    private void run(Uni<Void> work, int credits) {
        work.subscribe().with(done -> finished(credits), failure -> end(StoreFailures.toStatus(failure)));
    }

    /**
     * A unit is done: asks for as many messages as it consumed (or the whole window after Hello)
     * and starts what may start now; or ends the stream if the agent half-closed and everything it
     * sent is handled.
     */
    private void finished(int credits) {
        boolean drained;
        boolean idleWhileDraining;
        synchronized (this) {
            running--;
            if (state == StreamState.CLOSED) {
                return;
            }
            takeStartable();
            drained = running == 0 && halfClosed;
            idleWhileDraining = running == 0 && draining && !halfClosed;
            if (running == 0 && !halfClosed) {
                session.handled();
            }
        }
        if (drained) {
            end(Status.OK);
            return;
        }
        if (idleWhileDraining) {
            endAfterFlush();
            return;
        }
        if (!isDraining()) {
            call.request(credits);
        }
        dispatch();
    }

    /**
     * Shutdown: reads nothing more, finishes storing and acknowledging what was read, then ends
     * with UNAVAILABLE "gateway shutting down" once the Acks are written. Safe from any thread.
     */
    void drain() {
        boolean idle;
        synchronized (this) {
            if (state == StreamState.CLOSED || draining) {
                return;
            }
            draining = true;
            idle = state != StreamState.OPEN || running == 0;
        }
        if (idle) {
            endAfterFlush();
        }
    }

    private synchronized boolean isDraining() {
        return draining;
    }

    private void endAfterFlush() {
        outbox.afterFlush(() -> end(SHUTTING_DOWN));
    }

    /** The Hello deadline passed: ends the stream with DEADLINE_EXCEEDED unless a Hello arrived. Any thread. */
    void endUnlessHelloArrived() {
        synchronized (this) {
            if (state != StreamState.AWAITING_HELLO) {
                return;
            }
            state = StreamState.CLOSED;
        }
        outbox.close(Status.DEADLINE_EXCEEDED.withDescription(
                "no Hello within " + limits.helloTimeout().toMillis() + " ms"));
    }

    /** Ends the stream once with {@code status} (null: the transport already ended it). */
    private void end(Status status) {
        AgentSession ending;
        synchronized (this) {
            if (state == StreamState.CLOSED) {
                return;
            }
            state = StreamState.CLOSED;
            ending = session;
        }
        if (ending != null) {
            ending.end(status);
        } else {
            outbox.close(status);
        }
    }
}
