package dev.runcmd.control.runcommand;

/**
 * The REST body of {@code POST .../runCommands/{name}/cancel}.
 *
 * @param canceled true when a Pending or running execution was asked to stop
 * @param message why not, when nothing was canceled (e.g. "the execution already ended: Succeeded")
 * @param executionState the execution's state right after the request
 */
public record CancelView(boolean canceled, String message, String executionState) {

    /** The view of an outcome. */
    public static CancelView of(CancelOutcome outcome) {
        return new CancelView(outcome.canceled(), outcome.message(), outcome.executionState());
    }
}
