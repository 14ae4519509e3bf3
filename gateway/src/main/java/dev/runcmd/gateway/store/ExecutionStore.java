package dev.runcmd.gateway.store;

import dev.runcmd.gateway.config.GatewayConfig;
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
 * unaccepted work back when a session ends.
 */
@Singleton
public final class ExecutionStore {

    /*
     * The inner select picks the oldest Pending rows and skips rows another claim has locked;
     * the outer condition re-checks the state, so only one claim per execution can ever win.
     */
    private static final String CLAIM = """
            update execution e
            set state = 'Dispatched', gateway_id = $1, session_id = $2, dispatched_at = now(),
                output_cap_bytes = coalesce(e.output_cap_bytes, $6)
            where e.id in (
                select id from execution
                where machine_id = $3 and state = 'Pending' and id <> all($4::uuid[])
                  and cardinality(waiting_for) = 0
                order by created_at
                limit $5
                for update skip locked)
              and e.state = 'Pending'
            returning e.id, e.run_command_name, e.script, e.parameters, e.protected_parameters,
                      e.protected_parameters_enc, e.script_uri, e.run_as_user, e.run_as_password_enc,
                      e.output_blob_uri, e.error_blob_uri, e.shell, e.timeout_seconds, e.created_at,
                      (select r.command_id from run_command r where r.id = e.run_command_id) as command_id,
                      e.stdout_bytes + e.stdout_dropped as stdout_end, e.stderr_bytes + e.stderr_dropped as stderr_end""";

    private static final String REQUEUE_SESSION = """
            update execution set state = 'Pending', gateway_id = null, session_id = null
            where session_id = $1 and state = 'Dispatched' and accepted_at is null""";

    private static final String REQUEUE_ORPHANS = """
            update execution e set state = 'Pending', gateway_id = null, session_id = null
            where e.state = 'Dispatched' and e.accepted_at is null
              and e.dispatched_at < now() - make_interval(secs => $1)
              and not exists (select 1 from agent_session s where s.session_id = e.session_id)""";

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
        return pool.preparedQuery(CLAIM).execute(values).map(rows -> {
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
        return pool.preparedQuery(REQUEUE_SESSION).execute(Tuple.of(sessionId)).map(rows -> rows.rowCount());
    }

    /**
     * Puts back to Pending the unaccepted Dispatched executions, dispatched longer than
     * {@code minAge} ago, whose session no longer holds any machine (its end was missed, e.g.
     * because a gateway died). Emits how many were put back.
     */
    public Uni<Integer> requeueOrphans(Duration minAge) {
        return pool.preparedQuery(REQUEUE_ORPHANS)
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
                row.getLong("stdout_end"),
                row.getLong("stderr_end"));
    }
}
