package dev.runcmd.state;

/**
 * The order in which every writer of executions takes its row locks, so that control-api and any number of
 * gateways never deadlock on each other:
 *
 * <ol>
 *   <li>the {@code machine} row, {@code FOR KEY SHARE} (only writers that create executions: it conflicts with the
 *       machine's deletion, never with a gateway's status updates);</li>
 *   <li>the {@code run_command} row ({@code FOR UPDATE}); a writer that owns several run commands (a fan-out job)
 *       locks its own row before them, and several run commands in id order;</li>
 *   <li>the {@code execution} row, locked by the transition itself (or read {@code FOR SHARE} before it).</li>
 * </ol>
 *
 * <p>A transition that changes an execution and its run command's provisioning state therefore locks the run
 * command first ({@link #RUN_COMMAND_OF_EXECUTION}), even though its statement updates the execution first.
 * The one exception is canceling dependents ({@link Dependents}, {@link Cancellation#PENDING_WITH_DEPENDENTS}): it
 * updates Pending executions of other run commands, and then those run commands, without locking them first. A
 * writer that locks such a run command and then its Pending execution (the watchdog's undelivered end, a PUT of
 * that run command) can therefore wait on it in the opposite order; PostgreSQL then aborts one of the two
 * transactions with a deadlock error.
 */
public final class LockOrder {

    /** Locks the run command of execution {@code $1} (uuid), in this order, before a transition changes both. */
    public static final String RUN_COMMAND_OF_EXECUTION = """
            select r.id from run_command r join execution e on e.run_command_id = r.id
            where e.id = $1 for update of r""";

    private LockOrder() {
    }
}
