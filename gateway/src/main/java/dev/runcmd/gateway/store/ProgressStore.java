package dev.runcmd.gateway.store;

import dev.runcmd.gateway.config.GatewayConfig;
import dev.runcmd.gateway.metrics.GatewayMeters;
import dev.runcmd.gateway.tracing.RunTraces;
import dev.runcmd.state.Dependents;
import dev.runcmd.state.ExecutionState;
import dev.runcmd.state.LockOrder;
import dev.runcmd.state.Progress;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.UUID;

/**
 * What agents report about their executions, written so that a replayed report changes nothing:
 * acceptance, rejection, start and exit ({@link OutputStore} stores the output).
 *
 * <p>Every method completes only once its statement is committed; callers acknowledge the agent
 * after that, never before. The transitions themselves ({@link Progress}, {@link Dependents}) and
 * their lock order ({@link LockOrder}) belong to the {@code state} module, shared with control-api.
 *
 * <p>Statements of one transaction that do not need an earlier one's result are sent together
 * ({@link #inOrder}): the connection pipelines them and PostgreSQL runs them one after the other,
 * each with its own snapshot as before, so the lock order holds and only the round trips go.
 */
@Singleton
public final class ProgressStore {

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

    private final Pool pool;
    private final long cap;
    private final GatewayMeters meters;
    private final RunTraces traces;

    public ProgressStore(Pool pool, GatewayConfig config, GatewayMeters meters, RunTraces traces) {
        this.pool = pool;
        this.cap = config.outputCap();
        this.meters = meters;
        this.traces = traces;
    }

    /** Records that the agent of this session accepted the execution (first time wins). */
    public Uni<Void> accept(UUID executionId, String gatewayId, String sessionId, String message) {
        return pool.preparedQuery(Progress.ACCEPT).execute(Tuple.of(executionId, gatewayId, sessionId, message))
                .invoke(rows -> {
                    Double seconds = firstDouble(rows, "dispatch_seconds");
                    if (seconds != null) {
                        meters.accepted(seconds);
                    }
                })
                .replaceWithVoid();
    }

    /**
     * Fails a not yet ended execution with {@code message}, and fails the provisioning of the
     * run command whose current execution it is.
     */
    public Uni<Void> reject(UUID executionId, String message) {
        return pool.withTransaction(connection -> {
                    Uni<RowSet<Row>> rejected = connection.preparedQuery(Progress.REJECT)
                            .execute(Tuple.of(executionId, message)).memoize().indefinitely();
                    return inOrder(lockRunCommand(connection, executionId), rejected,
                            releaseDependents(connection, executionId)).chain(() -> rejected);
                })
                .invoke(rows -> recordEnd(ExecutionState.FAILED, rows))
                .replaceWithVoid();
    }

    /**
     * Moves a Pending or Dispatched execution to Running, stamped with the server's clock; with
     * asyncExecution its run command's provisioning succeeds now.
     */
    public Uni<Void> start(UUID executionId, String gatewayId, String sessionId) {
        return lockedRunCommand(executionId, Progress.START, Tuple.of(executionId, gatewayId, sessionId));
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
                .chain(dropped -> end(connection, executionId, report, dropped.iterator())))
                .invoke(ended -> ended.ifPresent(rows -> {
                    recordEnd(report.state(), rows);
                    traceEnd(executionId, report, rows);
                }))
                .replaceWithVoid();
    }

    /**
     * Ends the execution, its message noting truncated streams; nothing if the execution is gone. Emits the EXIT
     * statement's rows (the seconds since creation, when it ended the execution).
     */
    private static Uni<Optional<RowSet<Row>>> end(SqlConnection connection, UUID executionId, ExitReport report,
                                                  RowIterator<Row> dropped) {
        if (!dropped.hasNext()) {
            return Uni.createFrom().item(Optional.empty());
        }
        String message = report.message() + OutputTruncation.note(dropped.next());
        Uni<RowSet<Row>> exited = connection.preparedQuery(Progress.EXIT)
                .execute(Tuple.of(executionId, report.state().stored(), report.exitCode(), message))
                .memoize().indefinitely();
        return inOrder(exited, releaseDependents(connection, executionId)).chain(() -> exited).map(Optional::of);
    }

    /** Observes the committed end of an execution in the metrics (nothing for a replay, which ended nothing). */
    private void recordEnd(ExecutionState state, RowSet<Row> rows) {
        Double seconds = firstDouble(rows, "seconds");
        if (seconds != null) {
            meters.ended(state, seconds);
        }
    }

    /** Records the agent's part in the execution's trace, when it was created in one. */
    private void traceEnd(UUID executionId, ExitReport report, RowSet<Row> rows) {
        RowIterator<Row> iterator = rows.iterator();
        if (iterator.hasNext()) {
            Row row = iterator.next();
            traces.executed(executionId, row.getString("traceparent"), report.state(), report.exitCode(),
                    row.getOffsetDateTime("began"), row.getOffsetDateTime("end_time"));
        }
    }

    private static Double firstDouble(RowSet<Row> rows, String column) {
        RowIterator<Row> iterator = rows.iterator();
        return iterator.hasNext() ? iterator.next().getDouble(column) : null;
    }

    /**
     * Unblocks or cancels the executions waiting for this one (which has ended by an earlier statement of the
     * transaction, possibly still in flight: both statements go out at once, after it).
     */
    static Uni<Void> releaseDependents(SqlConnection connection, UUID executionId) {
        Tuple id = Tuple.of(executionId);
        return inOrder(connection.preparedQuery(Dependents.RELEASE).execute(id),
                connection.preparedQuery(Dependents.CANCEL_AFTER_END).execute(id));
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

    /** Locks the execution's run command row first, in the {@link LockOrder}. */
    static Uni<Void> lockRunCommand(SqlConnection connection, UUID executionId) {
        return connection.preparedQuery(LockOrder.RUN_COMMAND_OF_EXECUTION).execute(Tuple.of(executionId)).replaceWithVoid();
    }
}
