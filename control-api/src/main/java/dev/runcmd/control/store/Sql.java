package dev.runcmd.control.store;

import dev.runcmd.control.config.ControlConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Function;

/**
 * One statement at a time straight through the reactive pool, for the hot paths that need no Hibernate session
 * (output reads, gateway lookups, sweeps). Each statement takes a connection for itself and gives it back when it
 * completes; it must not be called while the same request holds a connection in a {@link Transactions} unit
 * ({@link ConnectionGuard}).
 */
@ApplicationScoped
public class Sql {

    private final Pool pool;
    private final boolean failNested;

    Sql(Pool pool, ControlConfig config) {
        this.pool = pool;
        this.failNested = config.store().nestedConnections() == NestedConnections.FAIL;
    }

    /**
     * Runs one prepared statement with {@code arguments} on a connection of its own.
     *
     * <p>The connection is taken explicitly ({@code withConnection}) rather than by the pool's one-shot
     * {@code preparedQuery}: that path leaves its acquisition-timeout timer running when the wait queue is full,
     * and the timer then fails an already failed result ("Result is already complete", logged as an uncaught
     * error for every request shed).
     */
    public Uni<RowSet<Row>> query(String statement, Tuple arguments) {
        return Uni.createFrom().deferred(() -> {
            ConnectionGuard.requireNone(firstLine(statement), failNested);
            return pool.withConnection(connection -> connection.preparedQuery(statement).execute(arguments));
        });
    }

    /**
     * Runs {@code work} on a connection of its own inside one transaction, committed when its Uni completes and
     * rolled back when it fails: for the few statements that need a transaction without a Hibernate session (the
     * activity log's purge, which must {@code set local} first). The same rule as {@link #query} applies.
     */
    public <T> Uni<T> transaction(Function<SqlConnection, Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            ConnectionGuard.requireNone("a transaction", failNested);
            return pool.withTransaction(work);
        });
    }

    private static String firstLine(String statement) {
        String trimmed = statement.strip();
        int end = trimmed.indexOf('\n');
        return end < 0 ? trimmed : trimmed.substring(0, end);
    }

    /** What a nested acquisition does: {@code fail} the request, or {@code log} it as an ERROR and go on. */
    public enum NestedConnections {
        /** Fail the request with IllegalStateException (tests and dev mode). */
        FAIL,
        /** Log an ERROR with the stack and take the connection anyway (production default). */
        LOG
    }
}
