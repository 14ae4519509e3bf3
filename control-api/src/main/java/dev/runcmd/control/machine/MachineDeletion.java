package dev.runcmd.control.machine;

import dev.runcmd.control.dispatch.CancelOrder;
import java.util.List;

/**
 * What deleting a machine did.
 *
 * @param existed false when there was no such machine (nothing changed)
 * @param executionsEnded how many unfinished executions ended Failed
 * @param cancels Cancels to send after the commit, for the executions an agent may still be running
 */
public record MachineDeletion(boolean existed, int executionsEnded, List<CancelOrder> cancels) {

    /** Nothing to delete. */
    static final MachineDeletion ABSENT = new MachineDeletion(false, 0, List.of());
}
