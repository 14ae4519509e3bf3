package dev.runcmd.gateway.store;

import dev.runcmd.state.Delivery;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code gateway} rows: this replica's registration and heartbeat (its lease), the expiry of
 * replicas whose lease ran out, and the clean-up of everything this one held when it stops.
 */
@Singleton
public final class GatewayStore {

    private static final String UPSERT = """
            insert into gateway (id, address, started_at, heartbeat_at)
            values ($1, $2, now(), now())
            on conflict (id) do update set address = excluded.address, heartbeat_at = now()""";

    private static final String DROP_SESSIONS = """
            with ended as (delete from agent_session where gateway_id = $1 returning machine_id)
            update machine set status = 'Disconnected', last_status_change = now()
            where id in (select machine_id from ended)""";

    private static final String DELETE = "delete from gateway where id = $1";

    private static final String HEARTBEAT = "update gateway set heartbeat_at = now(), address = $2 where id = $1";

    /*
     * One statement, so it is all or nothing. The delete re-checks heartbeat_at under the row lock,
     * so a gateway that heartbeats meanwhile survives and concurrent expiries expire it once; a
     * session row that a newer Hello moved to another gateway no longer matches and survives.
     */
    private static final String EXPIRE_OTHERS = """
            with dead as (
                delete from gateway
                where id <> $1 and heartbeat_at < now() - make_interval(secs => $2::bigint::double precision)
                returning id),
            requeued as (
            """ + Delivery.requeueOfGateways("in (select id from dead)") + """

                returning id),
            ended as (
                delete from agent_session where gateway_id in (select id from dead) returning machine_id),
            disconnected as (
                update machine set status = 'Disconnected', last_status_change = now()
                where id in (select machine_id from ended))
            select id, (select count(*) from ended) as sessions, (select count(*) from requeued) as requeued
            from dead""";

    private static final String OWN_SESSIONS = "select session_id from agent_session where gateway_id = $1";

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
     * Refreshes the replica's heartbeat; emits false when its row is gone (another gateway
     * expired its lease), in which case nothing was written.
     */
    public Uni<Boolean> heartbeat(String gatewayId, String address) {
        return pool.preparedQuery(HEARTBEAT).execute(Tuple.of(gatewayId, address)).map(rows -> rows.rowCount() > 0);
    }

    /**
     * Expires every other gateway whose heartbeat is older than {@code lease}: puts its unaccepted
     * Dispatched executions back to Pending, deletes its sessions, marks their machines
     * Disconnected and deletes its row. Emits one line per expired gateway, for the log.
     */
    public Uni<List<String>> expireOthers(String gatewayId, Duration lease) {
        return pool.preparedQuery(EXPIRE_OTHERS).execute(Tuple.of(gatewayId, lease.toSeconds())).map(rows -> {
            List<String> expired = new ArrayList<>();
            rows.forEach(row -> expired.add(row.getString("id") + " (" + row.getLong("sessions") + " session(s), "
                    + row.getLong("requeued") + " execution(s) back to Pending)"));
            return expired;
        });
    }

    /** The session ids whose {@code agent_session} rows point at this gateway. */
    public Uni<Set<String>> ownSessions(String gatewayId) {
        return pool.preparedQuery(OWN_SESSIONS).execute(Tuple.of(gatewayId)).map(rows -> {
            Set<String> ids = new HashSet<>();
            rows.forEach(row -> ids.add(row.getString("session_id")));
            return ids;
        });
    }

    /**
     * Forgets the replica: puts its unaccepted Dispatched executions back to Pending, deletes
     * its sessions, marks their machines Disconnected, and deletes its gateway row.
     */
    public Uni<Void> unregister(String gatewayId) {
        Tuple id = Tuple.of(gatewayId);
        return pool.withTransaction(connection -> connection.preparedQuery(Delivery.REQUEUE_GATEWAY).execute(id)
                .chain(() -> connection.preparedQuery(DROP_SESSIONS).execute(id))
                .chain(() -> connection.preparedQuery(DELETE).execute(id))
                .replaceWithVoid());
    }
}
