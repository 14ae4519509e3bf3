package dev.runcmd.gateway.store;

import dev.runcmd.gateway.config.GatewayConfig;
import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Creates the gateway's reactive PostgreSQL pool with Quarkus's settings plus the two Quarkus does not expose: the
 * wait queue bound ({@code runcmd.gateway.store-max-waiting}) and the acquisition timeout
 * ({@code runcmd.gateway.store-acquire-timeout}). Unbounded (Vert.x's default), a storm of agents could queue
 * store operations without limit, each failing only after 30 s.
 */
@Singleton
public class BoundedPool implements PgPoolCreator {

    /**
     * Each connection keeps its prepared statements (Vert.x's 256), so a statement run again is neither parsed nor
     * planned again: PostgreSQL plans the gateway's output insert in about 0.6 ms, several times what running it for
     * a small chunk costs. Statements up to this length are kept (Vert.x's default, 2048, is shorter than that
     * insert). The statements name their result columns (no {@code select *} from a table), so a migration that
     * adds columns does not change a kept statement's result type. A pooler in front of PostgreSQL must keep
     * prepared statements per server connection (docs/deploy.md).
     */
    static final int MAX_CACHED_SQL_LENGTH = 16 * 1024;

    private final int maxWaiting;
    private final Duration acquireTimeout;

    BoundedPool(GatewayConfig config) {
        this.maxWaiting = config.storeMaxWaiting();
        this.acquireTimeout = config.storeAcquireTimeout();
    }

    @Override
    @SuppressWarnings("deprecation") // Quarkus requires a PgPool here; Pool.pool returns the plain Pool type.
    public Pool create(Input input) {
        if (maxWaiting < 0 || acquireTimeout.isNegative() || acquireTimeout.isZero()) {
            throw new IllegalArgumentException("runcmd.gateway.store-max-waiting must be 0 or more and "
                    + "runcmd.gateway.store-acquire-timeout positive");
        }
        PoolOptions options = new PoolOptions(input.poolOptions())
                .setMaxWaitQueueSize(maxWaiting)
                .setConnectionTimeout((int) Math.max(1, acquireTimeout.toMillis()))
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        for (PgConnectOptions connect : input.pgConnectOptionsList()) {
            connect.setCachePreparedStatements(true).setPreparedStatementCacheSqlLimit(MAX_CACHED_SQL_LENGTH);
        }
        return PgPool.pool(input.vertx(), input.pgConnectOptionsList(), options);
    }
}
