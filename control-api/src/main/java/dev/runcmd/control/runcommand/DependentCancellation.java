package dev.runcmd.control.runcommand;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.UUID;

/**
 * Ends, in the caller's transaction, every execution that waits for one that is being canceled, deleted or
 * replaced, and transitively those that wait for them: each becomes Canceled with the message
 * {@code Canceled: dependency '<name>' ended Canceled}, naming the run command it waited for directly, and the
 * provisioningState of a run command whose current execution it is becomes Canceled.
 *
 * <p>PostgreSQL runs every data-modifying part of the statement to completion whether or not the final select
 * reads it. Only Pending executions can wait (a gateway claims only those with nothing left to wait for), so only
 * Pending ones are touched, and no agent needs a Cancel.
 */
@ApplicationScoped
class DependentCancellation {

    private static final String SQL = """
            with recursive doomed(id, dependency) as (
                    select e.id, cast(?2 as text) from execution e
                     where e.waiting_for && cast(cast(?1 as text) as uuid[]) and e.state = 'Pending'
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

    /**
     * Cancels the executions waiting for any of {@code executionIds} (executions of the run command
     * {@code name}), transitively.
     *
     * @return how many executions were canceled
     */
    Uni<Long> cancelDependents(Collection<UUID> executionIds, String name) {
        if (executionIds.isEmpty()) {
            return Uni.createFrom().item(0L);
        }
        String ids = "{" + String.join(",", executionIds.stream().map(UUID::toString).toList()) + "}";
        return Panache.getSession().flatMap(session -> session.createNativeQuery(SQL, Long.class)
                .setParameter(1, ids)
                .setParameter(2, name)
                .getSingleResult());
    }
}
