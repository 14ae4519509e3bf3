package dev.runcmd.state;

/**
 * The transition of a machine's deletion, as control-api writes it while it holds the machine's row lock.
 */
public final class MachineDeletion {

    /**
     * Fail unfinished: every Pending, Dispatched or Running execution of the machine ends Failed, as a gateway's
     * watchdog ends one (exit code null, end time, message), locked in id order. Its run command's provisioning
     * follows the watchdog's rule: Succeeded while Creating or Updating when an agent had accepted it (the platform
     * ran it), Failed when none had (the platform could not run it). Selects each ended execution's id (as text)
     * and its state before, so that the caller can send a Cancel where an agent may hold it.
     *
     * <p>{@code $1} machine id, {@code $2} message.
     */
    public static final String FAIL_UNFINISHED = """
            with doomed as (
                select id, state, (state = 'Running' or (state = 'Dispatched' and accepted_at is not null)) as ran
                  from execution
                 where machine_id = $1 and state in ('Pending', 'Dispatched', 'Running')
                 order by id
                   for update
            ), ended as (
                update execution e set state = 'Failed', exit_code = null, end_time = now(), message = $2
                  from doomed d
                 where e.id = d.id
                returning e.id, d.state as before, d.ran
            ), ran as (
                update run_command set provisioning_state = 'Succeeded', updated_at = now()
                 where current_execution_id in (select id from ended where ran)
                   and provisioning_state in ('Creating', 'Updating')
            ), unrun as (
                update run_command set provisioning_state = 'Failed', updated_at = now()
                 where current_execution_id in (select id from ended where not ran)
                   and provisioning_state in ('Creating', 'Updating')
            )
            select cast(id as text), before from ended
            """;

    private MachineDeletion() {
    }
}
