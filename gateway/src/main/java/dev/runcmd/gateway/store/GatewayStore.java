package dev.runcmd.gateway.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;

/**
 * The {@code gateway} row of this replica, and the clean-up of everything it held when it stops.
 */
@Singleton
public final class GatewayStore {

    private static final String UPSERT = """
            insert into gateway (id, address, started_at, heartbeat_at)
            values ($1, $2, now(), now())
            on conflict (id) do update set address = excluded.address, heartbeat_at = now()""";

    private static final String REQUEUE_GATEWAY = """
            update execution set state = 'Pending', gateway_id = null, session_id = null
            where gateway_id = $1 and state = 'Dispatched' and accepted_at is null""";

    private static final String DROP_SESSIONS = """
            with ended as (delete from agent_session where gateway_id = $1 returning machine_id)
            update machine set status = 'Disconnected', last_status_change = now()
            where id in (select machine_id from ended)""";

    private static final String DELETE = "delete from gateway where id = $1";

    private final Pool pool;

    public GatewayStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * Registers the replica, or refreshes its heartbeat and address if it is registered already
     * (so a heartbeat also re-creates a row that someone removed).
     */
    public Uni<Void> upsert(String gatewayId, String address) {
        return pool.preparedQuery(UPSERT).execute(Tuple.of(gatewayId, address)).replaceWithVoid();
    }

    /**
     * Forgets the replica: puts its unaccepted Dispatched executions back to Pending, deletes
     * its sessions, marks their machines Disconnected, and deletes its gateway row.
     */
    public Uni<Void> unregister(String gatewayId) {
        Tuple id = Tuple.of(gatewayId);
        return pool.withTransaction(connection -> connection.preparedQuery(REQUEUE_GATEWAY).execute(id)
                .chain(() -> connection.preparedQuery(DROP_SESSIONS).execute(id))
                .chain(() -> connection.preparedQuery(DELETE).execute(id))
                .replaceWithVoid());
    }
}
