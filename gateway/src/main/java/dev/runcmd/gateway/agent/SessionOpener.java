package dev.runcmd.gateway.agent;

import dev.runcmd.gateway.config.GatewayConfig;
import dev.runcmd.gateway.config.GatewayIdentity;
import dev.runcmd.gateway.dispatch.Dispatcher;
import dev.runcmd.gateway.session.AgentSession;
import dev.runcmd.gateway.session.Credential;
import dev.runcmd.gateway.session.MachineScopes;
import dev.runcmd.gateway.session.Outbox;
import dev.runcmd.gateway.session.SessionRegistry;
import dev.runcmd.gateway.store.MachineFacts;
import dev.runcmd.gateway.store.SessionStore;
import dev.runcmd.gateway.store.StoreFailures;
import dev.runcmd.gateway.store.WatchdogStore;
import dev.runcmd.proto.agent.v1.GatewayMessage;
import dev.runcmd.proto.agent.v1.HeldExecution;
import dev.runcmd.proto.agent.v1.Hello;
import dev.runcmd.proto.agent.v1.MachineScope;
import dev.runcmd.proto.agent.v1.Welcome;
import io.grpc.Status;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Opens a session for a valid Hello: records the machine and the session in the store, makes
 * the session current in the registry (ending one it replaces with ABORTED), then welcomes the
 * agent and delivers its Pending work.
 */
@Singleton
final class SessionOpener {

    private static final Logger LOG = Logger.getLogger(SessionOpener.class);
    private static final Status REPLACED = Status.ABORTED.withDescription("replaced by a newer session");

    private final SessionStore sessions;
    private final SessionRegistry registry;
    private final SessionCloser closer;
    private final Dispatcher dispatcher;
    private final GatewayIdentity identity;
    private final WatchdogStore watchdog;
    private final int heartbeatSeconds;

    SessionOpener(SessionStore sessions, SessionRegistry registry, SessionCloser closer, Dispatcher dispatcher,
                  GatewayIdentity identity, GatewayConfig config, WatchdogStore watchdog) {
        this.watchdog = watchdog;
        this.sessions = sessions;
        this.registry = registry;
        this.closer = closer;
        this.dispatcher = dispatcher;
        this.identity = identity;
        this.heartbeatSeconds = (int) Math.max(1, config.heartbeatInterval().toSeconds());
    }

    /**
     * Records and registers the session of a validated Hello whose machine is the certificate's. Fails with
     * PERMISSION_DENIED, changing nothing, when the certificate's enrollment is not the machine's current one (it
     * was deleted, or enrolled again since). The registration happens while the
     * machine row is locked, so registry and store agree on the newest session. If the store
     * fails after the registration, both the new session and the one it replaced are ended.
     * {@code drain} is the stream's shutdown hook (see {@link AgentSession#drain()}).
     */
    Uni<AgentSession> open(Hello hello, Credential credential, String sessionId, Outbox outbox, Runnable drain) {
        MachineScope scope = hello.getMachine();
        AtomicReference<Registration> registered = new AtomicReference<>();
        return sessions.open(toFacts(hello), credential.identity().enrollment(), identity.id(), sessionId,
                        machineId -> {
                    AgentSession session = new AgentSession(sessionId, machineId, MachineScopes.describe(scope),
                            heldExecutions(hello), outbox, closer::close, drain);
                    session.credential(credential);
                    registered.set(new Registration(session, registry.register(session)));
                    return session;
                })
                .invoke(AgentSession::recorded)
                .invoke(session -> registered.get().replaced().ifPresent(old -> old.end(REPLACED)))
                .invoke(session -> LOG.infof("Opened %s (agent %s, %d held)", session,
                        hello.getAgentVersion(), session.held().size()))
                .onFailure().invoke(failure -> abandon(registered.get(), failure));
    }

    /**
     * Sends Welcome, ends the delivered executions the agent no longer holds (see {@link
     * WatchdogStore#endDisowned}; a failure is logged and left to the next Hello), then delivers the
     * machine's Pending executions to the new session.
     */
    Uni<Void> welcome(AgentSession session) {
        session.send(GatewayMessage.newBuilder().setWelcome(Welcome.newBuilder()
                .setSessionId(session.sessionId())
                .setGatewayId(identity.id())
                .setHeartbeatIntervalSeconds(heartbeatSeconds)).build());
        return watchdog.endDisowned(session.machineId(), session.sessionId(), session.held())
                .invoke(ended -> {
                    if (ended > 0) {
                        LOG.warnf("%s: %d delivered execution(s) the agent no longer holds ended Failed", session, ended);
                    }
                })
                .onFailure().invoke(failure -> LOG.warnf("%s: checking for executions the agent no longer holds"
                        + " failed: %s", session, failure.getMessage()))
                .onFailure().recoverWithItem(0)
                .chain(() -> dispatcher.deliver(session)).replaceWithVoid();
    }

    private static void abandon(Registration registration, Throwable failure) {
        if (registration != null) {
            registration.replaced().ifPresent(old -> old.end(REPLACED));
            registration.session().end(StoreFailures.toStatus(failure));
        }
    }

    private static MachineFacts toFacts(Hello hello) {
        MachineScope scope = hello.getMachine();
        return new MachineFacts(scope.getSubscriptionId(), scope.getResourceGroup(), scope.getMachineName(),
                hello.getOsName(), hello.getOsVersion(), hello.getAgentVersion(), hello.getHostName(),
                hello.getPolicySummary(), hello.getTagsMap());
    }

    private static Set<UUID> heldExecutions(Hello hello) {
        Set<UUID> held = new HashSet<>();
        for (HeldExecution execution : hello.getHeldList()) {
            ExecutionIds.parse(execution.getExecutionId()).ifPresent(held::add);
        }
        return held;
    }

    /** A session just made current, and the one it replaced. */
    private record Registration(AgentSession session, Optional<AgentSession> replaced) {
    }
}
