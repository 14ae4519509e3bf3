package dev.runcmd.control.operation;

import dev.runcmd.control.arm.ApiVersionFilter;
import dev.runcmd.control.arm.PathSegments;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.UUID;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * The two polling URLs of a long-running operation, as ARM hands them out in response headers:
 * {@code Azure-AsyncOperation} (the status monitor, {@code .../operationStatuses/{id}}) and {@code Location} (the
 * result, {@code .../operationResults/{id}}), both absolute, built from the base URI of the request that started
 * the operation, and carrying its api-version.
 *
 * @param asyncOperation the status monitor URL
 * @param location the result URL
 */
public record OperationLinks(URI asyncOperation, URI location) {

    /** The header naming the status monitor. */
    public static final String ASYNC_OPERATION_HEADER = "Azure-AsyncOperation";

    /** Seconds a client should wait between polls. */
    public static final String RETRY_AFTER_SECONDS = "1";

    /** The path segment of status monitors. */
    static final String STATUSES = "operationStatuses";

    /** The path segment of results. */
    static final String RESULTS = "operationResults";

    /** The links of an operation. */
    public static OperationLinks of(URI baseUri, String subscriptionId, String location, UUID operationId,
            String apiVersion) {
        String base = stripSlash(baseUri.toString()) + "/subscriptions/" + PathSegments.encode(subscriptionId)
                + "/providers/Microsoft.HybridCompute/locations/" + PathSegments.encode(location) + "/";
        String tail = "/" + operationId + "?api-version=" + PathSegments.encode(apiVersion);
        return new OperationLinks(URI.create(base + STATUSES + tail), URI.create(base + RESULTS + tail));
    }

    /** The links of an operation started by this request (its base URI and api-version). */
    public static OperationLinks forRequest(UriInfo request, String subscriptionId, String location,
            UUID operationId) {
        return of(request.getBaseUri(), subscriptionId, location, operationId,
                request.getQueryParameters().getFirst(ApiVersionFilter.PARAMETER));
    }

    /** The ARM id of a status monitor: its path, without a query. */
    static String statusId(String subscriptionId, String location, UUID operationId) {
        return "/subscriptions/" + subscriptionId + "/providers/Microsoft.HybridCompute/locations/" + location + "/"
                + STATUSES + "/" + operationId;
    }

    /** Adds {@code Azure-AsyncOperation}, {@code Location} and {@code Retry-After} to a response. */
    public <T> RestResponse.ResponseBuilder<T> addTo(RestResponse.ResponseBuilder<T> response) {
        return response.header(ASYNC_OPERATION_HEADER, asyncOperation.toString())
                .header("Location", location.toString())
                .header("Retry-After", RETRY_AFTER_SECONDS);
    }

    private static String stripSlash(String base) {
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }
}
