package dev.runcmd.gateway.lifecycle;

import dev.runcmd.gateway.config.GatewayConfig;
import dev.runcmd.gateway.config.GatewayIdentity;
import dev.runcmd.gateway.session.AgentSession;
import dev.runcmd.gateway.session.SessionRegistry;
import dev.runcmd.gateway.store.GatewayStore;
import io.grpc.Status;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The gateways' leases: {@code gateway.heartbeat_at}, refreshed every heartbeat interval.
 *
 * <p>Each renewal also expires every other gateway whose heartbeat is older than
 * {@code runcmd.gateway.lease} (see {@link GatewayStore#expireOthers}): a gateway that died
 * without saying goodbye loses its sessions, its machines turn Disconnected and its unaccepted
 * work goes back to Pending, whichever replica notices first. A gateway that finds its own row
 * gone (expired by another after a long pause or a partition) registers again and ends its
 * sessions whose {@code agent_session} row is no longer its own, with UNAVAILABLE; their agents
 * reconnect and are recorded afresh.
 */
@Singleton
public final class LeaseKeeper {

    private static final Logger LOG = Logger.getLogger(LeaseKeeper.class);
    private static final Status LEASE_LOST = Status.UNAVAILABLE.withDescription(
            "gateway lease expired: the session is no longer recorded; reconnect");

    private final GatewayStore store;
    private final SessionRegistry registry;
    private final String gatewayId;
    private final Duration lease;

    public LeaseKeeper(GatewayStore store, SessionRegistry registry, GatewayIdentity identity, GatewayConfig config) {
        if (config.lease().compareTo(config.heartbeatInterval()) <= 0) {
            throw new IllegalArgumentException("runcmd.gateway.lease (" + config.lease()
                    + ") must be longer than runcmd.gateway.heartbeat-interval (" + config.heartbeatInterval() + ")");
        }
        this.store = store;
        this.registry = registry;
        this.gatewayId = identity.id();
        this.lease = config.lease();
    }

    /** Renews this gateway's lease (registering again if it was expired), then expires dead gateways. */
    public Uni<Void> renew(String address) {
        return store.heartbeat(gatewayId, address)
                .chain(alive -> alive ? Uni.createFrom().voidItem() : reRegister(address))
                .chain(this::expireOthers)
                .replaceWithVoid();
    }

    /** Expires the other gateways whose lease ran out; emits what was expired, for the log. */
    public Uni<List<String>> expireOthers() {
        return store.expireOthers(gatewayId, lease)
                .invoke(expired -> expired.forEach(gateway -> LOG.warnf(
                        "Expired gateway %s: no heartbeat for over %s", gateway, lease)));
    }

    private Uni<Void> reRegister(String address) {
        LOG.warnf("Gateway %s found its lease expired by another gateway; registering again", gatewayId);
        return store.upsert(gatewayId, address)
                .chain(() -> store.ownSessions(gatewayId))
                .invoke(this::endUnrecorded)
                .replaceWithVoid();
    }

    /** Ends the recorded sessions held here whose row is gone or moved (sessions still opening are left alone). */
    private void endUnrecorded(Set<String> recordedHere) {
        for (AgentSession session : registry.all()) {
            if (session.isRecorded() && !recordedHere.contains(session.sessionId())) {
                session.end(LEASE_LOST);
            }
        }
    }
}
