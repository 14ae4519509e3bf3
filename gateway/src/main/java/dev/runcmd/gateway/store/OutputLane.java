package dev.runcmd.gateway.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Stores the output of one agent stream through one database connection, so that a statement can
 * be sent while the previous one still runs (pipelining) and the database does not wait for the
 * gateway between two statements.
 *
 * <p>Ordering contract: statements run in the order their Unis are subscribed, each in its own
 * transaction, one after the other on the same connection; so they commit in that order, and
 * chunks get ascending {@code seq} values in that order. A statement that fails does not stop the
 * ones already sent behind it.
 *
 * <p>The connection is taken from the pool when a statement is sent while none is held, and given
 * back as soon as none is running. {@link #canPipeline()} turns false after {@link #BURST}
 * statements on one connection, so a stream that never pauses still lets the connection go back
 * to the pool now and then, and other work gets its turn. Thread-safe.
 */
public final class OutputLane {

    /** The most statements sent on one held connection before it must go back to the pool. */
    static final int BURST = 64;

    private final Pool pool;
    private final OutputStore store;
    private Uni<SqlConnection> connection; // guarded by this; null while none is held
    private int running; // guarded by this; statements sent and not finished
    private int sent; // guarded by this; statements sent on the held connection

    OutputLane(Pool pool, OutputStore store) {
        this.pool = pool;
        this.store = store;
    }

    /** True when a statement sent now would queue behind a running one on the held connection. */
    public synchronized boolean canPipeline() {
        return connection != null && running > 0 && sent < BURST;
    }

    /**
     * Stores the chunks of one execution (see {@link OutputStore}); the statement is sent when the
     * returned Uni is subscribed. Emits how far each stream is accounted for, or empty when the
     * execution does not exist.
     */
    public Uni<Optional<StoredOffsets>> store(UUID executionId, List<OutputChunk> chunks) {
        return Uni.createFrom().deferred(() -> hold()
                .chain(held -> store.store(held, executionId, chunks))
                .eventually(this::finished));
    }

    private synchronized Uni<SqlConnection> hold() {
        if (connection == null) {
            connection = pool.getConnection().memoize().indefinitely();
            sent = 0;
        }
        running++;
        sent++;
        return connection;
    }

    private void finished() {
        Uni<SqlConnection> idle;
        synchronized (this) {
            running--;
            if (running > 0) {
                return;
            }
            idle = connection;
            connection = null;
        }
        idle.subscribe().with(SqlConnection::closeAndForget, acquisitionFailed -> { });
    }
}
