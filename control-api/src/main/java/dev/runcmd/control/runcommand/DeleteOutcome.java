package dev.runcmd.control.runcommand;

import dev.runcmd.control.dispatch.CancelOrder;
import java.util.Optional;

/**
 * What a committed DELETE did, and what must happen after the commit.
 *
 * @param existed true when a run command was deleted (200), false when there was none (204)
 * @param cancel a Cancel for its execution if an agent may be running it
 */
public record DeleteOutcome(boolean existed, Optional<CancelOrder> cancel) {

    /** Nothing was there to delete. */
    static final DeleteOutcome ABSENT = new DeleteOutcome(false, Optional.empty());
}
