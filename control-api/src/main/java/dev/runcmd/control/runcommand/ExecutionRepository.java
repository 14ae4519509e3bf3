package dev.runcmd.control.runcommand;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** Reads executions and makes the control API's one state change. Every method needs a reactive session. */
@ApplicationScoped
public class ExecutionRepository implements PanacheRepositoryBase<ExecutionEntity, UUID> {

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
}
