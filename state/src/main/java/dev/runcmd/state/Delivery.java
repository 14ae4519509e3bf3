package dev.runcmd.state;

/**
 * The transitions of delivery, between Pending and Dispatched, as the gateways write them. Neither touches the run
 * command: its provisioning state does not change until the agent reports.
 */
public final class Delivery {

    /**
     * Claim: up to {@code $5} of the machine's oldest Pending executions that wait for nothing become Dispatched
     * for this session. The inner select skips rows another claim has locked and the outer condition re-checks the
     * state, so only one claim per execution can ever win. Each keeps the output cap it has, or gets {@code $6}.
     * Returns what the agent needs to run each one, and the trace context it was created in.
     *
     * <p>{@code $1} gateway id, {@code $2} session id, {@code $3} machine id, {@code $4} uuid[] of executions to
     * leave alone (the agent holds them already), {@code $5} limit, {@code $6} output cap in bytes.
     */
    public static final String CLAIM = """
            update execution e
            set state = 'Dispatched', gateway_id = $1, session_id = $2, dispatched_at = now(),
                output_cap_bytes = coalesce(e.output_cap_bytes, $6)
            where e.id in (
                select id from execution
                where machine_id = $3 and state = 'Pending' and id <> all($4::uuid[])
                  and cardinality(waiting_for) = 0
                order by created_at
                limit $5
                for update skip locked)
              and e.state = 'Pending'
            returning e.id, e.run_command_name, e.script, e.parameters, e.protected_parameters,
                      e.protected_parameters_enc, e.script_uri, e.run_as_user, e.run_as_password_enc,
                      e.output_blob_uri, e.error_blob_uri, e.shell, e.timeout_seconds, e.created_at, e.traceparent,
                      (select r.command_id from run_command r where r.id = e.run_command_id) as command_id,
                      e.stdout_bytes + e.stdout_dropped as stdout_end, e.stderr_bytes + e.stderr_dropped as stderr_end""";

    /**
     * Requeue after a session ended: its Dispatched executions that the agent never accepted go back to Pending,
     * so another session delivers them. An accepted one stays: the agent holds it and reports it when it comes back.
     *
     * <p>{@code $1} session id.
     */
    public static final String REQUEUE_SESSION = """
            update execution set state = 'Pending', gateway_id = null, session_id = null
            where session_id = $1 and state = 'Dispatched' and accepted_at is null""";

    /**
     * Requeue after a gateway stopped: the same, for every session of the gateway.
     *
     * <p>{@code $1} gateway id.
     */
    public static final String REQUEUE_GATEWAY = requeueOfGateways("= $1");

    /**
     * Requeue of orphans: unaccepted Dispatched executions, dispatched longer than {@code $1} seconds ago, whose
     * session no longer holds any machine (its end was missed, e.g. because a gateway died).
     *
     * <p>{@code $1} minimum age in seconds (double precision).
     */
    public static final String REQUEUE_ORPHANS = """
            update execution e set state = 'Pending', gateway_id = null, session_id = null
            where e.state = 'Dispatched' and e.accepted_at is null
              and e.dispatched_at < now() - make_interval(secs => $1)
              and not exists (select 1 from agent_session s where s.session_id = e.session_id)""";

    private Delivery() {
    }

    /**
     * Requeue after gateways stopped, for a statement that finds them itself (a lease expiry, in a common table
     * expression): {@link #REQUEUE_SESSION}'s rule for every execution whose {@code gateway_id} matches
     * {@code gatewayCondition}, the SQL text after {@code gateway_id} (such as {@code "in (select id from dead)"}).
     */
    public static String requeueOfGateways(String gatewayCondition) {
        return "update execution set state = 'Pending', gateway_id = null, session_id = null\n"
                + "where gateway_id " + gatewayCondition + " and state = 'Dispatched' and accepted_at is null";
    }
}
