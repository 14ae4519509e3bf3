package dev.runcmd.gateway.store;

import io.vertx.pgclient.PgConnectOptions;
import java.util.List;

/**
 * Each pooled connection keeps its prepared statements (at most {@link #MAX_STATEMENTS}, the longest of ours
 * included), so a statement run again is neither parsed nor planned again: PostgreSQL plans the gateway's output
 * insert (a CTE over unnested arrays) in about 0.6 ms, ten times what running it for a small chunk costs. The
 * statements name their result columns (no {@code select *} from a table), so a migration that adds columns does
 * not change a cached statement's result type. A pooler between the services and PostgreSQL must keep prepared
 * statements per server connection (PgBouncer 1.21 or later with {@code max_prepared_statements}, or session
 * pooling).
 */
final class PreparedStatements {

    /** Statements kept per connection. */
    static final int MAX_STATEMENTS = 256;
    /** The longest statement text kept (Vert.x's default, 2048 characters, is shorter than the output insert). */
    static final int MAX_SQL_LENGTH = 16 * 1024;

    private PreparedStatements() {
    }

    /** The options with the statement cache on; changes and returns the same objects. */
    static List<PgConnectOptions> cached(List<PgConnectOptions> options) {
        for (PgConnectOptions option : options) {
            option.setCachePreparedStatements(true)
                    .setPreparedStatementCacheMaxSize(MAX_STATEMENTS)
                    .setPreparedStatementCacheSqlLimit(MAX_SQL_LENGTH);
        }
        return options;
    }
}
