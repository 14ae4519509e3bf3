package dev.runcmd.gateway.lifecycle;

import dev.runcmd.gateway.config.GatewayConfig;
import dev.runcmd.gateway.config.GatewayIdentity;
import dev.runcmd.gateway.internal.InternalListener;
import dev.runcmd.gateway.pki.EnrollmentStore;
import dev.runcmd.gateway.pki.GatewayTls;
import dev.runcmd.gateway.session.AgentSession;
import dev.runcmd.gateway.session.Credential;
import dev.runcmd.gateway.session.SessionRegistry;
import dev.runcmd.gateway.store.GatewayStore;
import io.grpc.Status;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
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
    private static final Status REVOKED = Status.PERMISSION_DENIED.withDescription(
            "machine deleted or enrolled again: this certificate's identity was revoked");

    private final GatewayStore store;
    private final LeaseKeeper lease;
    private final SessionRegistry registry;
    private final String gatewayId;
    private final GatewayConfig config;
    private final GatewayTls tls;
    private final InternalListener internal;
    private final EnrollmentStore enrollments;
    private volatile RegistrationState state = RegistrationState.REGISTERING;
    private volatile String address = "";

    public GatewayLifecycle(GatewayStore store, LeaseKeeper lease, SessionRegistry registry, GatewayIdentity identity,
                            GatewayConfig config, GatewayTls tls, InternalListener internal,
                            EnrollmentStore enrollments) {
        this.tls = tls;
        this.internal = internal;
        this.enrollments = enrollments;
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

    void start(@Observes StartupEvent started, Vertx vertx, Scheduler scheduler) {
        int internalPort = internal.start(vertx.getDelegate());
        address = config.advertisedAddress().filter(value -> !value.isBlank())
                .orElseGet(() -> "127.0.0.1:" + internalPort);
        LOG.infof("Gateway %s starting; control API reaches it at %s", gatewayId, address);
        register(vertx);
        scheduler.newJob("runcmd-gateway-heartbeat")
                .setInterval(config.heartbeatInterval().toString())
                .setConcurrentExecution(ConcurrentExecution.SKIP)
                .setAsyncTask(execution -> heartbeat())
                .schedule();
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
        internal.stop();
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

    /** Loads the CA and this gateway's certificate, then registers; both are retried until they succeed. */
    private void register(Vertx vertx) {
        Uni<Void> ready = tls.isReady() ? Uni.createFrom().voidItem() : tls.load(advertisedHost());
        ready.chain(() -> store.upsert(gatewayId, address)).subscribe().with(
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

    private String advertisedHost() {
        int colon = address.lastIndexOf(':');
        String host = colon < 0 ? address : address.substring(0, colon);
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private Uni<Void> heartbeat() {
        endSilentSessions();
        endExpiredCredentials();
        if (state != RegistrationState.REGISTERED) {
            return Uni.createFrom().voidItem();
        }
        tls.renewServerCertificateIfDue(advertisedHost());
        return endRevokedSessions().chain(() -> lease.renew(address))
                .onFailure().invoke(failure -> LOG.warnf("Gateway %s heartbeat failed: %s",
                        gatewayId, failure.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** Ends the sessions whose agent did not renew its certificate before it expired. */
    private void endExpiredCredentials() {
        Instant now = Instant.now();
        for (AgentSession session : registry.all()) {
            Credential credential = session.credential();
            if (credential != null && now.isAfter(credential.notAfter())) {
                session.end(Status.UNAUTHENTICATED.withDescription("the agent's certificate expired at "
                        + credential.notAfter() + " and was not renewed"));
            }
        }
    }

    /**
     * Ends, with PERMISSION_DENIED, the sessions whose machine was deleted (its identity revoked) or enrolled again
     * since their certificate was issued. A store failure leaves them to the next heartbeat.
     */
    private Uni<Void> endRevokedSessions() {
        List<AgentSession> held = registry.all().stream().filter(session -> session.credential() != null).toList();
        if (held.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return enrollments.enrollments(held.stream().map(AgentSession::machineId).distinct().toList())
                .invoke(current -> {
                    for (AgentSession session : held) {
                        if (!session.credential().identity().enrollment().equals(current.get(session.machineId()))) {
                            session.end(REVOKED);
                        }
                    }
                })
                .onFailure().invoke(failure -> LOG.warnf("Gateway %s: checking its sessions for revoked machines"
                        + " failed: %s", gatewayId, failure.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
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
