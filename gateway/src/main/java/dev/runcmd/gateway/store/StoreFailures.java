package dev.runcmd.gateway.store;

import io.grpc.Status;
import io.vertx.pgclient.PgException;

/**
 * How failures of the store cross the gRPC boundary: one place decides the status.
 */
public final class StoreFailures {

    /** SQLSTATE of a foreign-key violation, raised when the referenced execution is gone. */
    private static final String FOREIGN_KEY_VIOLATION = "23503";

    private StoreFailures() {
    }

    /**
     * The status for a failure of a store operation: a failure that already is a gRPC status
     * keeps it; anything else is UNAVAILABLE "store unavailable: ..." (the caller may retry).
     */
    public static Status toStatus(Throwable failure) {
        Status known = Status.fromThrowable(failure);
        if (known.getCode() != Status.Code.UNKNOWN) {
            return known;
        }
        String message = failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
        return Status.UNAVAILABLE.withDescription("store unavailable: " + message).withCause(failure);
    }

    /** True when the failure is a foreign-key violation (the referenced row was deleted). */
    public static boolean isForeignKeyViolation(Throwable failure) {
        return failure instanceof PgException pg && FOREIGN_KEY_VIOLATION.equals(pg.getSqlState());
    }
}
