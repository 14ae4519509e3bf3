package dev.runcmd.control.operation;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.hibernate.annotations.DynamicUpdate;

/**
 * An ARM long-running operation (table {@code operation}): one per accepted PUT, PATCH or DELETE. Only control-api
 * writes these rows. The status of a PUT or PATCH is derived from the execution it tracks when it is read
 * ({@link OperationRules}) and stored once it is final, so it survives the execution's deletion.
 */
@Entity
@DynamicUpdate
@Table(name = "operation")
public class OperationEntity {

    /** Random id, the {operationId} of the status and result URLs. */
    @Id
    public UUID id;

    /** The run command's ARM id (kept after a delete). */
    @Column(name = "resource_id")
    public String resourceId;

    /** The run command, which may since have been deleted. */
    @Column(name = "run_command_id")
    public UUID runCommandId;

    /** The execution the operation tracks. */
    @Column(name = "execution_id")
    public UUID executionId;

    /** An {@link OperationKind} stored value. */
    public String kind;

    /** An {@link OperationStatus} stored value. */
    public String status;

    /** For a PUT or PATCH: true completes the operation when the script starts. */
    @Column(name = "async_execution")
    public boolean asyncExecution;

    /** The run command's location, the {location} of the status and result URLs. */
    public String location;

    /** When the request was accepted (the status' startTime). */
    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    /** When the operation reached a final status, else null. */
    @Column(name = "end_time")
    public OffsetDateTime endTime;

    /** The error code of a Failed or Canceled operation, else null. */
    @Column(name = "error_code")
    public String errorCode;

    /** The error message of a Failed or Canceled operation, else null. */
    @Column(name = "error_message")
    public String errorMessage;

    /** The parsed kind. */
    public OperationKind operationKind() {
        return OperationKind.fromStored(kind);
    }

    /** The parsed status. */
    public OperationStatus operationStatus() {
        return OperationStatus.fromStored(status);
    }
}
