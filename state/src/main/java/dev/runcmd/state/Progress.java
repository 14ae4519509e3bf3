package dev.runcmd.state;

/**
 * The transitions an agent's reports make, as the gateway writes them. Each is conditional on the state it moves
 * from, so a replayed report changes nothing. Those that also set the run command's provisioning state run after
 * {@link LockOrder#RUN_COMMAND_OF_EXECUTION} in the same transaction, and those that end an execution are followed
 * by {@link Dependents#RELEASE} and {@link Dependents#CANCEL_AFTER_END}.
 */
public final class Progress {

    /**
     * Accepted: Pending becomes Dispatched (a report may overtake the claim's commit); Dispatched and Running keep
     * their state. The first acceptance and dispatch times win; the session is recorded, and the message when one
     * is given. An ended execution is left alone.
     *
     * <p>Returns one row, {@code dispatch_seconds}: for the first acceptance, the seconds since the execution was
     * first dispatched (claimed); null for a later one, none when the execution has ended. It feeds the metric
     * {@code runcmd_dispatch_to_accepted_seconds} without another round trip ({@code accepted_at} equals the
     * transaction's {@code now()} only when this statement set it).
     *
     * <p>{@code $1} execution id, {@code $2} gateway id, {@code $3} session id, {@code $4} message or ''.
     */
    public static final String ACCEPT = """
            update execution set
                accepted_at = coalesce(accepted_at, now()),
                dispatched_at = coalesce(dispatched_at, now()),
                state = case when state = 'Pending' then 'Dispatched' else state end,
                gateway_id = $2, session_id = $3,
                message = case when $4 = '' then message else $4 end
            where id = $1 and state in ('Pending', 'Dispatched', 'Running')
            returning case when accepted_at = now()
                then extract(epoch from now() - dispatched_at)::float8 end as dispatch_seconds""";

    /**
     * Rejected: a not yet ended execution becomes Failed with the agent's reason, and the run command whose current
     * execution it is fails its provisioning (the platform could not run it). Returns, when it ended the
     * execution, one row: {@code seconds} from the execution's creation to its end (see {@link #EXIT}).
     *
     * <p>{@code $1} execution id, {@code $2} message.
     */
    public static final String REJECT = """
            with failed as (
                update execution set state = 'Failed', message = $2, end_time = now()
                where id = $1 and state in ('Pending', 'Dispatched', 'Running')
                returning id, end_time - created_at as elapsed),
            settled as (
                update run_command set provisioning_state = 'Failed', updated_at = now()
                where current_execution_id in (select id from failed))
            select extract(epoch from elapsed)::float8 as seconds from failed""";

    /**
     * Started: Pending or Dispatched becomes Running, stamped with the server's clock; with asyncExecution the run
     * command's provisioning succeeds now, instead of at the exit.
     *
     * <p>{@code $1} execution id, {@code $2} gateway id, {@code $3} session id.
     */
    public static final String START = """
            with started as (
                update execution set
                    state = 'Running', start_time = now(), accepted_at = coalesce(accepted_at, now()),
                    gateway_id = $2, session_id = $3, message = 'Execution in progress'
                where id = $1 and state in ('Pending', 'Dispatched')
                returning id)
            update run_command set provisioning_state = 'Succeeded', updated_at = now()
            where current_execution_id in (select id from started) and async_execution
              and provisioning_state in ('Creating', 'Updating')""";

    /**
     * Exited: a not yet ended execution takes the terminal state the agent reported. The provisioning of its run
     * command, while Creating or Updating, becomes Canceled for a Canceled exit and Succeeded otherwise (the
     * platform ran it, whatever the script's exit code). Returns, when it ended the execution, one row:
     * {@code seconds} from the execution's creation (its PUT) to its end, for the metric
     * {@code runcmd_execution_put_to_terminal_seconds}, and for its trace span the {@code traceparent} it was
     * created in (or null), when the agent's part {@code began} (started, else accepted, else dispatched) and
     * {@code end_time}; none for a replay. (Both updates run to completion whether or
     * not the final select reads them.)
     *
     * <p>{@code $1} execution id, {@code $2} a terminal {@link ExecutionState#stored()}, {@code $3} exit code,
     * {@code $4} message.
     */
    public static final String EXIT = """
            with ended as (
                update execution set state = $2, exit_code = $3, message = $4, end_time = now()
                where id = $1 and state in ('Pending', 'Dispatched', 'Running')
                returning id, end_time - created_at as elapsed, traceparent, end_time,
                    coalesce(start_time, accepted_at, dispatched_at, created_at) as began),
            settled as (
                update run_command set updated_at = now(),
                    provisioning_state = case when $2 = 'Canceled' then 'Canceled' else 'Succeeded' end
                where current_execution_id in (select id from ended)
                  and provisioning_state in ('Creating', 'Updating'))
            select extract(epoch from elapsed)::float8 as seconds, traceparent, began, end_time from ended""";

    private Progress() {
    }
}
