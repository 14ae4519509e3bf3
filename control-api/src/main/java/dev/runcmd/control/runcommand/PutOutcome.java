package dev.runcmd.control.runcommand;

import dev.runcmd.control.dispatch.CancelOrder;
import java.util.Optional;

/**
 * What a committed PUT did, and what must happen after the commit.
 *
 * @param created true when the run command is new (201), false when it was replaced (200)
 * @param snapshot the stored run command with its new, Pending execution
 * @param machineId the machine to dispatch to
 * @param cancel a Cancel for the replaced execution if an agent may be running it
 */
public record PutOutcome(boolean created, RunCommandSnapshot snapshot, long machineId,
        Optional<CancelOrder> cancel) {
}
