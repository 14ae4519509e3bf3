package dev.runcmd.gateway.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * The {@code machine} and {@code agent_session} rows: which machines exist and which gateway
 * session holds each one's stream.
 */
@Singleton
public final class SessionStore {

    private static final String UPSERT_MACHINE = """
            insert into machine (subscription_id, resource_group, name, os_name, os_version,
                                 agent_version, host_name, agent_policy, status, last_status_change)
            values ($1, $2, $3, $4, $5, $6, $7, $8, 'Connected', now())
            on conflict (subscription_id, resource_group, name) do update set
                os_name = excluded.os_name,
                agent_policy = excluded.agent_policy,
                os_version = excluded.os_version,
                agent_version = excluded.agent_version,
                host_name = excluded.host_name,
                status = 'Connected',
                last_status_change = case when machine.status = 'Connected'
                                          then machine.last_status_change else now() end
            returning id""";

    private static final String UPSERT_SESSION = """
            insert into agent_session (machine_id, gateway_id, session_id, connected_at)
            values ($1, $2, $3, now())
            on conflict (machine_id) do update set
                gateway_id = excluded.gateway_id,
                session_id = excluded.session_id,
                connected_at = excluded.connected_at""";

    private static final String CLOSE_SESSION = """
            with ended as (
                delete from agent_session where machine_id = $1 and session_id = $2 returning machine_id)
            update machine set status = 'Disconnected', last_status_change = now()
            where id in (select machine_id from ended)""";

    private static final String FIND_MACHINE = """
            select id from machine where subscription_id = $1 and resource_group = $2 and name = $3""";

    private final Pool pool;

    public SessionStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * Records that {@code sessionId} of gateway {@code gatewayId} now holds the machine: upserts
     * the machine as Connected (its status change time moves only if it was not Connected) and
     * points its {@code agent_session} row at this session, replacing any older one.
     *
     * <p>{@code whileLocked} receives the machine id and runs inside the transaction, while the
     * machine row is locked: registrations of one machine therefore happen in the same order as
     * their database writes. Its result is the result of the returned Uni, delivered after commit.
     */
    public <T> Uni<T> open(MachineFacts machine, String gatewayId, String sessionId, LongFunction<T> whileLocked) {
        return pool.withTransaction(connection -> upsertMachine(connection, machine)
                .call(machineId -> connection.preparedQuery(UPSERT_SESSION)
                        .execute(Tuple.of(machineId, gatewayId, sessionId)))
                .map(whileLocked::apply));
    }

    /**
     * Forgets the session if it still holds the machine: deletes its {@code agent_session} row
     * and marks the machine Disconnected. Emits true when the row was still there.
     */
    public Uni<Boolean> close(long machineId, String sessionId) {
        return pool.preparedQuery(CLOSE_SESSION)
                .execute(Tuple.of(machineId, sessionId))
                .map(rows -> rows.rowCount() > 0);
    }

    /** The id of the machine with this scope, if it ever registered. */
    public Uni<Optional<Long>> findMachine(String subscriptionId, String resourceGroup, String name) {
        return pool.preparedQuery(FIND_MACHINE)
                .execute(Tuple.of(subscriptionId, resourceGroup, name))
                .map(rows -> {
                    RowIterator<Row> iterator = rows.iterator();
                    return iterator.hasNext() ? Optional.of(iterator.next().getLong("id")) : Optional.empty();
                });
    }

    private static Uni<Long> upsertMachine(SqlConnection connection, MachineFacts machine) {
        Tuple values = Tuple.tuple()
                .addString(machine.subscriptionId())
                .addString(machine.resourceGroup())
                .addString(machine.name())
                .addString(machine.osName())
                .addString(machine.osVersion())
                .addString(machine.agentVersion())
                .addString(machine.hostName())
                .addString(machine.policySummary());
        return connection.preparedQuery(UPSERT_MACHINE)
                .execute(values)
                .map(rows -> rows.iterator().next().getLong("id"));
    }
}
