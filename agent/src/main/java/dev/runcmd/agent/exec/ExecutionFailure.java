package dev.runcmd.agent.exec;

/**
 * Why an accepted execution cannot start, in words meant for the operator: its message becomes the
 * Exited message as it is (Exited{FAILED, exit_code=-1}), with no prefix. It must never contain a
 * secret (a protected parameter, a password, a SAS token).
 */
public final class ExecutionFailure extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates the failure with the operator-facing {@code message}. */
    public ExecutionFailure(String message) {
        super(message);
    }
}
