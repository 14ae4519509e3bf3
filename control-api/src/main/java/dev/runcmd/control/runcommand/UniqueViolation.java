package dev.runcmd.control.runcommand;

import io.vertx.pgclient.PgException;
import org.hibernate.exception.ConstraintViolationException;

/** Recognizes a failure caused by a PostgreSQL unique constraint (SQLSTATE 23505), however it was wrapped. */
final class UniqueViolation {

    private static final String SQL_STATE = "23505";

    private UniqueViolation() {
    }

    /** True when the failure or one of its causes is a unique violation. */
    static boolean matches(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && SQL_STATE.equals(pg.getSqlState())) {
                return true;
            }
            if (t instanceof ConstraintViolationException cv && SQL_STATE.equals(cv.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
