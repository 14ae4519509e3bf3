package dev.runcmd.state;

/**
 * What happens to the executions that wait for another one ({@code execution.waiting_for}, from dependsOn). Only
 * Pending executions can wait (a gateway claims only those with nothing left to wait for), so only Pending ones
 * are touched, and no agent needs a Cancel. A dependent that is canceled is canceled with its own dependents,
 * transitively; PostgreSQL runs every data-modifying part of a statement to completion whether or not the final
 * part reads it. See {@link LockOrder} for the locks these take.
 *
 * <p>Two writers cancel dependents, and their messages differ on purpose: after an execution ended, every
 * dependent names that execution and how it ended; when control-api stops an execution, each dependent names the
 * run command it waited for directly.
 */
public final class Dependents {

    /**
     * Release, after an execution ended Succeeded (in an earlier statement of the same transaction): its dependents
     * stop waiting for it, and one left waiting for nothing loses its waiting message, so a claim may deliver it.
     * Nothing when the execution ended otherwise.
     *
     * <p>{@code $1} the ended execution's id.
     */
    public static final String RELEASE = """
            update execution set waiting_for = array_remove(waiting_for, $1),
                message = case when cardinality(array_remove(waiting_for, $1)) = 0 then '' else message end
            where $1 = any(waiting_for) and state = 'Pending'
              and (select state from execution where id = $1) = 'Succeeded'""";

    /**
     * Cancel after an end, when the execution ended Failed, TimedOut or Canceled (in an earlier statement of the
     * same transaction): its dependents, and theirs in turn, end Canceled with the message
     * {@code Canceled: dependency '<name>' ended <state>} naming that execution's run command and state; a run
     * command whose current execution one of them is, while Creating or Updating, becomes Canceled. Nothing when
     * the execution ended Succeeded or has not ended.
     *
     * <p>{@code $1} the ended execution's id.
     */
    public static final String CANCEL_AFTER_END = """
            with recursive ended as (
                select id, run_command_name, state from execution where id = $1
                  and state in ('Failed', 'TimedOut', 'Canceled')),
            doomed(id, cause, cause_state) as (
                select e.id, x.run_command_name, x.state from execution e join ended x on x.id = any(e.waiting_for)
                where e.state = 'Pending'
                union
                select e.id, d.cause, d.cause_state from execution e join doomed d on d.id = any(e.waiting_for)
                where e.state = 'Pending'),
            canceled as (
                update execution e set state = 'Canceled', end_time = now(),
                    message = 'Canceled: dependency ''' || d.cause || ''' ended ' || d.cause_state
                from doomed d where e.id = d.id
                returning e.id)
            update run_command set provisioning_state = 'Canceled', updated_at = now()
            where current_execution_id in (select id from canceled)
              and provisioning_state in ('Creating', 'Updating')""";

    /**
     * Cancel ahead of a stop, when control-api cancels, deletes or replaces executions of one run command (they may
     * not have ended yet): every execution waiting for one of them, and transitively those waiting for those, ends
     * Canceled with the message {@code Canceled: dependency '<name>' ended Canceled}, naming the run command it
     * waited for directly; the run command whose current execution it is becomes Canceled. Selects how many
     * executions it canceled.
     *
     * <p>{@code $1} the stopped executions' ids as the text of a PostgreSQL array ({@code {id,id}}, the binding
     * control-api's Hibernate native query uses), {@code $2} the name of their run command.
     */
    public static final String CANCEL_AHEAD_OF_STOP = """
            with recursive doomed(id, dependency) as (
                    select e.id, cast($2 as text) from execution e
                     where e.waiting_for && cast(cast($1 as text) as uuid[]) and e.state = 'Pending'
                union
                    select e.id, d.run_command_name
                      from doomed c
                      join execution d on d.id = c.id
                      join execution e on e.waiting_for @> array[c.id] and e.state = 'Pending'
            ), canceled as (
                update execution x
                   set state = 'Canceled', end_time = now(),
                       message = 'Canceled: dependency ''' || c.dependency || ''' ended Canceled'
                  from (select distinct on (id) id, dependency from doomed order by id, dependency) c
                 where x.id = c.id and x.state = 'Pending'
                returning x.id
            ), provisioning as (
                update run_command r set provisioning_state = 'Canceled', updated_at = now()
                 where r.current_execution_id in (select id from canceled)
                returning r.id
            )
            select count(*) from canceled
            """;

    private Dependents() {
    }
}
