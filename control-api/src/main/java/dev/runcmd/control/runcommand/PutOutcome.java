package dev.runcmd.control.runcommand;

import dev.runcmd.control.dispatch.CancelOrder;
import java.util.Optional;
import java.util.UUID;

/**
 * What a committed PUT or PATCH did, and what must happen after the commit.
 *
 * @param created true when the run command is new (201), false when it was replaced (200)
 * @param snapshot the stored run command with its new execution
 * @param machineId the machine to dispatch to
 * @param cancel a Cancel for the replaced execution if an agent may be running it
 * @param operationId the long-running operation that tracks the new execution
 */
public record PutOutcome(boolean created, RunCommandSnapshot snapshot, long machineId,
        Optional<CancelOrder> cancel, UUID operationId) {
}
