package dev.runcmd.control.operation;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.UUID;

/** Records operations inside the writing transaction of their request. Every method needs a reactive session. */
@ApplicationScoped
public class OperationRepository implements PanacheRepositoryBase<OperationEntity, UUID> {

    /** The message of a PUT or PATCH operation whose run command was deleted before it completed. */
    static final String DELETED = "The run command was deleted before the operation completed.";

    /**
     * Starts an InProgress operation of a PUT or PATCH that tracks an execution.
     *
     * @return the operation's id
     */
    public Uni<UUID> startRun(OperationKind kind, String resourceId, UUID runCommandId, UUID executionId,
            boolean asyncExecution, String location, OffsetDateTime now) {
        OperationEntity operation = operation(kind, resourceId, runCommandId, executionId, location, now);
        operation.asyncExecution = asyncExecution;
        operation.status = OperationStatus.IN_PROGRESS.stored();
        return persist(operation).replaceWith(operation.id);
    }

    /**
     * Records a DELETE, Succeeded at once: the stop has been requested and the resource is gone. Completes
     * InProgress PUT and PATCH operations of the run command as Canceled, since their execution goes with it.
     *
     * @return the operation's id
     */
    public Uni<UUID> recordDelete(String resourceId, UUID runCommandId, UUID executionId, String location,
            OffsetDateTime now) {
        OperationEntity operation = operation(OperationKind.DELETE, resourceId, runCommandId, executionId, location,
                now);
        operation.status = OperationStatus.SUCCEEDED.stored();
        operation.endTime = now;
        return update("status = ?1, endTime = ?2, errorCode = ?3, errorMessage = ?4 "
                + "where runCommandId = ?5 and status = ?6 and kind <> ?7",
                OperationStatus.CANCELED.stored(), now, OperationRules.CANCELED_CODE, DELETED, runCommandId,
                OperationStatus.IN_PROGRESS.stored(), OperationKind.DELETE.stored())
                .chain(() -> persist(operation))
                .replaceWith(operation.id);
    }

    private static OperationEntity operation(OperationKind kind, String resourceId, UUID runCommandId,
            UUID executionId, String location, OffsetDateTime now) {
        OperationEntity operation = new OperationEntity();
        operation.id = UUID.randomUUID();
        operation.kind = kind.stored();
        operation.resourceId = resourceId;
        operation.runCommandId = runCommandId;
        operation.executionId = executionId;
        operation.location = location;
        operation.createdAt = now;
        return operation;
    }
}
