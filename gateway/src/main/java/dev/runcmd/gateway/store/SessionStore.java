package dev.runcmd.gateway.store;

import dev.runcmd.proto.agent.v1.MachineScope;
import io.grpc.Status;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongFunction;

/**
 * The {@code machine} and {@code agent_session} rows: which machines exist and which gateway
 * session holds each one's stream.
 */
@Singleton
public final class SessionStore {

    // Machines are created by enrollment only: a Hello updates the row of the machine its certificate names, and
    // only while that certificate's enrollment is the machine's current one.
    private static final String CONNECT_MACHINE = """
            update machine set
                os_name = $4,
                os_version = $5,
                agent_version = $6,
                host_name = $7,
                agent_policy = $8,
                agent_tags = $10::jsonb,
                status = 'Connected',
                last_status_change = case when status = 'Connected' then last_status_change else now() end
            where subscription_id = $1 and resource_group = $2 and name = $3
              and enrollment_id = $9 and revoked_at is null
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

    /* One row per listed machine that exists; the three arrays are the scopes' columns, index by index. */
    private static final String FIND_MACHINES = """
            select m.id from machine m
            join unnest($1::text[], $2::text[], $3::text[]) as s(subscription_id, resource_group, name)
              on m.subscription_id = s.subscription_id and m.resource_group = s.resource_group and m.name = s.name""";

    private final Pool pool;

    public SessionStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * Records that {@code sessionId} of gateway {@code gatewayId} now holds the machine: marks the
     * machine Connected (its status change time moves only if it was not Connected), replaces the tags it reported
     * with the Hello's ({@code agent_tags}; never the API's {@code tags}) and points its
     * {@code agent_session} row at this session, replacing any older one. Fails with PERMISSION_DENIED,
     * writing nothing, unless the machine exists, is not revoked and {@code enrollment} is its current one.
     *
     * <p>{@code whileLocked} receives the machine id and runs inside the transaction, while the
     * machine row is locked: registrations of one machine therefore happen in the same order as
     * their database writes. Its result is the result of the returned Uni, delivered after commit.
     */
    public <T> Uni<T> open(MachineFacts machine, UUID enrollment, String gatewayId, String sessionId,
                           LongFunction<T> whileLocked) {
        return pool.withTransaction(connection -> connectMachine(connection, machine, enrollment)
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

    /** The ids of those of {@code scopes} that exist, each once; one query for all of them. */
    public Uni<Set<Long>> findMachines(List<MachineScope> scopes) {
        Tuple columns = Tuple.of(
                scopes.stream().map(MachineScope::getSubscriptionId).toArray(String[]::new),
                scopes.stream().map(MachineScope::getResourceGroup).toArray(String[]::new),
                scopes.stream().map(MachineScope::getMachineName).toArray(String[]::new));
        return pool.preparedQuery(FIND_MACHINES).execute(columns).map(rows -> {
            Set<Long> ids = new HashSet<>();
            rows.forEach(row -> ids.add(row.getLong("id")));
            return ids;
        });
    }

    private static Uni<Long> connectMachine(SqlConnection connection, MachineFacts machine, UUID enrollment) {
        Tuple values = Tuple.tuple()
                .addString(machine.subscriptionId())
                .addString(machine.resourceGroup())
                .addString(machine.name())
                .addString(machine.osName())
                .addString(machine.osVersion())
                .addString(machine.agentVersion())
                .addString(machine.hostName())
                .addString(machine.policySummary())
                .addUUID(enrollment)
                .addJsonObject(new JsonObject(Map.copyOf(machine.tags())));
        return connection.preparedQuery(CONNECT_MACHINE)
                .execute(values)
                .map(rows -> {
                    RowIterator<Row> connected = rows.iterator();
                    if (!connected.hasNext()) {
                        throw Status.PERMISSION_DENIED.withDescription("machine " + machine.subscriptionId() + "/"
                                + machine.resourceGroup() + "/" + machine.name() + " is not enrolled with this"
                                + " certificate: it was deleted (its identity revoked) or enrolled again since")
                                .asRuntimeException();
                    }
                    return connected.next().getLong("id");
                });
    }
}
