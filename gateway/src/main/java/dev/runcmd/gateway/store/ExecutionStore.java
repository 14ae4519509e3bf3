package dev.runcmd.gateway.store;

import dev.runcmd.gateway.config.GatewayConfig;
import dev.runcmd.state.Delivery;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Delivery bookkeeping on {@code execution} rows: claiming Pending work for a session and putting
 * unaccepted work back when a session ends (the transitions are {@link Delivery}'s).
 */
@Singleton
public final class ExecutionStore {

    private static final String MACHINES_WITH_PENDING = """
            select distinct machine_id from execution
            where state = 'Pending' and cardinality(waiting_for) = 0 and machine_id = any($1::bigint[])""";

    private static final String FACTS = """
            select id, machine_id, stdout_bytes + stdout_dropped as stdout_end,
                   stderr_bytes + stderr_dropped as stderr_end
            from execution where id = any($1::uuid[])""";

    private final Pool pool;
    private final long outputCap;

    public ExecutionStore(Pool pool, GatewayConfig config) {
        this.pool = pool;
        this.outputCap = config.outputCap();
    }

    /**
     * Atomically moves up to {@code limit} of the machine's oldest Pending executions, except
     * the {@code held} ones, to Dispatched for this session, and emits them oldest first. Each
     * claimed execution keeps the output cap it has, or gets this gateway's.
     */
    public Uni<List<ClaimedRun>> claim(String gatewayId, String sessionId, long machineId, Set<UUID> held, int limit) {
        Tuple values = Tuple.from(new Object[] {gatewayId, sessionId, machineId, held.toArray(new UUID[0]), limit,
                outputCap});
        return pool.preparedQuery(Delivery.CLAIM).execute(values).map(rows -> {
            List<ClaimedRun> runs = new ArrayList<>(rows.rowCount());
            rows.forEach(row -> runs.add(toClaimedRun(row)));
            runs.sort(Comparator.comparing(ClaimedRun::createdAt));
            return runs;
        });
    }

    /**
     * Puts the session's Dispatched executions that the agent never accepted back to Pending,
     * so another session delivers them. Emits how many were put back.
     */
    public Uni<Integer> requeue(String sessionId) {
        return pool.preparedQuery(Delivery.REQUEUE_SESSION).execute(Tuple.of(sessionId)).map(rows -> rows.rowCount());
    }

    /**
     * Puts back to Pending the unaccepted Dispatched executions, dispatched longer than
     * {@code minAge} ago, whose session no longer holds any machine (its end was missed, e.g.
     * because a gateway died). Emits how many were put back.
     */
    public Uni<Integer> requeueOrphans(Duration minAge) {
        return pool.preparedQuery(Delivery.REQUEUE_ORPHANS)
                .execute(Tuple.of((double) minAge.toSeconds()))
                .map(rows -> rows.rowCount());
    }

    /** Which of the given machines have at least one Pending execution. */
    public Uni<List<Long>> machinesWithPending(List<Long> machineIds) {
        return pool.preparedQuery(MACHINES_WITH_PENDING)
                .execute(Tuple.of(machineIds.toArray(new Long[0])))
                .map(rows -> {
                    List<Long> ids = new ArrayList<>(rows.rowCount());
                    rows.forEach(row -> ids.add(row.getLong("machine_id")));
                    return ids;
                });
    }

    /** What the store knows about each of {@code ids}; an id without a row is absent from the map. */
    public Uni<Map<UUID, ExecutionFacts>> facts(List<UUID> ids) {
        return pool.preparedQuery(FACTS).execute(Tuple.of(ids.toArray(new UUID[0]))).map(rows -> {
            Map<UUID, ExecutionFacts> facts = new HashMap<>();
            rows.forEach(row -> facts.put(row.getUUID("id"), new ExecutionFacts(row.getLong("machine_id"),
                    row.getLong("stdout_end"), row.getLong("stderr_end"))));
            return facts;
        });
    }

    private static ClaimedRun toClaimedRun(Row row) {
        return new ClaimedRun(
                row.getUUID("id"),
                row.getString("run_command_name"),
                row.getString("script"),
                row.getJsonArray("parameters"),
                row.getJsonArray("protected_parameters"),
                row.getString("protected_parameters_enc"),
                row.getString("script_uri"),
                row.getString("run_as_user"),
                row.getString("run_as_password_enc"),
                row.getString("output_blob_uri"),
                row.getString("error_blob_uri"),
                row.getString("command_id"),
                row.getString("shell"),
                row.getInteger("timeout_seconds"),
                row.getOffsetDateTime("created_at"),
                row.getString("traceparent"),
                row.getLong("stdout_end"),
                row.getLong("stderr_end"));
    }
}
