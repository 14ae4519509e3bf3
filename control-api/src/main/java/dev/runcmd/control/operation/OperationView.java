package dev.runcmd.control.operation;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.runcmd.control.arm.ArmError;
import dev.runcmd.control.arm.ArmTime;

/**
 * ARM's status monitor body ({@code GET .../operationStatuses/{id}}).
 *
 * @param id the status monitor's ARM id: its path, without a query
 * @param name the operation id
 * @param status InProgress, Succeeded, Failed or Canceled
 * @param startTime when the request was accepted, ISO-8601 UTC
 * @param endTime when the operation completed; absent while InProgress
 * @param error why a Failed or Canceled operation ended so; absent otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OperationView(String id, String name, String status, String startTime, String endTime,
        ArmError.Detail error) {

    /** The view of a stored (and refreshed) operation, addressed by the subscription and location of its URL. */
    public static OperationView of(OperationEntity operation, String subscriptionId, String location) {
        ArmError.Detail error = operation.errorCode == null ? null
                : new ArmError.Detail(operation.errorCode, operation.errorMessage);
        return new OperationView(OperationLinks.statusId(subscriptionId, location, operation.id),
                operation.id.toString(), operation.status, ArmTime.format(operation.createdAt),
                ArmTime.format(operation.endTime), error);
    }
}
