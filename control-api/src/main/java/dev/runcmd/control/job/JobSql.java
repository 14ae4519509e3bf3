package dev.runcmd.control.job;

/**
 * The statements of fan-out jobs. Lock order, the same as every other writer's: the job row, then run_command rows,
 * then execution rows (a gateway locks a run command before its execution; so do these).
 */
final class JobSql {

    /** The targets: named machines and those whose merged tags contain {@code $4}. */
    static final String RESOLVE_TARGETS = """
            select id, name from machine
             where subscription_id = $1 and resource_group = $2 and revoked_at is null
               and (name = any($3::text[]) or ($4::text::jsonb <> '{}'::jsonb and (agent_tags || tags) @> $4::text::jsonb))
             order by name
            """;

    static final String LOCK_JOB = """
            select id, provisioning_state, location from run_command_job
             where subscription_id = $1 and resource_group = $2 and name = $3
               for update
            """;

    static final String DELETE_JOB = "delete from run_command_job where id = $1";

    /** The run commands of that name on the targets, locked, with their current execution's state. */
    static final String LOCK_EXISTING = """
            select m.name, e.state from run_command r
              join machine m on m.id = r.machine_id
              left join execution e on e.id = r.current_execution_id
             where r.name = $1 and r.machine_id = any($2::bigint[])
             order by r.id
               for update of r
            """;

    static final String INSERT_JOB = """
            insert into run_command_job (id, subscription_id, resource_group, name, location, tags, targets,
                max_concurrency, max_errors, concurrency_limit, error_limit, run_command, delivery_timeout_seconds,
                provisioning_state, target_count, operation_id, created_by, created_by_type, created_at)
            values ($1, $2, $3, $4, $5, $6::text::jsonb, $7::text::jsonb, $8, $9, $10, $11, $12::text::jsonb, $13, 'Running', $14, $15,
                $16, $17, $18)
            """;

    static final String INSERT_OPERATION = """
            insert into operation (id, resource_id, kind, status, async_execution, location, created_at)
            values ($1, $2, 'job', 'InProgress', false, $3, $4)
            """;

    /**
     * Creates or replaces the run command on every target and inserts its new execution, Pending and held back by
     * the job's id in waiting_for (never delivered, never past a delivery deadline, until released), and the
     * target rows. One statement for all targets.
     */
    static final String CREATE_TARGETS = """
            with t as (
                select * from unnest($1::bigint[], $2::uuid[], $3::uuid[], $4::int[], $5::text[])
                    as t(machine_id, command_id, execution_id, position, machine_name)
            ), commands as (
                insert into run_command (id, machine_id, name, location, tags, script, parameters, protected_parameters,
                    protected_parameters_enc, async_execution, timeout_seconds, provisioning_state, created_at,
                    updated_at, current_execution_id, script_uri, command_id, run_as_user, output_blob_uri,
                    error_blob_uri, depends_on, run_as_password_enc, created_by, last_modified_by, created_by_type,
                    last_modified_by_type, delivery_timeout_seconds)
                select t.command_id, t.machine_id, $6, $7, $8::text::jsonb, $9, $10::text::jsonb, '[]'::jsonb,
                    $11, $12, $13, 'Creating', $27, $27, t.execution_id, $14, $15, $16, $17,
                    $18, '[]'::jsonb, $19, $20, $20, $21, $21, $22
                  from t
                on conflict (machine_id, name) do update set
                    location = excluded.location, tags = excluded.tags, script = excluded.script,
                    parameters = excluded.parameters, protected_parameters = excluded.protected_parameters,
                    protected_parameters_enc = excluded.protected_parameters_enc,
                    async_execution = excluded.async_execution, timeout_seconds = excluded.timeout_seconds,
                    provisioning_state = 'Updating', updated_at = excluded.updated_at,
                    current_execution_id = excluded.current_execution_id, script_uri = excluded.script_uri,
                    command_id = excluded.command_id, run_as_user = excluded.run_as_user,
                    output_blob_uri = excluded.output_blob_uri, error_blob_uri = excluded.error_blob_uri,
                    depends_on = excluded.depends_on, run_as_password_enc = excluded.run_as_password_enc,
                    last_modified_by = excluded.last_modified_by,
                    last_modified_by_type = excluded.last_modified_by_type,
                    delivery_timeout_seconds = excluded.delivery_timeout_seconds
                returning id, machine_id, current_execution_id
            ), executions as (
                insert into execution (id, run_command_id, machine_id, run_command_name, state, message, script, shell,
                    parameters, protected_parameters, protected_parameters_enc, timeout_seconds, created_at,
                    script_uri, run_as_user, run_as_password_enc, output_blob_uri, error_blob_uri, waiting_for,
                    deliver_by)
                select c.current_execution_id, c.id, c.machine_id, $6, 'Pending', $26, $24, $25,
                    $10::text::jsonb, '[]'::jsonb, $11, $13, $27,
                    $14, $16, $19, $17, $18, array[$23::uuid], 'infinity'
                  from commands c
                returning id
            )
            insert into run_command_job_target (job_id, position, machine_id, machine_name, run_command_id, execution_id)
            select $23, t.position, t.machine_id, t.machine_name, c.id, c.current_execution_id
              from t join commands c on c.machine_id = t.machine_id
            """;

    /** The running jobs, oldest first: what the driver advances. */
    static final String RUNNING = """
            select id from run_command_job where provisioning_state = 'Running' order by created_at limit $1
            """;

