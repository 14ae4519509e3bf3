package dev.runcmd.control.runcommand;

import dev.runcmd.control.dispatch.CancelOrder;
import java.util.Optional;

/**
 * What a committed cancel did, and what must happen after the commit.
 *
 * @param canceled true when a Pending or running execution was asked to stop
 * @param message why not, when nothing was canceled; empty otherwise
 * @param executionState the execution's state right after the request (Azure's names)
 * @param cancel a Cancel for the agent when one may be running the execution
 */
public record CancelOutcome(boolean canceled, String message, String executionState,
        Optional<CancelOrder> cancel) {
}
