package dev.runcmd.control.dispatch;

import dev.runcmd.control.machine.MachineScope;
import java.util.UUID;

/**
 * A Cancel to send to the gateway holding a machine once the transaction that decided it has committed.
 *
 * @param scope the machine running the execution
 * @param machineId the machine's database id, to find its gateway
 * @param executionId the execution to stop
 * @param reason why, shown in the execution's message ("updated", "deleted")
 */
public record CancelOrder(MachineScope scope, long machineId, UUID executionId, String reason) {
}
