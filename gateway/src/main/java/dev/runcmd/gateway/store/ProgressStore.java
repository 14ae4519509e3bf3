package dev.runcmd.gateway.store;

import dev.runcmd.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.util.UUID;

/**
 * What agents report about their executions, written so that a replayed report changes nothing:
 * acceptance, rejection, start and exit ({@link OutputStore} stores the output).
 *
 * <p>Every method completes only once its statement is committed; callers acknowledge the agent
 * after that, never before.
 *
 * <p>Statements of one transaction that do not need an earlier one's result are sent together
 * ({@link #inOrder}): the connection pipelines them and PostgreSQL runs them one after the other,
 * each with its own snapshot as before, so the lock order holds and only the round trips go.
 */
@Singleton
public final class ProgressStore {

    private static final String ACCEPT = """
            update execution set
                accepted_at = coalesce(accepted_at, now()),
                dispatched_at = coalesce(dispatched_at, now()),
                state = case when state = 'Pending' then 'Dispatched' else state end,
                gateway_id = $2, session_id = $3,
                message = case when $4 = '' then message else $4 end
            where id = $1 and state in ('Pending', 'Dispatched', 'Running')""";

    private static final String REJECT = """
            with failed as (
                update execution set state = 'Failed', message = $2, end_time = now()
                where id = $1 and state in ('Pending', 'Dispatched', 'Running')
                returning id)
            update run_command set provisioning_state = 'Failed', updated_at = now()
            where current_execution_id in (select id from failed)""";

    private static final String START = """
            with started as (
                update execution set
                    state = 'Running', start_time = now(), accepted_at = coalesce(accepted_at, now()),
                    gateway_id = $2, session_id = $3, message = 'Execution in progress'
                where id = $1 and state in ('Pending', 'Dispatched')
                returning id)
            update run_command set provisioning_state = 'Succeeded', updated_at = now()
            where current_execution_id in (select id from started) and async_execution
              and provisioning_state in ('Creating', 'Updating')""";

    /*
     * After an execution ended (an earlier statement of the same transaction): its dependents stop
     * waiting for it if it Succeeded; otherwise they, and theirs in turn, end Canceled.
     */
    private static final String RELEASE_DEPENDENTS = """
            update execution set waiting_for = array_remove(waiting_for, $1),
                message = case when cardinality(array_remove(waiting_for, $1)) = 0 then '' else message end
            where $1 = any(waiting_for) and state = 'Pending'
              and (select state from execution where id = $1) = 'Succeeded'""";

    private static final String CANCEL_DEPENDENTS = """
            with recursive ended as (
                select id, run_command_name, state from execution where id = $1
                  and state in ('Failed', 'TimedOut', 'Canceled')),
            doomed(id, cause, cause_state) as (
                select e.id, x.run_command_name, x.state from execution e join ended x on x.id = any(e.waiting_for)
                where e.state = 'Pending'
                union
                select e.id, d.cause, d.cause_state from execution e join doomed d on d.id = any(e.waiting_for)
                where e.state = 'Pending'),
            canceled as (
                update execution e set state = 'Canceled', end_time = now(),
                    message = 'Canceled: dependency ''' || d.cause || ''' ended ' || d.cause_state
                from doomed d where e.id = d.id
                returning e.id)
            update run_command set provisioning_state = 'Canceled', updated_at = now()
            where current_execution_id in (select id from canceled)
              and provisioning_state in ('Creating', 'Updating')""";

    /*
     * Bytes the agent counted past the cap were dropped even if their Output never arrived (or
     * arrived before the cap was known); the cap is recorded if the row has none yet.
     */
    private static final String RECORD_DROPPED = """
            update execution set
                output_cap_bytes = coalesce(output_cap_bytes, $2),
                stdout_dropped = greatest(stdout_dropped, $3 - coalesce(output_cap_bytes, $2)),
                stderr_dropped = greatest(stderr_dropped, $4 - coalesce(output_cap_bytes, $2))
            where id = $1
            returning output_cap_bytes, stdout_dropped, stderr_dropped""";

