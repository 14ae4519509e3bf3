package dev.runcmd.state;

/**
 * Canceling executions that no agent holds yet. Only a Pending execution can be canceled here: a Dispatched or
 * Running one may be on its agent, which must be sent a Cancel and reports the end itself ({@link Progress#EXIT}).
 * The condition on Pending makes each statement lose cleanly to a gateway's concurrent claim.
 */
public final class Cancellation {

    /**
     * Cancel if still Pending: the execution becomes Canceled with the message, if and only if it was never
     * delivered; a concurrent claim is never overwritten. Updates one row when it canceled it. The caller sets its
     * run command's provisioning state and cancels its dependents ({@link Dependents#CANCEL_AHEAD_OF_STOP}).
     *
     * <p>{@code $1} execution id, {@code $2} message.
     */
    public static final String IF_PENDING = """
            update execution set state = 'Canceled', message = $2, end_time = now()
            where id = $1 and state = 'Pending'""";

    /**
     * Cancel many Pending executions at once (a fan-out job's): those of {@code $1} still Pending become Canceled
     * with the message {@code $2}; every execution waiting for one of them, and transitively those waiting for
     * those, ends Canceled with {@code Canceled: dependency '<name>' ended Canceled}, naming the run command it
     * waited for directly, as {@link Dependents#CANCEL_AHEAD_OF_STOP} does; and each run command whose current
     * execution is one of them becomes Canceled. Selects one row: {@code canceled} (of {@code $1}) and
     * {@code dependents}, the counts.
     *
     * <p>Lock the run commands of {@code $1} first, in id order ({@link LockOrder}). Ids of {@code $1} that are not
     * Pending are left as they are, and so are their dependents.
     *
     * <p>{@code $1} uuid[] of executions, {@code $2} their message.
     */
    public static final String PENDING_WITH_DEPENDENTS = """
            with recursive canceled_pending as (
                update execution set state = 'Canceled', message = $2, end_time = now()
                 where id = any($1::uuid[]) and state = 'Pending'
                returning id, run_command_name
            ), doomed(id, dependency) as (
                    select e.id, c.run_command_name
                      from canceled_pending c
                      join execution e on e.waiting_for @> array[c.id] and e.state = 'Pending'
                     where e.id <> all($1::uuid[])
                union
                    select e.id, d.run_command_name
                      from doomed c
                      join execution d on d.id = c.id
                      join execution e on e.waiting_for @> array[c.id] and e.state = 'Pending'
                     where e.id <> all($1::uuid[])
            ), canceled_dependents as (
                update execution x
                   set state = 'Canceled', end_time = now(),
                       message = 'Canceled: dependency ''' || c.dependency || ''' ended Canceled'
                  from (select distinct on (id) id, dependency from doomed order by id, dependency) c
                 where x.id = c.id and x.state = 'Pending'
                returning x.id
            ), provisioning as (
                update run_command r set provisioning_state = 'Canceled', updated_at = now()
                 where r.current_execution_id in (select id from canceled_pending
                                                  union all select id from canceled_dependents)
                returning r.id
            )
            select (select count(*) from canceled_pending) as canceled,
                   (select count(*) from canceled_dependents) as dependents
            """;

    private Cancellation() {
    }
}
