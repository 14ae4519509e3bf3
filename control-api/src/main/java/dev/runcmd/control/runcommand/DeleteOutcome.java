package dev.runcmd.control.runcommand;

import dev.runcmd.control.dispatch.CancelOrder;
import java.util.Optional;
import java.util.UUID;

/**
 * What a committed DELETE did, and what must happen after the commit.
 *
 * @param existed true when a run command was deleted (202), false when there was none (204)
 * @param cancel a Cancel for its execution if an agent may be running it
 * @param operationId the DELETE's operation (Succeeded at once), or null when nothing existed
 * @param location the deleted run command's location, for the operation's URLs, or null
 */
public record DeleteOutcome(boolean existed, Optional<CancelOrder> cancel, UUID operationId, String location) {

    /** Nothing was there to delete. */
    static final DeleteOutcome ABSENT = new DeleteOutcome(false, Optional.empty(), null, null);
}
