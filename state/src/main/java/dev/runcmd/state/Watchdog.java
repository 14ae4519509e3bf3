package dev.runcmd.state;

/**
 * The watchdog's ends: the transitions that end executions that would otherwise hang forever, as Failed with exit
 * code null and a message saying why, the outcome unknown. Each rule has a query that finds candidates without
 * locking, and an end statement that re-checks the rule for one execution under its row lock, ends it, stamps
 * end_time and sets the run command's provisioning state; it selects the execution's id when it ended it. Run each
 * end in its own transaction after {@link LockOrder#RUN_COMMAND_OF_EXECUTION}, followed by
 * {@link Dependents#RELEASE} and {@link Dependents#CANCEL_AFTER_END}, exactly like an exit.
 *
 * <p>"Delivered and not ended" means Running, or Dispatched and accepted by the agent. The timeout rule counts from
 * the start the agent reported (an accepted execution waiting for a free slot on its agent is not overdue); the
 * disconnected-machine rule applies to every delivered one. A delivered execution's provisioning is set as an exit
 * sets it (Succeeded while Creating or Updating: the platform ran it); an undelivered one's is Failed (the platform
 * could not run it), as a rejection sets it.
 */
public final class Watchdog {

    private static final String DELIVERED = "(e.state = 'Running' or (e.state = 'Dispatched' and e.accepted_at is not null))";

    private static final String OVERDUE = DELIVERED + """
             and e.timeout_seconds > 0 and e.start_time is not null
             and e.start_time + make_interval(secs => (e.timeout_seconds + $1::bigint)::double precision) < now()""";

    private static final String LOST = DELIVERED + """
             and m.status = 'Disconnected'
             and m.last_status_change < now() - make_interval(secs => $1::bigint::double precision)""";

    private static final String RAN = """
            , provisioned as (
                update run_command set updated_at = now(), provisioning_state = 'Succeeded'
                where current_execution_id in (select id from ended)
                  and provisioning_state in ('Creating', 'Updating'))
            select id from ended""";

    /** Overdue: delivered executions past their timeout plus {@code $1} seconds of grace; at most {@code $2}. */
    public static final String FIND_OVERDUE =
            "select e.id from execution e where e.state in ('Dispatched', 'Running') and "
            + OVERDUE + " limit $2";

    /** Ends overdue execution {@code $1} ({@code $2} seconds of grace). */
    public static final String END_OVERDUE = """
            with ended as (
                update execution e set state = 'Failed', exit_code = null, end_time = now(),
                    message = 'no result from the agent within timeoutInSeconds (' || e.timeout_seconds
                        || ' s) plus ' || $2::bigint || ' s of grace: the agent lost the execution or its'
                        || ' machine is unreachable; the outcome is unknown'
                where e.id = $1 and """ + OVERDUE.replace("$1", "$2") + """

                returning e.id)""" + RAN;

    /**
     * Lost: delivered executions whose machine has been Disconnected for more than {@code $1} seconds; at most
     * {@code $2}.
     */
    public static final String FIND_LOST = """
            select e.id from execution e join machine m on m.id = e.machine_id
            where e.state in ('Dispatched', 'Running') and """ + LOST + " limit $2";

    /** Ends lost execution {@code $1} (machine Disconnected for more than {@code $2} seconds). */
    public static final String END_LOST = """
            with ended as (
                update execution e set state = 'Failed', exit_code = null, end_time = now(),
                    message = 'machine disconnected since '
                        || to_char(m.last_status_change at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                        || '; the outcome is unknown'
                from machine m
                where e.id = $1 and m.id = e.machine_id and """ + LOST.replace("$1", "$2") + """

                returning e.id)""" + RAN;

    /** Undelivered: Pending executions past their {@code deliver_by}, oldest deadline first; at most {@code $1}. */
    public static final String FIND_UNDELIVERED = """
            select id from execution where state = 'Pending' and deliver_by < now() order by deliver_by limit $1""";

    /** Ends undelivered execution {@code $1}; its run command's provisioning fails. */
    public static final String END_UNDELIVERED = """
            with ended as (
                update execution set state = 'Failed', exit_code = null, end_time = now(),
                    message = 'not delivered: machine offline'
                where id = $1 and state = 'Pending' and deliver_by < now()
                returning id),
            provisioned as (
                update run_command set updated_at = now(), provisioning_state = 'Failed'
                where current_execution_id in (select id from ended)
                  and provisioning_state in ('Creating', 'Updating'))
            select id from ended""";

    /** The message of an execution its agent no longer holds. */
    private static final String DISOWNED_MESSAGE = "the agent no longer holds this execution (its work directory was lost"
            + " or replaced); the outcome is unknown";

    /**
     * Disowned: delivered executions of machine {@code $1} that its agent, saying Hello, did not list as held
     * ({@code $2}, uuid[]), except those delivered on its new session {@code $3}; at most 500.
     */
    public static final String FIND_DISOWNED =
            "select e.id from execution e where e.state in ('Dispatched', 'Running') and "
            + DELIVERED + " and e.machine_id = $1 and e.id <> all($2::uuid[])"
            + " and e.session_id is distinct from $3 limit 500";

    /** Ends disowned execution {@code $1}; {@code $2} to {@code $4} are {@link #FIND_DISOWNED}'s {@code $1} to {@code $3}. */
    public static final String END_DISOWNED = "with ended as (update execution e set state = 'Failed', exit_code = null,"
            + " end_time = now(), message = '" + DISOWNED_MESSAGE + "'"
            + " where e.id = $1 and " + DELIVERED + " and e.machine_id = $2 and e.id <> all($3::uuid[])"
            + " and e.session_id is distinct from $4"
            + " returning e.id)" + RAN;

    private Watchdog() {
    }
}
