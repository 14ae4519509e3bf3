package dev.runcmd.control.runcommand;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Reads executions and makes the control API's two state changes: canceling a Pending one, and ending a deleted
 * machine's unfinished ones Failed. Every method needs a reactive session.
 */
@ApplicationScoped
public class ExecutionRepository implements PanacheRepositoryBase<ExecutionEntity, UUID> {

    /*
     * Ends them as a gateway ends an execution Failed (exit code null, end time, message), locked in id order. Its
     * run command's provisioning follows the gateway's rule: Succeeded while Creating or Updating when an agent had
     * accepted it (the platform ran it), Failed when none had (the platform could not run it).
     */
    private static final String FAIL_UNFINISHED = """
            with doomed as (
                select id, state, (state = 'Running' or (state = 'Dispatched' and accepted_at is not null)) as ran
                  from execution
                 where machine_id = ?1 and state in ('Pending', 'Dispatched', 'Running')
                 order by id
                   for update
            ), ended as (
                update execution e set state = 'Failed', exit_code = null, end_time = now(), message = ?2
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

    /**
     * An execution that {@link #failUnfinished} ended.
     *
     * @param id the execution
     * @param before its state before: an agent may hold it when {@link ExecutionState#isOnAgent()}
     */
    public record Ended(UUID id, ExecutionState before) {
    }

    /** The executions with these ids, in no particular order. */
    public Uni<List<ExecutionEntity>> findByIds(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return list("id in ?1", ids);
    }

    /**
     * Marks the execution Canceled if, and only if, it is still Pending (never delivered), in one conditional
     * statement, so a concurrent dispatch by a gateway is never overwritten.
     *
     * @return true when this call canceled it
     */
    public Uni<Boolean> cancelIfPending(UUID id, String message, OffsetDateTime now) {
        return update("state = ?1, message = ?2, endTime = ?3 where id = ?4 and state = ?5",
                ExecutionState.CANCELED.stored(), message, now, id, ExecutionState.PENDING.stored())
                .map(count -> count == 1);
    }

    /**
     * The executions with these ids, each locked {@code FOR SHARE} until the transaction ends, so that no gateway
     * ends one of them meanwhile.
     */
    public Uni<List<ExecutionEntity>> lockShared(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return find("id in ?1", ids).withLock(LockModeType.PESSIMISTIC_READ).list();
    }

    /**
     * The state of an execution, row-locked until the transaction ends so that no gateway moves it meanwhile;
     * null when the row is gone.
     */
    public Uni<ExecutionState> lockState(UUID id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE)
                .map(execution -> execution == null ? null : execution.executionState());
    }

    /**
     * Ends every unfinished execution (Pending, Dispatched, Running) of a machine Failed with {@code message}, in one
     * statement; the caller holds the machine's row lock. Followers are notified by the state trigger.
     *
     * @return the executions ended
     */
    public Uni<List<Ended>> failUnfinished(long machineId, String message) {
        return Panache.getSession().flatMap(session -> session.createNativeQuery(FAIL_UNFINISHED, Object[].class)
                .setParameter(1, machineId)
                .setParameter(2, message)
                .getResultList())
                .map(rows -> rows.stream()
                        .map(row -> new Ended(UUID.fromString((String) row[0]),
                                ExecutionState.fromStored((String) row[1])))
                        .toList());
    }
}
