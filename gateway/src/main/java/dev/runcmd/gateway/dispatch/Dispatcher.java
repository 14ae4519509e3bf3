package dev.runcmd.gateway.dispatch;

import dev.runcmd.gateway.config.GatewayConfig;
import dev.runcmd.gateway.config.GatewayIdentity;
import dev.runcmd.gateway.config.Secrets;
import dev.runcmd.gateway.session.AgentSession;
import dev.runcmd.gateway.store.ClaimedRun;
import dev.runcmd.gateway.store.ExecutionFacts;
import dev.runcmd.gateway.store.ExecutionStore;
import dev.runcmd.gateway.store.ProgressStore;
import dev.runcmd.gateway.tracing.RunTraces;
import dev.runcmd.proto.agent.v1.GatewayMessage;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Delivers a machine's Pending executions to the session holding it.
 *
 * <p>Delivery claims rows in the store before sending, and a claim is atomic, so concurrent
 * deliveries (a Hello, a Dispatch call, the sweep, another gateway) never send one execution
 * twice. A delivery claims in batches of a quarter of the outbox bound, so concurrent
 * deliveries to one session each find room, and goes on while batches come back full and the
 * outbox has room; what does not fit stays Pending for the next delivery or sweep.
 */
@Singleton
public final class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);
    /** Deliveries to different machines that one {@link #deliverPending} runs at once. */
    private static final int CONCURRENT_DELIVERIES = 4;

    private final ExecutionStore executions;
    private final ProgressStore progress;
    private final Secrets secrets;
    private final GatewayIdentity identity;
    private final int batch;
    private final RunTraces traces;

    public Dispatcher(ExecutionStore executions, ProgressStore progress, Secrets secrets, GatewayIdentity identity,
                      GatewayConfig config, RunTraces traces) {
        this.traces = traces;
        this.executions = executions;
        this.progress = progress;
        this.secrets = secrets;
        this.identity = identity;
        this.batch = Math.max(1, config.outboxLimit() / 4);
    }

    /**
     * Claims the machine's Pending executions for the session and queues one Run per claimed
     * execution, oldest first. Emits how many were sent; fails if the store fails (batches
     * claimed before the failure were sent; the failed one claimed nothing).
     */
    public Uni<Integer> deliver(AgentSession session) {
        if (session.isEnded()) {
            return Uni.createFrom().item(0);
        }
        int room = session.reserve(batch);
        if (room == 0) {
            return Uni.createFrom().item(0);
        }
        return executions.claim(identity.id(), session.sessionId(), session.machineId(), session.held(), room)
                .onFailure().invoke(failure -> session.sendReserved(List.of(), room))
                .map(runs -> send(session, runs, room))
                .chain(sent -> sent < room ? Uni.createFrom().item(sent) : deliver(session).map(more -> sent + more));
    }

    /**
     * Delivers to each of {@code sessions} whose machine has Pending work: one query finds those machines, then
     * at most {@value #CONCURRENT_DELIVERIES} deliveries run at once. Emits how many executions were sent; fails
     * if the store fails (deliveries that finished before it keep what they sent).
     */
    public Uni<Integer> deliverPending(Collection<AgentSession> sessions) {
        Map<Long, AgentSession> byMachine = sessions.stream()
                .collect(Collectors.toMap(AgentSession::machineId, Function.identity(), (older, newer) -> newer));
        if (byMachine.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return executions.machinesWithPending(List.copyOf(byMachine.keySet()))
                .onItem().transformToMulti(ids -> Multi.createFrom().iterable(ids))
                .onItem().transformToUni(id -> deliver(byMachine.get(id)))
                .merge(CONCURRENT_DELIVERIES)
                .collect().with(Collectors.summingInt(Integer::intValue));
    }

    private int send(AgentSession session, List<ClaimedRun> runs, int room) {
        List<GatewayMessage> messages = new ArrayList<>(runs.size());
        for (ClaimedRun run : runs) {
            // The claim proved the run is this machine's: its first report needs no lookup.
            session.ownership().learn(run.id(),
                    Optional.of(new ExecutionFacts(session.machineId(), run.stdoutEnd(), run.stderrEnd())));
            try {
                String traceparent = traces.dispatched(run.id(), run.traceparent(), identity.id());
                messages.add(RunMessages.toMessage(RunMessages.toRun(run, secrets, traceparent)));
            } catch (IllegalArgumentException unopenable) {
                fail(run, "Cannot deliver: " + unopenable.getMessage()
                        + "; the gateway's runcmd.secrets.key must be control-api's");
            }
        }
        session.sendReserved(messages, room);
        if (!runs.isEmpty()) {
            LOG.debugf("Delivered %d execution(s) to %s: %s", runs.size(), session, runs);
        }
        return messages.size();
    }

    /** Ends an execution that cannot be delivered as Failed; a store failure leaves it Dispatched for the sweep. */
    private void fail(ClaimedRun run, String message) {
        LOG.errorf("Execution %s: %s", run.id(), message);
        progress.reject(run.id(), message).subscribe().with(
                done -> { },
                failure -> LOG.warnf("Could not mark execution %s Failed: %s", run.id(), failure.getMessage()));
    }
}
