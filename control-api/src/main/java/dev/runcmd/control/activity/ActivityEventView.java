package dev.runcmd.control.activity;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.runcmd.control.arm.ArmTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One event as Azure Monitor's activity log shows it ({@code Microsoft.Insights/eventtypes/management/values}):
 * the same field names and shapes, so that tools written for Azure read runcmd's log. Every event is an
 * {@code Administrative} {@code EndRequest} of the {@code Operation} channel.
 *
 * @param authorization the action and the scope it was performed on
 * @param caller the caller's name, or {@code anonymous}
 * @param channels always {@code Operation}
 * @param claims the caller's object id (under Entra's object identifier claim), name and principal type
 * @param correlationId the request's correlation id
 * @param eventDataId the event's own id
 * @param eventName always {@code EndRequest}
 * @param category always {@code Administrative}
 * @param eventTimestamp when the request was answered
 * @param httpRequest the client's request id and address, and the method
 * @param id {@code <resourceId>/events/<eventDataId>/ticks/<ticks>}, ticks as .NET counts them
 * @param level {@code Informational}, {@code Warning} (4xx) or {@code Error} (5xx)
 * @param operationId the operation's id (the request's id)
 * @param operationName the ARM operation
 * @param resourceGroupName the resource group, absent outside one
 * @param resourceProviderName the provider namespace
 * @param resourceType the resource type
 * @param resourceId the resource's ARM id
 * @param status {@code Succeeded} or {@code Failed}
 * @param subStatus the HTTP status's name, such as {@code Created}
 * @param submissionTimestamp when the event was stored
 * @param subscriptionId the subscription
 * @param properties {@code statusCode}, {@code serviceRequestId} and what the request added
 */
public record ActivityEventView(Authorization authorization, String caller, String channels,
        Map<String, String> claims, String correlationId, String eventDataId, Localized eventName,
        Localized category, String eventTimestamp, HttpRequest httpRequest, String id, String level,
        String operationId, Localized operationName,
        @JsonInclude(JsonInclude.Include.NON_NULL) String resourceGroupName, Localized resourceProviderName,
        Localized resourceType, String resourceId, Localized status, Localized subStatus,
        String submissionTimestamp, String subscriptionId, Map<String, Object> properties) {

    /** Entra ID's object identifier claim, under which Azure shows the caller's object id. */
    static final String OBJECT_ID_CLAIM = "http://schemas.microsoft.com/identity/claims/objectidentifier";

    /** .NET ticks (100 ns since 0001-01-01) at the Unix epoch. */
    private static final long EPOCH_TICKS = 621_355_968_000_000_000L;

    /** The view of a stored event. */
    public static ActivityEventView of(StoredEvent event) {
        String eventDataId = event.eventDataId().toString();
        String subStatus = event.subStatus();
        return new ActivityEventView(
                new Authorization(event.operationName(), event.resourceId()),
                event.caller(),
                "Operation",
                claims(event),
                event.correlationId(),
                eventDataId,
                new Localized("EndRequest", "End request"),
                Localized.of("Administrative"),
                ArmTime.format(event.eventTimestamp()),
                new HttpRequest(event.clientRequestId(), event.clientIp(), event.httpMethod()),
                event.resourceId() + "/events/" + eventDataId + "/ticks/" + ticks(event.eventTimestamp().toInstant()),
                HttpStatuses.level(event.httpStatus()),
                event.requestId(),
                Localized.of(event.operationName()),
                event.resourceGroup(),
                Localized.of(event.resourceProvider()),
                Localized.of(event.resourceType()),
                event.resourceId(),
                Localized.of(event.status()),
                subStatus == null ? null : new Localized(subStatus,
                        HttpStatuses.localizedSubStatus(subStatus, event.httpStatus())),
                ArmTime.format(event.submissionTimestamp()),
                event.subscriptionId(),
                properties(event));
    }

    private static Map<String, String> claims(StoredEvent event) {
        Map<String, String> claims = new LinkedHashMap<>();
        if (event.callerObjectId() != null) {
            claims.put(OBJECT_ID_CLAIM, event.callerObjectId());
        }
        claims.put("name", event.caller());
        if (event.principalType() != null) {
            claims.put("principalType", event.principalType());
        }
        return claims;
    }

    private static Map<String, Object> properties(StoredEvent event) {
        Map<String, Object> properties = new LinkedHashMap<>();
        if (event.subStatus() != null) {
            properties.put("statusCode", event.subStatus());
        }
        properties.put("serviceRequestId", event.requestId());
        properties.putAll(event.properties());
        return properties;
    }

    /** .NET ticks of an instant, as Azure's event ids carry them. */
    static long ticks(Instant time) {
        return EPOCH_TICKS + time.getEpochSecond() * 10_000_000L + time.getNano() / 100;
    }

    /**
     * The action performed and where.
     *
     * @param action the ARM operation
     * @param scope the resource id it was performed on
     */
    public record Authorization(String action, String scope) {
    }

    /**
     * A value and its text for people.
     *
     * @param value the value
     * @param localizedValue its text for people
     */
    public record Localized(String value, String localizedValue) {

        /** A value that reads the same for people. */
        static Localized of(String value) {
            return new Localized(value, value);
        }
    }

    /**
     * What Azure shows of the HTTP request.
     *
     * @param clientRequestId the client's own id of the request ({@code x-ms-client-request-id}), or null
     * @param clientIpAddress the client's address, or null
     * @param method the HTTP method
     */
    public record HttpRequest(String clientRequestId, String clientIpAddress, String method) {
    }
}
