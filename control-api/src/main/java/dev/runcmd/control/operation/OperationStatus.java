package dev.runcmd.control.operation;

/**
 * The ARM status of a long-running operation (column {@code operation.status}). InProgress is the only state that
 * changes; the other three are final.
 */
public enum OperationStatus {

    /** The operation has not completed; poll again after Retry-After. */
    IN_PROGRESS("InProgress"),
    /** The platform did what was asked (the script may still have failed: see its executionState). */
    SUCCEEDED("Succeeded"),
    /** The platform could not run the command (the agent rejected it, or lost it before it started). */
    FAILED("Failed"),
    /** The execution was canceled, replaced or deleted before the operation completed. */
    CANCELED("Canceled");

    private final String stored;

    OperationStatus(String stored) {
        this.stored = stored;
    }

    /** The value stored and shown. */
    public String stored() {
        return stored;
    }

    /** True once the status can no longer change. */
    public boolean isTerminal() {
        return this != IN_PROGRESS;
    }

    /** Parses a stored value; an unknown value is a schema fault and throws IllegalStateException. */
    public static OperationStatus fromStored(String value) {
        for (OperationStatus status : values()) {
            if (status.stored.equals(value)) {
                return status;
            }
        }
        throw new IllegalStateException("Unknown operation status in the database: " + value);
    }
}
