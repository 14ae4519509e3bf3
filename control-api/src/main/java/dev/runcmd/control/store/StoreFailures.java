package dev.runcmd.control.store;

import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.sql.SQLException;
import java.util.Set;
import org.hibernate.exception.JDBCConnectionException;

/**
 * Recognizes a failure caused by PostgreSQL being unreachable (stopped, restarting, or the network to it down),
 * however the reactive client or Hibernate Reactive wrapped it. Such a failure says nothing about the request:
 * the same request succeeds once the database is back, so REST answers 503 ServiceUnavailable with Retry-After,
 * gRPC UNAVAILABLE, and an output follower waits and reads again instead of ending.
 *
 * <p>Recognized anywhere in the cause chain: a refused or timed-out connection attempt, a connection closed
 * under a query, and the SQLSTATEs PostgreSQL sends while it goes down or comes up (class 08 connection
 * exceptions, 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now).
 *
 * <p>It also recognizes a saturated connection pool ({@link #isSaturated}): every connection is in use and the
 * wait queue is full, or a connection could not be had within the acquisition timeout. That is overload, not an
 * outage: REST answers 503 ServiceUnavailable at once with a short Retry-After, gRPC UNAVAILABLE, and a follower
 * reads again at its next wake-up.
 */
public final class StoreFailures {

    /** The ARM error code of a request that failed because the store is unreachable. */
    public static final String CODE = "ServiceUnavailable";

    /** The message of that error, for REST and gRPC alike. */
    public static final String MESSAGE = "The data store is unreachable; retry the request later.";

    /** The Retry-After of that error, in seconds. */
    public static final int RETRY_AFTER_SECONDS = 5;

    /** The message of a request shed because every database connection is in use. */
    public static final String BUSY_MESSAGE =
            "The service is busy: every database connection is in use; retry the request shortly.";

    /** The Retry-After of a request shed under overload, in seconds. */
    public static final int BUSY_RETRY_AFTER_SECONDS = 1;

    /*
     * The Vert.x pool signals an acquisition timeout only with these messages (a VertxException or a
     * NoStackTraceThrowable without a type of its own), so they are matched here, in this one place.
     */
    private static final Set<String> ACQUISITION_TIMEOUTS = Set.of("Timeout waiting for connection", "Timeout");

    private static final Set<String> SHUTDOWN_STATES = Set.of("57P01", "57P02", "57P03");

    private StoreFailures() {
    }

    /** True when the failure, or one of its causes, means PostgreSQL could not be reached. */
    public static boolean isUnreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (isUnreachableItself(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when the failure, or one of its causes, means no pool connection could be had: the pool's wait queue
     * is full ({@code quarkus.datasource.reactive.max-size} connections in use and
     * {@code runcmd.control.store.max-waiting} requests waiting), or the wait exceeded
     * {@code runcmd.control.store.acquire-timeout}.
     */
    public static boolean isSaturated(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectionPoolTooBusyException) {
                return true;
            }
            if ((t instanceof NoStackTraceThrowable || t.getClass() == VertxException.class)
                    && ACQUISITION_TIMEOUTS.contains(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isUnreachableItself(Throwable t) {
        if (t instanceof ConnectException || t instanceof ClosedConnectionException
                || t instanceof ClosedChannelException || t instanceof JDBCConnectionException) {
            return true;
        }
        if (t instanceof PgException pg) {
            return isUnreachableState(pg.getSqlState());
        }
        if (t instanceof SQLException sql) {
            return isUnreachableState(sql.getSQLState());
        }
        return false;
    }

    private static boolean isUnreachableState(String state) {
        return state != null && (state.startsWith("08") || SHUTDOWN_STATES.contains(state));
    }
}
