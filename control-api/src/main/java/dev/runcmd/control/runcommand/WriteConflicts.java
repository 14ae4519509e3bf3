package dev.runcmd.control.runcommand;

import io.vertx.pgclient.PgException;
import org.hibernate.exception.ConstraintViolationException;
import org.hibernate.exception.LockAcquisitionException;

/**
 * Recognizes failures caused by concurrent writers, however they were wrapped: a PostgreSQL unique constraint
 * (SQLSTATE 23505) and a deadlock PostgreSQL broke by aborting this transaction (40P01).
 */
public final class WriteConflicts {

    private static final String UNIQUE = "23505";
    private static final String DEADLOCK = "40P01";

    private WriteConflicts() {
    }

    /** True when the failure or one of its causes is a unique violation. */
    public static boolean isUniqueViolation(Throwable failure) {
        return hasSqlState(failure, UNIQUE);
    }

    /** True when the failure or one of its causes is a deadlock; the transaction was rolled back. */
    public static boolean isDeadlock(Throwable failure) {
        return hasSqlState(failure, DEADLOCK);
    }

    private static boolean hasSqlState(Throwable failure, String state) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && state.equals(pg.getSqlState())) {
                return true;
            }
            if (t instanceof ConstraintViolationException cv && state.equals(cv.getSQLState())) {
                return true;
            }
            if (t instanceof LockAcquisitionException lock && state.equals(lock.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
