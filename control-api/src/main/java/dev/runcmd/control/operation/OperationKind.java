package dev.runcmd.control.operation;

/** Which request started a long-running operation (column {@code operation.kind}). */
public enum OperationKind {

    /** A PUT: completes with the execution it started (or when it starts, with asyncExecution). */
    PUT("put"),
    /** A PATCH: completes like a PUT. */
    PATCH("patch"),
    /** A DELETE: complete at once, since the stop was requested and the resource is gone. */
    DELETE("delete"),
    /** A fan-out job's PUT: completes when the job ends; its driver writes the final status. */
    JOB("job");

    private final String stored;

    OperationKind(String stored) {
        this.stored = stored;
    }

    /** The value in the {@code operation.kind} column. */
    public String stored() {
        return stored;
    }

    /** Parses a stored value; an unknown value is a schema fault and throws IllegalStateException. */
    public static OperationKind fromStored(String value) {
        for (OperationKind kind : values()) {
            if (kind.stored.equals(value)) {
                return kind;
            }
        }
        throw new IllegalStateException("Unknown operation kind in the database: " + value);
    }
}
