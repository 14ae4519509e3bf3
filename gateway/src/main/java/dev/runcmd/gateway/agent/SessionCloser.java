package dev.runcmd.gateway.agent;

import dev.runcmd.gateway.dispatch.Dispatcher;
import dev.runcmd.gateway.session.AgentSession;
import dev.runcmd.gateway.session.SessionRegistry;
import dev.runcmd.gateway.store.ExecutionStore;
import dev.runcmd.gateway.store.SessionStore;
import io.grpc.Status;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Releases what an ended session held: its registry entry, its {@code agent_session} row (the
 * machine turns Disconnected if that row was still its), and the executions the agent never
 * accepted, which go back to Pending and, if a newer session here holds the machine, to it.
 *
 * <p>Runs once per session, as the session's end hook, on whatever thread ended it; the store
 * work runs asynchronously. If the store fails, the failure is logged: the sweep puts orphaned
 * executions back later, and the agent's next Hello overwrites the stale session row.
 */
@Singleton
final class SessionCloser {

    private static final Logger LOG = Logger.getLogger(SessionCloser.class);

    private final SessionRegistry registry;
    private final SessionStore sessions;
    private final ExecutionStore executions;
    private final Dispatcher dispatcher;

    SessionCloser(SessionRegistry registry, SessionStore sessions, ExecutionStore executions, Dispatcher dispatcher) {
        this.registry = registry;
        this.sessions = sessions;
        this.executions = executions;
        this.dispatcher = dispatcher;
    }

    /** The end hook of every session: {@code status} is how its stream ended (null: by the transport). */
    void close(AgentSession session, Status status) {
        LOG.infof("Closed %s: %s", session, status == null ? "ended by the agent or the transport" : describe(status));
        registry.removeIfCurrent(session);
        sessions.close(session.machineId(), session.sessionId())
                .chain(() -> executions.requeue(session.sessionId()))
                .chain(requeued -> redeliver(session, requeued))
                .subscribe().with(
                        delivered -> { },
                        failure -> LOG.warnf("Could not release %s in the store: %s", session, failure.getMessage()));
    }

    private Uni<Integer> redeliver(AgentSession ended, int requeued) {
        if (requeued == 0) {
            return Uni.createFrom().item(0);
        }
        LOG.infof("Put %d unaccepted execution(s) of %s back to Pending", requeued, ended);
        return registry.find(ended.machineId())
                .map(dispatcher::deliver)
                .orElseGet(() -> Uni.createFrom().item(0));
    }

    private static String describe(Status status) {
        return status.getDescription() == null
                ? status.getCode().name()
                : status.getCode() + " " + status.getDescription();
    }
}
