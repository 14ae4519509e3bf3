package dev.runcmd.control.runcommand;

import dev.runcmd.state.Cancellation;
import dev.runcmd.state.ExecutionState;
import dev.runcmd.state.MachineDeletion;
import dev.runcmd.state.Placeholders;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Reads executions and makes the control API's two state changes: canceling a Pending one, and ending a deleted
 * machine's unfinished ones Failed. Every method needs a reactive session; the statements are the {@code state}
 * module's, rendered for Hibernate's native queries, so they run in the session's transaction.
 */
@ApplicationScoped
public class ExecutionRepository implements PanacheRepositoryBase<ExecutionEntity, UUID> {

    private static final String CANCEL_IF_PENDING = Placeholders.toOrdinal(Cancellation.IF_PENDING);

    private static final String FAIL_UNFINISHED = Placeholders.toOrdinal(MachineDeletion.FAIL_UNFINISHED);

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
     * statement ({@link Cancellation#IF_PENDING}), so a concurrent dispatch by a gateway is never overwritten.
     *
     * @return true when this call canceled it
     */
    public Uni<Boolean> cancelIfPending(UUID id, String message) {
        return Panache.getSession().flatMap(session -> session.createNativeQuery(CANCEL_IF_PENDING)
                .setParameter(1, id)
                .setParameter(2, message)
                .executeUpdate())
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
     * statement ({@link MachineDeletion#FAIL_UNFINISHED}); the caller holds the machine's row lock. Followers are
     * notified by the state trigger.
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
