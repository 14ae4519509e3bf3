package dev.runcmd.control.store;

import dev.runcmd.control.config.ControlConfig;
import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;

/**
 * Creates the reactive PostgreSQL pool that Hibernate Reactive and {@link Sql} share, with Quarkus's settings
 * (size, idle timeout, ...) plus the two Quarkus does not expose: the wait queue bound and the acquisition
 * timeout ({@link ControlConfig.Store}). Unbounded (Vert.x's default), a burst of requests queues for 30 s and then
 * fails all at once; bounded, the requests beyond the queue are shed at once.
 */
@Singleton
public class BoundedPool implements PgPoolCreator {

    /**
     * Each connection keeps its prepared statements (Vert.x's 256), so a statement run again (the output reads of
     * every follower, above all) is neither parsed nor planned again; statements up to this length are kept. They
     * name their result columns, so a migration that adds columns leaves them valid. A pooler in front of
     * PostgreSQL must keep prepared statements per server connection (docs/deploy.md).
     */
    static final int MAX_CACHED_SQL_LENGTH = 16 * 1024;

    private final ControlConfig.Store settings;

    BoundedPool(ControlConfig config) {
        this.settings = config.store();
    }

    @Override
    @SuppressWarnings("deprecation") // Quarkus requires a PgPool here; Pool.pool returns the plain Pool type.
    public Pool create(Input input) {
        if (settings.maxWaiting() < 0 || settings.acquireTimeout().isNegative() || settings.acquireTimeout().isZero()) {
            throw new IllegalArgumentException("runcmd.control.store.max-waiting must be 0 or more and "
                    + "runcmd.control.store.acquire-timeout positive");
        }
        PoolOptions options = new PoolOptions(input.poolOptions())
                .setMaxWaitQueueSize(settings.maxWaiting())
                .setConnectionTimeout((int) Math.max(1, settings.acquireTimeout().toMillis()))
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        for (PgConnectOptions connect : input.pgConnectOptionsList()) {
            connect.setCachePreparedStatements(true).setPreparedStatementCacheSqlLimit(MAX_CACHED_SQL_LENGTH);
        }
        return PgPool.pool(input.vertx(), input.pgConnectOptionsList(), options);
    }
}
