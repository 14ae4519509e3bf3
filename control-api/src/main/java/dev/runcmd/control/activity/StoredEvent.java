package dev.runcmd.control.activity;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

/**
 * One row of {@code activity_log} as the query reads it.
 *
 * @param id the row's sequence number, the tie-breaker of the newest-first order
 * @param eventDataId the event's own id
 * @param eventTimestamp when the request was answered
 * @param submissionTimestamp when the row was written
 * @param subscriptionId the subscription (lower case)
 * @param resourceGroup the resource group, or null
 * @param resourceId the resource id as the request spelled it
 * @param resourceProvider the provider namespace
 * @param resourceType the resource type with its namespace
 * @param operationName the ARM operation
 * @param httpMethod the request's method
 * @param status {@code Succeeded} or {@code Failed}
 * @param subStatus the HTTP status's name, such as {@code Created}
 * @param httpStatus the HTTP status, or null
 * @param caller the caller's name, or {@code anonymous}
 * @param callerObjectId the caller's object id, or null
 * @param principalType the caller's principal type, or null
 * @param clientIp the client's address, or null
 * @param correlationId the correlation id, or null
 * @param requestId the request's own id, or null
 * @param clientRequestId the client's own id of the request, or null
 * @param properties the event's further properties
 */
public record StoredEvent(long id, UUID eventDataId, OffsetDateTime eventTimestamp,
        OffsetDateTime submissionTimestamp, String subscriptionId, String resourceGroup, String resourceId,
        String resourceProvider, String resourceType, String operationName, String httpMethod, String status,
        String subStatus, Integer httpStatus, String caller, String callerObjectId, String principalType,
        String clientIp, String correlationId, String requestId, String clientRequestId,
        Map<String, Object> properties) {
}