    /** A running job, locked; another replica advancing it already is skipped. */
    static final String LOCK_RUNNING = """
            select subscription_id, resource_group, name, concurrency_limit, error_limit, max_errors, cancel_requested,
                   delivery_timeout_seconds, target_count, operation_id
              from run_command_job where id = $1 and provisioning_state = 'Running'
               for update skip locked
            """;

    /**
     * Where the targets stand. Held: not released and still Pending. Active: released and not ended. Failed: ended
     * other than Succeeded, or gone (deleted or replaced by hand: the job's execution is no longer there to end).
     */
    static final String TALLY = """
            select count(*) filter (where not t.released and e.state = 'Pending') as held,
                   count(*) filter (where t.released and e.state in ('Pending', 'Dispatched', 'Running')) as active,
                   count(*) filter (where e.state = 'Succeeded') as succeeded,
                   count(*) filter (where e.state is null or e.state in ('Failed', 'TimedOut', 'Canceled')) as failed
              from run_command_job_target t left join execution e on e.id = t.execution_id
             where t.job_id = $1
            """;

    /**
     * Releases up to {@code $2} held targets in the job's order: the job's id leaves waiting_for and the delivery
     * deadline starts now. Returns the machines to dispatch to.
     */
    static final String RELEASE = """
            with picked as (
                select t.position from run_command_job_target t
                 where t.job_id = $1 and not t.released
                 order by t.position limit $2
            ), marked as (
                update run_command_job_target t set released = true
                  from picked p where t.job_id = $1 and t.position = p.position
                returning t.execution_id, t.machine_id, t.machine_name
            ), freed as (
                update execution e set waiting_for = array_remove(e.waiting_for, $1),
                       deliver_by = now() + make_interval(secs => $3),
                       message = case when cardinality(array_remove(e.waiting_for, $1)) = 0 then '' else e.message end
                  from marked m where e.id = m.execution_id and e.state = 'Pending'
                returning e.id
            )
            select m.machine_id, m.machine_name from marked m join freed f on f.id = m.execution_id
            """;

    /** The run commands whose current execution is a held target's, locked before those executions. */
    static final String LOCK_HELD_COMMANDS = """
            select r.id from run_command r
              join run_command_job_target t on t.execution_id = r.current_execution_id
             where t.job_id = $1 and not t.released
             order by r.id
               for update of r
            """;

    /**
     * Marks every held target released and returns their executions, for {@code Cancellation.PENDING_WITH_DEPENDENTS}
     * to end Canceled: held executions were never delivered, so no agent needs a Cancel.
     */
    static final String TAKE_HELD = """
            update run_command_job_target t set released = true
             where t.job_id = $1 and not t.released
            returning t.execution_id as id
            """;

    /**
     * Stopping a job: the run commands of its targets not yet ended, locked before their executions. Released targets
     * not yet delivered then end Canceled at once, like a Pending run command canceled by hand; those an agent may
     * hold get a Cancel after the commit ({@link #ON_AGENTS}).
     */
    static final String LOCK_ACTIVE_COMMANDS = """
            select r.id from run_command r
              join run_command_job_target t on t.execution_id = r.current_execution_id
              join execution e on e.id = t.execution_id
             where t.job_id = $1 and e.state in ('Pending', 'Dispatched', 'Running')
             order by r.id
               for update of r
            """;

    static final String RELEASED_PENDING = """
            select e.id from run_command_job_target t join execution e on e.id = t.execution_id
             where t.job_id = $1 and t.released and e.state = 'Pending'
            """;

    /** The job's run commands that are still its own: their current execution is the job's. */
    static final String DELETE_RUN_COMMANDS = """
            delete from run_command r using run_command_job_target t
             where t.job_id = $1 and r.id = t.run_command_id and r.current_execution_id = t.execution_id
            """;

    /** A deleted job's operation, if still in progress, ends Canceled. */
    static final String END_OPERATION = """
            update operation set status = 'Canceled', end_time = now(), error_code = 'Canceled',
                   error_message = 'The job was deleted before it ended.'
             where id = (select operation_id from run_command_job where id = $1) and status = 'InProgress'
            """;

    static final String INSERT_DELETE_OPERATION = """
            insert into operation (id, resource_id, kind, status, async_execution, location, created_at, end_time)
            values ($1, $2, 'delete', 'Succeeded', false, $3, now(), now())
            """;

    static final String ON_AGENTS = """
            select e.id, e.machine_id, t.machine_name from run_command_job_target t
              join execution e on e.id = t.execution_id
             where t.job_id = $1 and e.state in ('Dispatched', 'Running')
            """;

    static final String STOP = "update run_command_job set message = $2 where id = $1 and message = ''";

    static final String REQUEST_CANCEL = """
            update run_command_job set cancel_requested = true
             where subscription_id = $1 and resource_group = $2 and name = $3 and provisioning_state = 'Running'
            """;

    static final String FINISH = """
            with job as (
                update run_command_job set provisioning_state = $2, end_time = now(),
                       message = case when message = '' then $4 else message end
                 where id = $1 and provisioning_state = 'Running'
                returning operation_id, message
            )
            update operation o set status = $2, end_time = now(),
                   error_code = case when $2 = 'Succeeded' then null else $3 end,
                   error_message = case when $2 = 'Succeeded' then null else (select message from job) end
             where o.id = (select operation_id from job)
            """;

    private JobSql() {
    }
}