    private static final String EXIT = """
            with ended as (
                update execution set state = $2, exit_code = $3, message = $4, end_time = now()
                where id = $1 and state in ('Pending', 'Dispatched', 'Running')
                returning id)
            update run_command set updated_at = now(),
                provisioning_state = case when $2 = 'Canceled' then 'Canceled' else 'Succeeded' end
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
    private final long cap;

    public ProgressStore(Pool pool, GatewayConfig config) {
        this.pool = pool;
        this.cap = config.outputCap();
    }

    /** Records that the agent of this session accepted the execution (first time wins). */
    public Uni<Void> accept(UUID executionId, String gatewayId, String sessionId, String message) {
        return pool.preparedQuery(ACCEPT).execute(Tuple.of(executionId, gatewayId, sessionId, message)).replaceWithVoid();
    }

    /**
     * Fails a not yet ended execution with {@code message}, and fails the provisioning of the
     * run command whose current execution it is.
     */
    public Uni<Void> reject(UUID executionId, String message) {
        return pool.withTransaction(connection -> inOrder(lockRunCommand(connection, executionId),
                connection.preparedQuery(REJECT).execute(Tuple.of(executionId, message)),
                releaseDependents(connection, executionId)));
    }

    /**
     * Moves a Pending or Dispatched execution to Running, stamped with the server's clock; with
     * asyncExecution its run command's provisioning succeeds now.
     */
    public Uni<Void> start(UUID executionId, String gatewayId, String sessionId) {
        return lockedRunCommand(executionId, START, Tuple.of(executionId, gatewayId, sessionId));
    }

    /**
     * Ends an execution that has not ended yet with its terminal state, exit code and message,
     * and marks the provisioning of its run command Succeeded (the platform ran it, whatever
     * the script's exit code). Output the report counts past the cap is recorded as dropped,
     * and the message then says which streams were truncated. A replay changes nothing.
     */
    public Uni<Void> exit(UUID executionId, ExitReport report) {
        Tuple totals = Tuple.of(executionId, cap, report.stdoutBytes(), report.stderrBytes());
        return pool.withTransaction(connection -> Uni.combine().all()
                .unis(lockRunCommand(connection, executionId), connection.preparedQuery(RECORD_DROPPED).execute(totals))
                .with((locked, dropped) -> dropped)
                .chain(dropped -> end(connection, executionId, report, dropped.iterator())));
    }

    /** Ends the execution, its message noting truncated streams; nothing if the execution is gone. */
    private static Uni<Void> end(SqlConnection connection, UUID executionId, ExitReport report, RowIterator<Row> dropped) {
        if (!dropped.hasNext()) {
            return Uni.createFrom().voidItem();
        }
        String message = report.message() + OutputTruncation.note(dropped.next());
        return inOrder(connection.preparedQuery(EXIT)
                        .execute(Tuple.of(executionId, report.state().name(), report.exitCode(), message)),
                releaseDependents(connection, executionId));
    }

    /**
     * Unblocks or cancels the executions waiting for this one (which has ended by an earlier statement of the
     * transaction, possibly still in flight: both statements go out at once, after it).
     */
    static Uni<Void> releaseDependents(SqlConnection connection, UUID executionId) {
        Tuple id = Tuple.of(executionId);
        return inOrder(connection.preparedQuery(RELEASE_DEPENDENTS).execute(id),
                connection.preparedQuery(CANCEL_DEPENDENTS).execute(id));
    }

    private Uni<Void> lockedRunCommand(UUID executionId, String statement, Tuple values) {
        return pool.withTransaction(connection -> inOrder(lockRunCommand(connection, executionId),
                connection.preparedQuery(statement).execute(values)));
    }

    /**
     * Sends {@code statements} of one connection at once and completes when all did; they are subscribed in the
     * order given, which is the order the connection sends and PostgreSQL runs them. Fails with the first failure
     * (the transaction is then rolled back).
     */
    static Uni<Void> inOrder(Uni<?>... statements) {
        return Uni.combine().all().unis(statements).discardItems();
    }

    /** Locks the execution's run command row first, in control-api's lock order. */
    static Uni<Void> lockRunCommand(SqlConnection connection, UUID executionId) {
        return connection.preparedQuery(LOCK_RUN_COMMAND).execute(Tuple.of(executionId)).replaceWithVoid();
    }
}
