package dev.runcmd.gateway.store;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.UUID;

/**
 * What agents report about their executions, written so that a replayed report changes nothing:
 * acceptance, rejection, start, output chunks by offset, and exit.
 *
 * <p>Every method completes only once its statement is committed; callers acknowledge the agent
 * after that, never before.
 */
@Singleton
public final class ProgressStore {

    private static final String ACCEPT = """
            update execution set
                accepted_at = coalesce(accepted_at, now()),
                dispatched_at = coalesce(dispatched_at, now()),
                state = case when state = 'Pending' then 'Dispatched' else state end,
                gateway_id = $2, session_id = $3
            where id = $1 and state in ('Pending', 'Dispatched', 'Running')""";

    private static final String REJECT = """
            with failed as (
                update execution set state = 'Failed', message = $2, end_time = now()
                where id = $1 and state in ('Pending', 'Dispatched', 'Running')
                returning id)
            update run_command set provisioning_state = 'Failed', updated_at = now()
            where current_execution_id in (select id from failed)""";

    private static final String START = """
            update execution set
                state = 'Running', start_time = now(), accepted_at = coalesce(accepted_at, now()),
                gateway_id = $2, session_id = $3
            where id = $1 and state in ('Pending', 'Dispatched')""";

    /*
     * One statement, so the chunk and the byte count commit together. The foreign key on
     * output_chunk fails the whole statement (23503) when the execution was deleted.
     */
    private static final String OUTPUT = """
            with chunk as (
                insert into output_chunk (execution_id, stream, "offset", data)
                values ($1, $2, $3, $4)
                on conflict do nothing)
            update execution set
                stdout_bytes = case when $2 = 1 then greatest(stdout_bytes, $5) else stdout_bytes end,
                stderr_bytes = case when $2 = 2 then greatest(stderr_bytes, $5) else stderr_bytes end
            where id = $1
            returning stdout_bytes, stderr_bytes""";

    private static final String EXIT = """
            with ended as (
                update execution set state = $2, exit_code = $3, message = $4, end_time = now()
                where id = $1 and state in ('Pending', 'Dispatched', 'Running')
                returning id)
            update run_command set provisioning_state = 'Succeeded', updated_at = now()
            where current_execution_id in (select id from ended)
              and provisioning_state in ('Creating', 'Updating')""";

    /*
     * Taken first by exit and reject, which change both rows: control-api locks the run command
     * before its execution, so the same order here means the two can never deadlock.
     */
    private static final String LOCK_RUN_COMMAND = """
            select r.id from run_command r join execution e on e.run_command_id = r.id
            where e.id = $1 for update of r""";

    private final Pool pool;

    public ProgressStore(Pool pool) {
        this.pool = pool;
    }

    /** Records that the agent of this session accepted the execution (first time wins). */
    public Uni<Void> accept(UUID executionId, String gatewayId, String sessionId) {
        return pool.preparedQuery(ACCEPT).execute(Tuple.of(executionId, gatewayId, sessionId)).replaceWithVoid();
    }

    /**
     * Fails a not yet ended execution with {@code message}, and fails the provisioning of the
     * run command whose current execution it is.
     */
    public Uni<Void> reject(UUID executionId, String message) {
        return lockedRunCommand(executionId, REJECT, Tuple.of(executionId, message));
    }

    /** Moves a Pending or Dispatched execution to Running, stamped with the server's clock. */
    public Uni<Void> start(UUID executionId, String gatewayId, String sessionId) {
        return pool.preparedQuery(START).execute(Tuple.of(executionId, gatewayId, sessionId)).replaceWithVoid();
    }

    /**
     * Stores a chunk of output at its offset (a replay stores nothing twice) and raises the
     * execution's byte count of that stream. Emits the stored offsets, or empty when the
     * execution no longer exists.
     */
    public Uni<Optional<StoredOffsets>> output(UUID executionId, short stream, long offset, byte[] data) {
        Tuple values = Tuple.of(executionId, stream, offset, Buffer.buffer(data), offset + data.length);
        return pool.preparedQuery(OUTPUT).execute(values)
                .map(rows -> toOffsets(rows.iterator()))
                .onFailure(StoreFailures::isForeignKeyViolation).recoverWithItem(Optional.empty());
    }

    /**
     * Ends an execution that has not ended yet with its terminal state, exit code and message,
     * and marks the provisioning of its run command Succeeded (the platform ran it, whatever
     * the script's exit code). A replay changes nothing.
     */
    public Uni<Void> exit(UUID executionId, ExecutionState state, int exitCode, String message) {
        return lockedRunCommand(executionId, EXIT, Tuple.of(executionId, state.name(), exitCode, message));
    }

    private Uni<Void> lockedRunCommand(UUID executionId, String statement, Tuple values) {
        return pool.withTransaction(connection -> connection.preparedQuery(LOCK_RUN_COMMAND)
                .execute(Tuple.of(executionId))
                .chain(() -> connection.preparedQuery(statement).execute(values))
                .replaceWithVoid());
    }

    private static Optional<StoredOffsets> toOffsets(RowIterator<Row> rows) {
        if (!rows.hasNext()) {
            return Optional.empty();
        }
        Row row = rows.next();
        return Optional.of(new StoredOffsets(row.getLong("stdout_bytes"), row.getLong("stderr_bytes")));
    }
}
