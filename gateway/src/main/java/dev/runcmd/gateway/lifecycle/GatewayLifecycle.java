package dev.runcmd.gateway.lifecycle;

import dev.runcmd.gateway.config.GatewayConfig;
import dev.runcmd.gateway.config.GatewayIdentity;
import dev.runcmd.gateway.session.AgentSession;
import dev.runcmd.gateway.session.SessionRegistry;
import dev.runcmd.gateway.store.GatewayStore;
import io.grpc.Status;
import io.quarkus.grpc.runtime.GrpcServer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.value.registry.ValueRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * This replica's presence in the store: registration at startup (retried every few seconds while
 * the store is unusable, e.g. before control-api created the schema), a heartbeat every heartbeat
 * interval (which also ends agent sessions gone silent and expires dead gateways, see
 * {@link LeaseKeeper}), and an orderly goodbye at shutdown.
 */
@Singleton
public final class GatewayLifecycle {

    private static final Logger LOG = Logger.getLogger(GatewayLifecycle.class);
    private static final Duration UNREGISTER_BUDGET = Duration.ofSeconds(4);
    private static final Status SHUTTING_DOWN = Status.UNAVAILABLE.withDescription("gateway shutting down");

    private final GatewayStore store;
    private final LeaseKeeper lease;
    private final SessionRegistry registry;
    private final String gatewayId;
    private final GatewayConfig config;
    private volatile RegistrationState state = RegistrationState.REGISTERING;
    private volatile String address = "";

    public GatewayLifecycle(GatewayStore store, LeaseKeeper lease, SessionRegistry registry, GatewayIdentity identity,
                            GatewayConfig config) {
        this.store = store;
        this.lease = lease;
        this.registry = registry;
        this.gatewayId = identity.id();
        this.config = config;
    }

    /** The current registration state. */
    public RegistrationState state() {
        return state;
    }

    /** True once shutdown began: new agent streams and Hellos are refused with UNAVAILABLE. */
    public boolean isStopping() {
        return state == RegistrationState.STOPPING;
    }

    /** The address registered for the control API ("" before startup). */
    public String address() {
        return address;
    }

    void start(@Observes StartupEvent started, ValueRegistry values, Vertx vertx, Scheduler scheduler) {
        address = config.advertisedAddress().filter(value -> !value.isBlank())
                .orElseGet(() -> "127.0.0.1:" + boundGrpcPort(values));
        LOG.infof("Gateway %s starting; control API reaches it at %s", gatewayId, address);
        register(vertx);
        scheduler.newJob("runcmd-gateway-heartbeat")
                .setInterval(config.heartbeatInterval().toString())
                .setConcurrentExecution(ConcurrentExecution.SKIP)
                .setAsyncTask(execution -> heartbeat())
                .schedule();
    }

    private static int boundGrpcPort(ValueRegistry values) {
        Integer port = values.getOrDefault(GrpcServer.GRPC_PORT, null);
        if (port == null) {
            throw new IllegalStateException("the gRPC server port is unknown (is"
                    + " quarkus.grpc.server.use-separate-server false?); set runcmd.gateway.advertised-address");
        }
        return port;
    }

    /**
     * Graceful shutdown, bounded by {@code drain-timeout} plus 4 s (keep quarkus.shutdown.timeout
     * above that): new streams and Hellos are refused; every session stops reading, stores and
     * acknowledges what it read, and ends with UNAVAILABLE "gateway shutting down" (the agents
     * reconnect elsewhere); sessions still open after the drain timeout are ended anyway; then the
     * gateway unregisters (its unaccepted work back to Pending, its sessions deleted, their
     * machines Disconnected). If the store is down, the lease expiry of another gateway does that
     * clean-up later.
     */
    void stop(@Observes ShutdownEvent stopping) {
        state = RegistrationState.STOPPING;
        List<AgentSession> held = registry.all();
        LOG.infof("Gateway %s shutting down: draining %d session(s)", gatewayId, held.size());
        held.forEach(AgentSession::drain);
        try {
            if (!registry.awaitEmpty(config.drainTimeout())) {
                LOG.warnf("Gateway %s: %d session(s) not drained within %s; ending them", gatewayId,
                        registry.all().size(), config.drainTimeout());
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        registry.all().forEach(session -> session.end(SHUTTING_DOWN));
        unregister();
    }

    private void unregister() {
        try {
            store.unregister(gatewayId).await().atMost(UNREGISTER_BUDGET);
            LOG.infof("Gateway %s unregistered", gatewayId);
        } catch (RuntimeException failure) {
            LOG.warnf("Gateway %s could not unregister (%s); another gateway will expire its lease",
                    gatewayId, failure.getMessage());
        }
    }

    private void register(Vertx vertx) {
        store.upsert(gatewayId, address).subscribe().with(
                done -> registered(),
                failure -> retryRegistration(vertx, failure));
    }

    private void registered() {
        if (state == RegistrationState.REGISTERING) {
            state = RegistrationState.REGISTERED;
            LOG.infof("Gateway %s registered", gatewayId);
        }
    }

    private void retryRegistration(Vertx vertx, Throwable failure) {
        if (state != RegistrationState.REGISTERING) {
            return;
        }
        LOG.errorf("Gateway %s cannot register in the store (%s); is the database reachable and its schema"
                + " migrated? Retrying in %d ms",
                gatewayId, failure.getMessage(), config.registrationRetry().toMillis());
        vertx.setTimer(config.registrationRetry().toMillis(), timer -> register(vertx));
    }

    private Uni<Void> heartbeat() {
        endSilentSessions();
        if (state != RegistrationState.REGISTERED) {
            return Uni.createFrom().voidItem();
        }
        return lease.renew(address)
                .onFailure().invoke(failure -> LOG.warnf("Gateway %s heartbeat failed: %s",
                        gatewayId, failure.getMessage()))
                .onFailure().recoverWithNull();
    }

    private void endSilentSessions() {
        Duration limit = config.heartbeatInterval().multipliedBy(config.silentHeartbeats());
        for (AgentSession session : registry.all()) {
            if (session.isSilentFor(limit)) {
                session.end(Status.UNAVAILABLE.withDescription(
                        "no message from the agent for " + limit.toSeconds() + " s"));
            }
        }
    }
}
